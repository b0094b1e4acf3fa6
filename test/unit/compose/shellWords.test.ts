import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitCommandWords } from '../../../runtime/compose/shellWords';

const where = { file: 'compose.yml', jsonPath: 'services.app.command' };

test('command words split like a POSIX shell', () => {
  assert.deepEqual(splitCommandWords('sleep infinity', where), ['sleep', 'infinity']);
  assert.deepEqual(splitCommandWords(`sh -c 'echo "$HOME" done'`, where), ['sh', '-c', 'echo "$HOME" done']);
  assert.deepEqual(splitCommandWords('echo "a \\"b\\" c" d\\ e', where), ['echo', 'a "b" c', 'd e']);
  assert.deepEqual(splitCommandWords(`  spaced   out  ''  `, where), ['spaced', 'out', '']);
});

test('command words reject an open quote', () => {
  assert.throws(() => splitCommandWords('echo "open', where), /Unclosed " quote in services\.app\.command of compose\.yml/);
});
