import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { semanticTags } from '../../../runtime/features/publish';

test('first version gets every tag', () => {
  assert.deepEqual(semanticTags('1.0.0', []), ['1', '1.0', '1.0.0', 'latest']);
});

test('published version is skipped', () => {
  assert.equal(semanticTags('1.0.0', ['1.0.0', '1', 'latest']), undefined);
});

test('older patch moves only its minor', () => {
  assert.deepEqual(semanticTags('1.0.1', ['1.0.0', '1.1.0', '1', '1.0', '1.1', 'latest']), ['1.0', '1.0.1']);
});

test('older major keeps latest', () => {
  assert.deepEqual(semanticTags('1.5.0', ['2.0.0', '1.4.0']), ['1', '1.5', '1.5.0']);
});

test('invalid version is rejected', () => {
  assert.throws(() => semanticTags('one', []), /not a semantic version/);
});
