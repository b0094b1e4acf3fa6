import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitMountFields, toEngineMount } from '../../../runtime/engine/mounts';
import { formatBindMount } from '../../../runtime/config/load';

const where = { file: 'devcontainer.json', jsonPath: 'mounts[0]' };

test('mount fields split on commas outside quotes', () => {
  assert.deepEqual(splitMountFields('type=bind,"source=/a, b",target=/c'), ['type=bind', 'source=/a, b', 'target=/c']);
  assert.deepEqual(splitMountFields('"source=say ""hi"""'), ['source=say "hi"']);
});

test('bind mount round-trips a path with comma', () => {
  const text = formatBindMount('/home/My Proj, v2', '/workspaces/My Proj, v2');
  assert.deepEqual(toEngineMount(text, where), {
    Type: 'bind',
    Source: '/home/My Proj, v2',
    Target: '/workspaces/My Proj, v2',
  });
});

test('object form mount converts', () => {
  assert.deepEqual(toEngineMount({ type: 'volume', source: 'cache', target: '/cache' }, where), {
    Type: 'volume',
    Source: 'cache',
    Target: '/cache',
  });
});

test('mount options readonly and consistency', () => {
  const mount = toEngineMount('type=bind,src=/a,dst=/b,readonly,consistency=cached', where);
  assert.equal(mount.ReadOnly, true);
  assert.equal(mount.Consistency, 'cached');
});

test('mount without target is rejected', () => {
  assert.throws(() => toEngineMount('type=bind,source=/a', where), /mounts\[0\]: no target/);
});

test('mount with unknown type is rejected', () => {
  assert.throws(() => toEngineMount('type=nfs,target=/a', where), /unknown type "nfs"/);
});
