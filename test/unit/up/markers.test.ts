import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeMetadata } from '../../../runtime/config/metadata';
import { dueMarkers, postStartMarker } from '../../../runtime/up/markers';

test('due markers follow the merged commands', () => {
  const startedAt = '2026-12-04T23:00:00.123456789Z';
  const merged = mergeMetadata([{ onCreateCommand: 'a' }, { postCreateCommand: ['b'], postStartCommand: 'c', postAttachCommand: 'd' }]);
  assert.deepEqual(dueMarkers(merged, startedAt), ['onCreateCommand', 'postCreateCommand', postStartMarker(startedAt)]);
  assert.equal(postStartMarker(startedAt), `postStartCommand-${Date.parse(startedAt)}`);
});

test('empty commands need no marker', () => {
  const merged = mergeMetadata([{ postCreateCommand: '  ', updateContentCommand: [] }]);
  assert.deepEqual(dueMarkers(merged, '2026-12-04T23:00:00Z'), []);
});
