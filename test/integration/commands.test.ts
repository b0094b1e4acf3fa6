import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { containersOf, docker, removeWorkspaceContainers } from '../support/engine';
import { parseResultLine, runCli } from '../support/cli';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

const workspaces: string[] = [];
const images: string[] = [];

function workspace(files: Record<string, string>, name?: string): string {
  const folder = makeWorkspace(files, name);
  workspaces.push(folder);
  return folder;
}

after(async () => {
  for (const folder of workspaces) {
    await removeWorkspaceContainers(folder);
    removeWorkspace(folder);
  }
  for (const image of images) {
    await docker.getImage(image).remove().catch(() => undefined);
  }
});

const lifecycleConfig = JSON.stringify({
  image: 'debian:bookworm',
  onCreateCommand: 'echo on-create >> /tmp/order.log',
  updateContentCommand: 'echo update-content >> /tmp/order.log',
  postCreateCommand: 'echo post-create >> /tmp/order.log',
  postStartCommand: 'echo post-start >> /tmp/order.log',
  postAttachCommand: 'echo post-attach >> /tmp/order.log',
});

async function order(folder: string): Promise<string[]> {
  const result = await runCli(['exec', '--workspace-folder', folder, 'cat', '/tmp/order.log']);
  return result.stdout.trim().split('\n');
}

describe('lifecycle commands', () => {
  test('up runs them in the spec order', async () => {
    const folder = workspace({ '.devcontainer.json': lifecycleConfig });
    const result = await runCli(['up', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(await order(folder), ['on-create', 'update-content', 'post-create', 'post-start', 'post-attach']);
  });

  test('skip-non-blocking-commands stops at waitFor', async () => {
    const folder = workspace({ '.devcontainer.json': lifecycleConfig });
    const result = await runCli(['up', '--workspace-folder', folder, '--skip-non-blocking-commands']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(await order(folder), ['on-create', 'update-content']);
  });

  test('run-user-commands finishes the rest', async () => {
    const folder = workspace({ '.devcontainer.json': lifecycleConfig });
    await runCli(['up', '--workspace-folder', folder, '--skip-post-create']);
    const result = await runCli(['run-user-commands', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(parseResultLine(result.stdout), { outcome: 'success' });
    assert.deepEqual(await order(folder), ['on-create', 'update-content', 'post-create', 'post-start', 'post-attach']);
  });

  test('prebuild reruns updateContentCommand only', async () => {
    const folder = workspace({ '.devcontainer.json': lifecycleConfig });
    await runCli(['up', '--workspace-folder', folder, '--prebuild']);
    await runCli(['run-user-commands', '--workspace-folder', folder, '--prebuild']);
    assert.deepEqual(await order(folder), ['on-create', 'update-content', 'update-content']);
  });

  test('failure names the command and keeps the container', async () => {
    const folder = workspace({
      '.devcontainer.json': JSON.stringify({ image: 'debian:bookworm', postCreateCommand: { first: 'true', second: 'exit 5' } }),
    });
    const result = await runCli(['up', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 1);
    const json = parseResultLine(result.stdout);
    assert.match(String(json.message), /postCreateCommand:second from devcontainer\.json failed with exit code 5/);
    const [container] = await containersOf(folder);
    assert.equal(json.containerId, container.Id);
    assert.equal(container.State, 'running');
  });

  test('edited command runs on the next up', async () => {
    const folder = workspace({ '.devcontainer.json': JSON.stringify({ image: 'debian:bookworm', postCreateCommand: 'exit 3' }) });
    assert.equal((await runCli(['up', '--workspace-folder', folder])).exitCode, 1);
    fs.writeFileSync(path.join(folder, '.devcontainer.json'), JSON.stringify({ image: 'debian:bookworm', postCreateCommand: 'echo fixed > /tmp/fixed' }));
    const result = await runCli(['up', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal((await runCli(['exec', '--workspace-folder', folder, 'cat', '/tmp/fixed'])).stdout, 'fixed\n');
  });

  test('concurrent ups run postCreateCommand once', async () => {
    const folder = workspace({ '.devcontainer.json': JSON.stringify({ image: 'debian:bookworm', postCreateCommand: 'echo once >> /tmp/once.log' }) });
    const results = await Promise.all([1, 2, 3].map(() => runCli(['up', '--workspace-folder', folder])));
    for (const result of results) assert.equal(result.exitCode, 0, result.stderr);
    assert.equal((await containersOf(folder)).length, 1);
    assert.equal((await runCli(['exec', '--workspace-folder', folder, 'cat', '/tmp/once.log'])).stdout, 'once\n');
  });
});

describe('container commands', () => {
  test('stop then down', async () => {
    const folder = workspace({ '.devcontainer.json': '{ "image": "debian:bookworm" }' });
    const upResult = parseResultLine((await runCli(['up', '--workspace-folder', folder])).stdout);
    const stopped = parseResultLine((await runCli(['stop', '--workspace-folder', folder])).stdout);
    assert.deepEqual(stopped, { outcome: 'success', containerIds: [upResult.containerId] });
    assert.equal((await containersOf(folder))[0].State, 'exited');
    const removed = parseResultLine((await runCli(['down', '--workspace-folder', folder])).stdout);
    assert.deepEqual(removed, { outcome: 'success', containerIds: [upResult.containerId] });
    assert.equal((await containersOf(folder)).length, 0);
  });

  test('exec by container id and id label', async () => {
    const first = workspace({ '.devcontainer.json': '{ "image": "debian:bookworm", "containerEnv": { "WHO": "first" } }' }, 'first');
    const second = workspace({ '.devcontainer.json': '{ "image": "debian:bookworm", "containerEnv": { "WHO": "second" } }' }, 'second');
    const secondId = String(parseResultLine((await runCli(['up', '--workspace-folder', second, '--id-label', 'test.role=second'])).stdout).containerId);
    await runCli(['up', '--workspace-folder', first]);
    const byId = await runCli(['exec', '--container-id', secondId, 'sh', '-c', 'printenv WHO; pwd'], { cwd: first });
    assert.equal(byId.stdout, 'second\n/workspaces/second\n', byId.stderr);
    const byLabel = await runCli(['exec', '--id-label', 'test.role=second', 'printenv', 'WHO'], { cwd: first });
    assert.equal(byLabel.stdout, 'second\n', byLabel.stderr);
  });

  test('set-up an existing container', async () => {
    const folder = workspace({
      'set-up.json': JSON.stringify({ remoteEnv: { FROM_SETUP: 'yes' }, postCreateCommand: 'echo set-up > /tmp/set-up.log' }),
    });
    const container = await docker.createContainer({ Image: 'debian:bookworm', Cmd: ['sleep', 'infinity'], Labels: { 'devcontainer.local_folder': folder } });
    await container.start();
    const result = await runCli(['set-up', '--container-id', container.id, '--config', path.join(folder, 'set-up.json'), '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(parseResultLine(result.stdout).containerId, container.id);
    const log = execFileSync('docker', ['exec', container.id, 'cat', '/tmp/set-up.log']).toString();
    assert.equal(log, 'set-up\n');
  });

  test('build labels the image with metadata', async () => {
    const folder = workspace({
      '.devcontainer/devcontainer.json': JSON.stringify({ build: { dockerfile: 'Dockerfile' }, remoteUser: 'root', postCreateCommand: 'echo hi' }),
      '.devcontainer/Dockerfile': 'FROM debian:bookworm\nRUN echo built > /built\n',
    });
    images.push('devcontainer-open-test-build:1');
    const result = await runCli(['build', '--workspace-folder', folder, '--image-name', 'devcontainer-open-test-build:1']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(parseResultLine(result.stdout), { outcome: 'success', imageName: ['devcontainer-open-test-build:1'] });
    const info = await docker.getImage('devcontainer-open-test-build:1').inspect();
    const metadata = JSON.parse(info.Config.Labels['devcontainer.metadata']) as Record<string, unknown>[];
    assert.deepEqual(metadata[metadata.length - 1], { remoteUser: 'root', postCreateCommand: 'echo hi' });
  });

  test('read-configuration merges image metadata', async () => {
    const folder = workspace({ '.devcontainer.json': JSON.stringify({ image: 'debian:bookworm', postCreateCommand: 'b', capAdd: ['SYS_PTRACE'] }) });
    const result = await runCli(['read-configuration', '--workspace-folder', folder, '--include-merged-configuration']);
    assert.equal(result.exitCode, 0, result.stderr);
    const merged = (parseResultLine(result.stdout) as { mergedConfiguration: Record<string, unknown> }).mergedConfiguration;
    assert.deepEqual(merged.postCreateCommands, ['b']);
    assert.deepEqual(merged.capAdd, ['SYS_PTRACE']);
    assert.equal(merged.init, false);
  });
});

describe('workspace and users', () => {
  test('git root is mounted above the workspace', async () => {
    const repo = workspace({ 'proj/.devcontainer.json': '{ "image": "debian:bookworm" }', 'top.txt': 'top\n' }, 'repo');
    fs.mkdirSync(path.join(repo, '.git'));
    const folder = path.join(repo, 'proj');
    const result = await runCli(['up', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(parseResultLine(result.stdout).remoteWorkspaceFolder, '/workspaces/repo/proj');
    const seen = await runCli(['exec', '--workspace-folder', folder, 'sh', '-c', 'pwd; cat ../top.txt; test -d ../.git && echo git']);
    assert.equal(seen.stdout, '/workspaces/repo/proj\ntop\ngit\n');
    await removeWorkspaceContainers(folder);
  });

  test('missing remote user fails up', async () => {
    const folder = workspace({ '.devcontainer.json': '{ "image": "debian:bookworm", "remoteUser": "nobody-here" }' });
    const result = await runCli(['up', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 1);
    assert.match(String(parseResultLine(result.stdout).message), /remote user "nobody-here" does not exist/);
    assert.equal((await containersOf(folder)).length, 0);
  });

  test('unknown flag is rejected', async () => {
    const folder = workspace({ '.devcontainer.json': '{ "image": "debian:bookworm" }' });
    const result = await runCli(['up', '--workspace-foler', folder]);
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /Unknown argument/);
    assert.equal((await containersOf(folder)).length, 0);
  });

  test('appPort, build options and host requirements', async () => {
    const folder = workspace({
      '.devcontainer/devcontainer.json': JSON.stringify({
        build: { dockerfile: 'Dockerfile', options: ['--label', 'test.option=set', '--add-host=buildhost:10.9.8.7'] },
        appPort: [18123, '127.0.0.1:18124:81'],
        hostRequirements: { cpus: 512, memory: '4tb' },
      }),
      '.devcontainer/Dockerfile': 'FROM debian:bookworm\nRUN grep buildhost /etc/hosts > /build-hosts\n',
    });
    const result = await runCli(['up', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /hostRequirements\.cpus is 512, but the engine has \d+ CPUs/);
    assert.match(result.stderr, /hostRequirements\.memory is 4tb/);
    const [container] = await containersOf(folder);
    const info = await docker.getContainer(container.Id).inspect();
    assert.deepEqual(info.HostConfig.PortBindings, {
      '18123/tcp': [{ HostIp: '127.0.0.1', HostPort: '18123' }],
      '81/tcp': [{ HostIp: '127.0.0.1', HostPort: '18124' }],
    });
    const image = await docker.getImage(info.Image).inspect();
    assert.equal(image.Config.Labels['test.option'], 'set');
    const hosts = await runCli(['exec', '--workspace-folder', folder, 'cat', '/build-hosts']);
    assert.match(hosts.stdout, /10\.9\.8\.7\s+buildhost/);
  });

  test('fifo in build context is skipped', async () => {
    const folder = workspace({
      '.devcontainer/devcontainer.json': JSON.stringify({ build: { dockerfile: 'Dockerfile', context: '..' } }),
      '.devcontainer/Dockerfile': 'FROM debian:bookworm\nCOPY . /ctx/\n',
      'file.txt': 'x',
    }, 'fifo ws');
    execFileSync('mkfifo', [path.join(folder, 'pipe')]);
    const result = await runCli(['up', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    const listing = await runCli(['exec', '--workspace-folder', folder, 'ls', '-A', '/ctx']);
    assert.deepEqual(listing.stdout.trim().split('\n').sort(), ['.devcontainer', 'file.txt']);
  });
});
