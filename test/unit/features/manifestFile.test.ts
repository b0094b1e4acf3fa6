import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkFeatureManifest } from '../../../runtime/features/manifestFile';

const file = '/cache/disk/devcontainer-feature.json';

test('valid mounts pass', () => {
  const mounts = ['source=disk-${devcontainerId},target=/var/lib/disk,type=volume', { type: 'bind', source: '/tmp', target: '/host-tmp' }];
  assert.doesNotThrow(() => checkFeatureManifest({ id: 'disk', mounts }, file));
});

const invalidMounts: { name: string; mount: unknown; reason: RegExp }[] = [
  { name: 'mount without target', mount: 'source=x,type=volume', reason: /Feature disk: Invalid mount in \/cache\/disk\/devcontainer-feature\.json at mounts\[0\]: no target/ },
  { name: 'unknown mount type', mount: { type: 'nfs', source: 'x', target: '/x' }, reason: /Feature disk: .*at mounts\[0\]: unknown type "nfs"/ },
  { name: 'mount of wrong type', mount: 5, reason: /Invalid "mounts\[0\]" of Feature disk in \/cache\/disk\/devcontainer-feature\.json/ },
];

for (const item of invalidMounts) {
  test(`manifest rejects ${item.name}`, () => {
    assert.throws(
      () => checkFeatureManifest({ id: 'disk', mounts: [item.mount] }, file),
      (error: Error & { location?: { file: string; jsonPath?: string } }) => {
        assert.equal(error.name, 'ConfigurationError');
        assert.match(error.message, item.reason);
        assert.deepEqual(error.location, { file, jsonPath: 'mounts[0]' });
        return true;
      },
    );
  });
}
