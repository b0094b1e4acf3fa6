import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitShellWords } from '../../support/shellWords';

test('shell words with quotes', () => {
  assert.deepEqual(splitShellWords(`"ws/My Proj" sh -c 'echo "$A"; x' a\\ b`), ['ws/My Proj', 'sh', '-c', 'echo "$A"; x', 'a b']);
  assert.deepEqual(splitShellWords(`"a\\"b" ''`), ['a"b', '']);
});
