import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJsonc, parseJsoncObject, positionAt } from '../../../runtime/config/jsonc';
import { ConfigurationError } from '../../../runtime/errors';

test('jsonc accepts comments and trailing commas', () => {
  const text = '// head\n{ /* a */ "a": "x//y/*z*/", "b": [1, 2,], }\n';
  assert.deepEqual(parseJsonc(text, 'f.json'), { a: 'x//y/*z*/', b: [1, 2] });
});

test('jsonc error names file, line and column', () => {
  const text = '{\n  "image": "debian"\n  "name": "x"\n}';
  assert.throws(
    () => parseJsonc(text, '/w/.devcontainer/devcontainer.json'),
    (error: Error) => {
      assert.ok(error instanceof ConfigurationError);
      assert.equal(error.location?.line, 3);
      assert.equal(error.location?.column, 3);
      assert.match(error.message, /\/w\/\.devcontainer\/devcontainer\.json at line 3, column 3: Comma expected/);
      return true;
    },
  );
});

test('jsonc error for an unterminated string', () => {
  assert.throws(() => parseJsonc('{"a": "b', 'f.json'), /line 1, column \d+/);
});

test('jsonc rejects a non-object top level', () => {
  assert.throws(() => parseJsoncObject('[1]', 'f.json'), /top level must be a JSON object/);
});

test('positionAt counts lines from one', () => {
  assert.deepEqual(positionAt('ab\ncd', 0), { line: 1, column: 1 });
  assert.deepEqual(positionAt('ab\ncd', 4), { line: 2, column: 2 });
});
