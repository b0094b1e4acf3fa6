import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { nonDefaultOptions } from '../../../runtime/features/testDuplicate';

const declarations = {
  loud: { type: 'boolean' as const, default: false },
  quiet: { type: 'boolean' as const, default: true },
  word: { type: 'string' as const, enum: ['hello', 'hi', 'hey'], default: 'hello' },
  target: { type: 'string' as const, proposals: ['world', 'moon'], default: 'moon' },
  free: { type: 'string' as const, default: 'text' },
};

test('first non-default values without randomization', () => {
  assert.deepEqual(nonDefaultOptions(declarations), { loud: true, quiet: false, word: 'hi', target: 'world' });
});

test('random pick that hits the default moves on', () => {
  // 0.99 picks the last entry: "hey" for word, and "moon" for target, which is its default.
  const chosen = nonDefaultOptions(declarations, { permitRandomization: true, random: () => 0.99 });
  assert.equal(chosen.word, 'hey');
  assert.equal(chosen.target, 'world');
});

test('random pick is ignored without permitRandomization', () => {
  assert.equal(nonDefaultOptions(declarations, { random: () => 0.99 }).word, 'hi');
});

test('option without default or list', () => {
  assert.deepEqual(nonDefaultOptions({ mode: { type: 'string', enum: ['a', 'b'] }, flag: { type: 'boolean' } }), { mode: 'b', flag: true });
});
