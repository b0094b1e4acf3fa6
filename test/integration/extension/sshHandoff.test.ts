/**
 * The SSH host entry the extension writes, used by the real OpenSSH client:
 * its ProxyCommand runs the built CLI's `ssh-proxy`, which brings the
 * workspace's container up on the local engine and serves SSH for it. Needs
 * `npm run build` (dist/cli.js), the engine and the `debian:bookworm` image.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { sshHostAlias } from '../../../extension/ssh/hostAlias';
import { ownSshFiles, writeHostEntry } from '../../../extension/ssh/sshConfigFile';
import { cliPath, runProcess } from '../../support/cli';
import { removeWorkspaceContainers } from '../../support/engine';
import { makeWorkspace, removeWorkspace } from '../../support/workspace';

const minute = 60_000;

test('SSH host entry reaches the container', { timeout: 10 * minute }, async () => {
  // A space and a dollar sign in the folder name test the ProxyCommand's quoting.
  const workspace = makeWorkspace({ '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm' }) }, 'my $ws');
  const home = path.dirname(workspace);
  after(async () => {
    await removeWorkspaceContainers(workspace);
    removeWorkspace(workspace);
  });

  const location = { workspaceFolder: workspace, configFile: path.join(workspace, '.devcontainer', 'devcontainer.json') };
  const alias = sshHostAlias(location);
  const files = ownSshFiles(home);
  const userConfigFile = path.join(home, '.ssh', 'config');
  await writeHostEntry({
    files,
    userConfigFile,
    entry: {
      alias,
      remoteUser: 'root',
      launcher: { executable: process.execPath, runAsNode: true },
      cliPath,
      ...location,
      platform: 'posix',
    },
  });

  const result = await runProcess('ssh', ['-F', userConfigFile, '-o', 'BatchMode=yes', alias, 'echo "in $(cat /etc/debian_version)"; id -un; pwd'], {
    timeoutMs: 8 * minute,
  });

  assert.equal(result.exitCode, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.match(lines[0], /^in \d+/);
  assert.equal(lines[1], 'root');
  const knownHosts = await fs.readFile(files.knownHostsFile, 'utf8');
  assert.ok(knownHosts.startsWith(alias), knownHosts);
});
