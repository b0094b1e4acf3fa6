// Compiles the JSON schemas in schemas/ into standalone validation code with
// Ajv, so the runtime checks devcontainer.json without compiling a schema on
// every run (compiling takes about 45 ms on a 2-core machine, loading the
// generated code a few). The output goes to runtime/config/generated/, which
// git ignores; the build and the tests regenerate it.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outputFolder = path.join(root, 'runtime', 'config', 'generated');

const validators = [
  { schema: 'schemas/devcontainer.schema.json', name: 'validateDevcontainer' },
  { schema: 'schemas/devcontainer-feature.schema.json', name: 'validateFeature' },
];

const declaration = `import type { ErrorObject } from 'ajv';
declare const validate: {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
};
export default validate;
`;

export async function generateValidators() {
  await fs.mkdir(outputFolder, { recursive: true });
  for (const { schema, name } of validators) {
    const ajv = new Ajv({
      // The schemas carry editor-only keywords (allowComments, errorMessage,
      // markdownDescription) that strict mode would reject.
      strict: false,
      allErrors: true,
      validateFormats: false,
      code: { source: true },
    });
    const json = JSON.parse(await fs.readFile(path.join(root, schema), 'utf8'));
    const code = standaloneCode(ajv, ajv.compile(json));
    await writeIfChanged(path.join(outputFolder, `${name}.js`), code);
    await writeIfChanged(path.join(outputFolder, `${name}.d.ts`), declaration);
  }
}

async function writeIfChanged(file, content) {
  const current = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (current !== content) {
    await fs.writeFile(file, content);
  }
}
