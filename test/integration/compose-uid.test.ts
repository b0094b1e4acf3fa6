import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { docker, removeWorkspaceContainers } from '../support/engine';
import { cliPath, parseResultLine, runCli, runProcess } from '../support/cli';
import { removeComposeProjects, workspaceProject, type WorkspaceProject } from '../support/composeProject';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

/**
 * Compose configurations with updateRemoteUserUID, which applies only when
 * the CLI runs as a normal user: these tests run it as a host account made
 * for them, in the docker group so it reaches the engine and docker-compose
 * works. Then the `--id-label` selection of exec, stop and down.
 */
const hostUser = 'devcontainer-cmp-uid';
const hostUid = 4322;
const projectLabel = 'com.docker.compose.project';
const cleanups: (() => Promise<void>)[] = [];

function runAsHostUser(args: string[]) {
  return runProcess('runuser', ['-u', hostUser, '--', 'env', `HOME=/home/${hostUser}`, process.execPath, cliPath, ...args]);
}

function composeWorkspace(prefix: string, config: Record<string, unknown>): { folder: string; project: WorkspaceProject } {
  const name = `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
  const folder = makeWorkspace(
    {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app', workspaceFolder: '/src', ...config }),
      '.devcontainer/compose.yml': [
        'services:',
        '  app:',
        '    build: .',
        '    init: true',
        '    command: ["sleep", "infinity"]',
        '    volumes:',
        '      - ..:/src',
        '  db:',
        '    image: busybox',
        '    init: true',
        '    command: ["sleep", "infinity"]',
        '',
      ].join('\n'),
      '.devcontainer/Dockerfile': 'FROM debian:bookworm\nRUN useradd -m -u 1000 dev\n',
      'owned.txt': 'host file\n',
    },
    name,
  );
  const project = workspaceProject(folder, `${name}_devcontainer`);
  cleanups.push(async () => {
    await removeWorkspaceContainers(folder);
    await removeComposeProjects([project]);
    removeWorkspace(folder);
  });
  return { folder, project };
}

async function projectStates(project: WorkspaceProject): Promise<string[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${projectLabel}=${project.name}`] } });
  return containers.map((info) => info.State).sort();
}

before(() => {
  try {
    execFileSync('id', [hostUser], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-m', '-u', String(hostUid), '-U', '-G', 'docker', hostUser]);
  }
});

after(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
});

describe('compose with updateRemoteUserUID', () => {
  const { folder } = composeWorkspace('cmp-uid', { remoteUser: 'dev' });
  execFileSync('chown', ['-R', `${hostUid}:${hostUid}`, folder]);
  fs.chmodSync(`${folder}/..`, 0o755);

  test('remote user takes the host uid', async () => {
    const result = await runAsHostUser(['up', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(parseResultLine(result.stdout).remoteUser, 'dev');

    const ids = await runAsHostUser(['exec', '--workspace-folder', folder, 'sh', '-c', 'id -u; id -g; stat -c %U owned.txt; stat -c %u "$HOME"; touch new.txt']);
    assert.equal(ids.exitCode, 0, ids.stderr);
    assert.deepEqual(ids.stdout.trim().split('\n'), [String(hostUid), String(hostUid), 'dev', String(hostUid)]);
    assert.equal(fs.statSync(`${folder}/new.txt`).uid, hostUid);
  });

  test('warm up keeps the updated container', async () => {
    const result = await runAsHostUser(['up', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /Reusing running container/);
    const ids = await runAsHostUser(['exec', '--workspace-folder', folder, 'id', '-u']);
    assert.equal(ids.stdout, `${hostUid}\n`);
  });

  test('updateRemoteUserUID false keeps uid 1000', async () => {
    const other = composeWorkspace('cmp-uid-off', { remoteUser: 'dev', updateRemoteUserUID: false });
    execFileSync('chown', ['-R', `${hostUid}:${hostUid}`, other.folder]);
    fs.chmodSync(`${other.folder}/..`, 0o755);
    const result = await runAsHostUser(['up', '--workspace-folder', other.folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    const ids = await runAsHostUser(['exec', '--workspace-folder', other.folder, 'id', '-u']);
    assert.equal(ids.stdout, '1000\n');
  });
});

describe('compose with --id-label', () => {
  const { folder, project } = composeWorkspace('cmp-idl', {});
  const idLabel = `test.compose.id=${crypto.randomBytes(4).toString('hex')}`;
  let appId = '';

  test('up puts the id label on the main container', async () => {
    const result = await runCli(['up', '--workspace-folder', folder, '--id-label', idLabel]);
    assert.equal(result.exitCode, 0, result.stderr);
    appId = String(parseResultLine(result.stdout).containerId);
    const [name, value] = idLabel.split('=');
    assert.equal((await docker.getContainer(appId).inspect()).Config.Labels[name], value);
  });

  test('exec by id label runs in the workspace', async () => {
    const result = await runCli(['exec', '--id-label', idLabel, 'sh', '-c', 'pwd; cat owned.txt']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, '/src\nhost file\n');
  });

  test('stop by id label stops the project', async () => {
    const result = await runCli(['stop', '--id-label', idLabel]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal((parseResultLine(result.stdout).containerIds as string[]).length, 2);
    assert.deepEqual(await projectStates(project), ['exited', 'exited']);
  });

  test('up by workspace finds the stopped project', async () => {
    const result = await runCli(['up', '--workspace-folder', folder, '--id-label', idLabel]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(parseResultLine(result.stdout).containerId, appId);
    assert.deepEqual(await projectStates(project), ['running', 'running']);
  });

  test('down by id label removes the project', async () => {
    const result = await runCli(['down', '--id-label', idLabel]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal((parseResultLine(result.stdout).containerIds as string[]).length, 2);
    assert.deepEqual(await projectStates(project), []);
  });

  test('exec by unknown id label names it', async () => {
    const result = await runCli(['exec', '--id-label', idLabel, 'true']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, new RegExp(`No running dev container for ${idLabel.replace(/\./g, '\\.')}`));
  });
});
