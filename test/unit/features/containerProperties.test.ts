import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { featureStartCommand, mergeMounts, mergeRunProperties } from '../../../runtime/features/containerProperties';

test('run properties merge by the spec rules', () => {
  const merged = mergeRunProperties([
    { init: false, capAdd: ['A'] },
    { id: 'f1', init: true, capAdd: ['B', 'A'], securityOpt: ['s1'], entrypoint: '/e1' },
    { id: 'f2', privileged: true, entrypoint: '/e2', mounts: ['type=volume,source=v,target=/data'] },
    { init: false, privileged: false, securityOpt: ['s1', 's2'] },
  ]);
  assert.equal(merged.init, true);
  assert.equal(merged.privileged, true);
  assert.deepEqual(merged.capAdd, ['A', 'B']);
  assert.deepEqual(merged.securityOpt, ['s1', 's2']);
  assert.deepEqual(merged.entrypoints, ['/e1', '/e2']);
  assert.deepEqual(merged.mounts, ['type=volume,source=v,target=/data']);
});

test('later mount with the same target wins', () => {
  const merged = mergeMounts(
    ['type=volume,source=feature,target=/data', { type: 'volume', source: 'cache', target: '/cache' }],
    ['type=bind,source=/host,target=/data'],
  );
  assert.deepEqual(merged.map((item) => item.mount), [{ type: 'volume', source: 'cache', target: '/cache' }, 'type=bind,source=/host,target=/data']);
  assert.equal(merged[1].jsonPath, 'mounts[0]');
});

test('start command runs entrypoints then the keep-alive loop', () => {
  assert.equal(featureStartCommand({ entrypoints: [], overrideCommand: true, imageEntrypoint: [], imageCmd: [] }), undefined);
  const start = featureStartCommand({ entrypoints: ['/e1', '/e2'], overrideCommand: true, imageEntrypoint: ['/entry'], imageCmd: ['serve'] });
  assert.deepEqual(start?.Entrypoint.slice(3), ['-']);
  assert.match(start?.Entrypoint[2] ?? '', /\/e1\n\/e2\nexec "\$@"\nwhile sleep/);
  const keep = featureStartCommand({ entrypoints: ['/e1'], overrideCommand: false, imageEntrypoint: ['/entry'], imageCmd: ['serve'] });
  assert.deepEqual(keep?.Entrypoint.slice(3), ['-', '/entry', 'serve']);
});
