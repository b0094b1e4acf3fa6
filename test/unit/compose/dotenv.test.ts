import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseDotEnv, readDotEnv } from '../../../runtime/compose/dotenv';

test('dotenv parses names, quotes and comments', () => {
  const parsed = parseDotEnv(
    [
      '# a comment',
      '',
      'PLAIN=value',
      'SPACED=two words',
      'export EXPORTED=yes',
      'DOUBLE="line\\nnext \\"quoted\\""',
      "SINGLE='kept \\n as is'",
      'COMMENTED=value # trailing comment',
      'HASH=a#b',
      'EMPTY=',
      'NO_EQUALS',
      '  INDENTED = padded  ',
      'WINDOWS=crlf\r',
    ].join('\n'),
  );
  assert.deepEqual(parsed, {
    PLAIN: 'value',
    SPACED: 'two words',
    EXPORTED: 'yes',
    DOUBLE: 'line\nnext "quoted"',
    SINGLE: 'kept \\n as is',
    COMMENTED: 'value',
    HASH: 'a#b',
    EMPTY: '',
    INDENTED: 'padded',
    WINDOWS: 'crlf',
  });
});

test('dotenv missing file gives nothing', async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'dotenv-'));
  try {
    assert.deepEqual(await readDotEnv(path.join(folder, '.env')), {});
    fs.writeFileSync(path.join(folder, '.env'), 'A=1\n');
    assert.deepEqual(await readDotEnv(path.join(folder, '.env')), { A: '1' });
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
