import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCase } from '../support/caseRunner';

const casesFolder = path.resolve(__dirname, '..', 'cases');
const cases = fs
  .readdirSync(casesFolder)
  .filter((name) => fs.existsSync(path.join(casesFolder, name, 'CHECK')))
  .sort();

for (const name of cases) {
  test(`case ${name}`, { timeout: 600_000 }, async (t) => {
    await runCase(path.join(casesFolder, name), (line) => t.diagnostic(line));
  });
}
