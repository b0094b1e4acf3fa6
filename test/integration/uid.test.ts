import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { containersOf, docker, removeWorkspaceContainers } from '../support/engine';
import { cliPath, parseResultLine, runCli, runProcess } from '../support/cli';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

/**
 * updateRemoteUserUID only applies when the CLI runs as a normal user, so
 * these tests run it as a host account made for them, in the docker group so
 * it can reach the engine's socket.
 */
const hostUser = 'devcontainer-uid-test';
const hostUid = 4321;
const workspaces: string[] = [];

function runAsHostUser(args: string[]) {
  return runProcess('runuser', ['-u', hostUser, '--', 'env', `HOME=/home/${hostUser}`, process.execPath, cliPath, ...args]);
}

function workspace(dockerfile: string, config: Record<string, unknown>): string {
  const folder = makeWorkspace({
    '.devcontainer/devcontainer.json': JSON.stringify({ build: { dockerfile: 'Dockerfile' }, ...config }),
    '.devcontainer/Dockerfile': dockerfile,
    'owned.txt': 'host file\n',
  });
  workspaces.push(folder);
  execFileSync('chown', ['-R', `${hostUid}:${hostUid}`, folder]);
  fs.chmodSync(`${folder}/..`, 0o755);
  return folder;
}

before(() => {
  const exists = (() => {
    try {
      execFileSync('id', [hostUser], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  if (!exists) {
    execFileSync('useradd', ['-m', '-u', String(hostUid), '-U', '-G', 'docker', hostUser]);
  }
});

after(async () => {
  for (const folder of workspaces) {
    await removeWorkspaceContainers(folder);
    removeWorkspace(folder);
  }
});

describe('updateRemoteUserUID', () => {
  test('remote user takes the host uid', async () => {
    const folder = workspace('FROM debian:bookworm\nRUN useradd -m -u 1000 dev\n', { remoteUser: 'dev' });
    const result = await runAsHostUser(['up', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(parseResultLine(result.stdout).remoteUser, 'dev');
    const ids = await runAsHostUser(['exec', '--workspace-folder', folder, 'sh', '-c', 'id -u; id -g; stat -c %U owned.txt; stat -c %u "$HOME"; touch new.txt']);
    assert.equal(ids.exitCode, 0, ids.stderr);
    assert.deepEqual(ids.stdout.trim().split('\n'), [String(hostUid), String(hostUid), 'dev', String(hostUid)]);
    assert.equal(fs.statSync(`${folder}/new.txt`).uid, hostUid);
  });

  test('a user holding the uid moves aside', async () => {
    const folder = workspace(
      `FROM debian:bookworm\nRUN useradd -m -u 1000 dev && groupadd -g ${hostUid} taken && useradd -M -u ${hostUid} -g taken other\n`,
      { remoteUser: 'dev' },
    );
    const result = await runAsHostUser(['up', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    const ids = await runAsHostUser(['exec', '--workspace-folder', folder, 'sh', '-c', 'id -un; id -u other; getent group taken | cut -d: -f3']);
    const [name, otherUid, takenGid] = ids.stdout.trim().split('\n');
    assert.equal(name, 'dev');
    assert.notEqual(otherUid, String(hostUid));
    assert.notEqual(takenGid, String(hostUid));
  });

  test('false keeps the image uid', async () => {
    const folder = workspace('FROM debian:bookworm\nRUN useradd -m -u 1000 dev\n', { remoteUser: 'dev', updateRemoteUserUID: false });
    assert.equal((await runAsHostUser(['up', '--workspace-folder', folder])).exitCode, 0);
    const ids = await runAsHostUser(['exec', '--workspace-folder', folder, 'id', '-u']);
    assert.equal(ids.stdout, '1000\n');
  });

  test('root host skips the update', async () => {
    const folder = workspace('FROM debian:bookworm\nRUN useradd -m -u 1000 dev\n', { remoteUser: 'dev' });
    assert.equal((await runCli(['up', '--workspace-folder', folder])).exitCode, 0);
    const ids = await runCli(['exec', '--workspace-folder', folder, 'id', '-u']);
    assert.equal(ids.stdout, '1000\n');
    const [container] = await containersOf(folder);
    const image = await docker.getImage(container.ImageID).inspect();
    assert.ok(!(image.RepoTags ?? []).some((tag) => tag.includes('-uid')));
  });
});
