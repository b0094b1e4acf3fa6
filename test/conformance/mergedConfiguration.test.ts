import * as assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { removeWorkspaceCopies, runSideCli, writeWorkspaceCopies } from './sides';

const sides = writeWorkspaceCopies('conf-merged', {
  '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', remoteEnv: { CONF: 'merged' } }),
});

after(() => removeWorkspaceCopies(sides));

// Each group skips its merged-configuration comparison while ours prints no
// mergedConfiguration, so this is the one test that fails for it.
test('read-configuration --include-merged-configuration', async () => {
  const reference = await runSideCli(sides.reference, 'read-configuration', ['--include-merged-configuration'], process.env);
  const ours = await runSideCli(sides.ours, 'read-configuration', ['--include-merged-configuration'], process.env);

  assert.equal(reference.exitCode, 0, reference.stderr);
  assert.ok(JSON.parse(reference.stdout).mergedConfiguration, 'the reference printed no mergedConfiguration');
  assert.equal(ours.exitCode, 0, ours.stderr);
  assert.ok(JSON.parse(ours.stdout).mergedConfiguration, 'ours printed no mergedConfiguration');
});
