import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { containersOf, docker, removeWorkspaceContainers } from '../support/engine';
import { parseResultLine, runCli } from '../support/cli';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

const workspaces: string[] = [];

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
});

async function up(folder: string, ...extra: string[]) {
  const result = await runCli(['up', '--workspace-folder', folder, ...extra]);
  return { ...result, json: parseResultLine(result.stdout) };
}

async function exec(folder: string, command: string[], input?: string) {
  return runCli(['exec', '--workspace-folder', folder, ...command], { input });
}

describe('image config', () => {
  const folder = workspace({
    '.devcontainer/devcontainer.json': JSON.stringify({
      image: 'debian:bookworm',
      containerEnv: { GREETING: 'hello ${localWorkspaceFolderBasename}' },
      postCreateCommand: 'echo ran >> /tmp/post-create.count',
    }),
    'marker.txt': 'from host\n',
  });
  let containerId = '';

  test('up creates the container and prints the result', async () => {
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.json.outcome, 'success');
    assert.equal(result.json.remoteUser, 'root');
    assert.equal(result.json.remoteWorkspaceFolder, '/workspaces/ws');
    containerId = String(result.json.containerId);
    const info = await docker.getContainer(containerId).inspect();
    assert.equal(info.Config.Labels['devcontainer.local_folder'], folder);
    assert.ok(info.Config.Labels['devcontainer.config_file'].endsWith('.devcontainer/devcontainer.json'));
    assert.ok(info.Config.Labels['devcontainer.metadata']);
  });

  test('exec sees the workspace, env and cwd', async () => {
    const result = await exec(folder, ['sh', '-c', 'pwd; cat marker.txt; echo "$GREETING"']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, '/workspaces/ws\nfrom host\nhello ws\n');
  });

  test('exec passes exit codes and stderr', async () => {
    const result = await exec(folder, ['sh', '-c', 'echo oops >&2; exit 7']);
    assert.equal(result.exitCode, 7);
    assert.equal(result.stderr.includes('oops'), true);
  });

  test('exec passes stdin through', async () => {
    const result = await exec(folder, ['sh', '-c', 'tr a-z A-Z; echo done'], 'piped text\nsecond line\n');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'PIPED TEXT\nSECOND LINE\ndone\n');
  });

  test('second up reuses the running container', async () => {
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.json.containerId, containerId);
    assert.equal((await containersOf(folder)).length, 1);
  });

  test('up after stop restarts the same container', async () => {
    await docker.getContainer(containerId).stop({ t: 1 });
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.json.containerId, containerId);
    const info = await docker.getContainer(containerId).inspect();
    assert.equal(info.State.Running, true);
  });

  test('postCreateCommand ran exactly once', async () => {
    const result = await exec(folder, ['cat', '/tmp/post-create.count']);
    assert.equal(result.stdout, 'ran\n');
  });

  test('remove-existing-container makes a new one', async () => {
    const result = await up(folder, '--remove-existing-container');
    assert.equal(result.exitCode, 0, result.stderr);
    assert.notEqual(result.json.containerId, containerId);
    assert.equal((await containersOf(folder)).length, 1);
  });
});

describe('Dockerfile config', () => {
  const folder = workspace({
    '.devcontainer/devcontainer.json': `{
      // build from the workspace root as context
      "build": {
        "dockerfile": "Dockerfile",
        "context": "..",
        "args": { "FLAVOUR": "\${localEnv:UP_TEST_UNSET:vanilla}" },
        "target": "dev",
      },
    }`,
    '.devcontainer/Dockerfile': [
      'FROM debian:bookworm AS base',
      'RUN echo base > /stage-base',
      'FROM base AS dev',
      'ARG FLAVOUR',
      'COPY . /ctx/',
      'RUN echo "$FLAVOUR" > /flavour && ls -A /ctx > /ctx-listing',
      'FROM base AS never',
      'RUN echo never > /stage-never',
    ].join('\n'),
    '.dockerignore': 'secret.txt\nignored-dir\n',
    'kept.txt': 'kept',
    'secret.txt': 'must not reach the build',
    'ignored-dir/file.txt': 'ignored',
  });

  test('up builds target stage with args and dockerignore', async () => {
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /Step \d+\/\d+/, 'build output streams to the log');
    const listing = await exec(folder, ['sh', '-c', 'cat /flavour /stage-base; cat /ctx-listing; test -e /stage-never || echo no-never']);
    assert.equal(listing.exitCode, 0, listing.stderr);
    const lines = listing.stdout.trim().split('\n');
    assert.equal(lines[0], 'vanilla');
    assert.equal(lines[1], 'base');
    assert.ok(lines.includes('kept.txt'));
    assert.ok(!lines.includes('secret.txt'));
    assert.ok(!lines.includes('ignored-dir'));
    assert.equal(lines[lines.length - 1], 'no-never');
  });
});

describe('bad input', () => {
  test('invalid JSON names file, line and column', async () => {
    const folder = workspace({ '.devcontainer/devcontainer.json': '{\n  "image": "debian:bookworm"\n  "name": "x"\n}\n' });
    const result = await up(folder);
    assert.equal(result.exitCode, 1);
    assert.equal(result.json.outcome, 'error');
    assert.match(String(result.json.message), /devcontainer\.json at line 3, column 3/);
    assert.equal((await containersOf(folder)).length, 0);
  });

  test('failing build reports the engine message and leaves nothing', async () => {
    const folder = workspace({
      '.devcontainer/devcontainer.json': '{ "build": { "dockerfile": "Dockerfile" } }',
      '.devcontainer/Dockerfile': 'FROM debian:bookworm\nRUN echo about to fail && exit 9\n',
    });
    const result = await up(folder);
    assert.equal(result.exitCode, 1);
    assert.match(String(result.json.message), /returned a non-zero code: 9/);
    assert.match(result.stderr, /about to fail/);
    assert.equal((await containersOf(folder)).length, 0);
    const running = await docker.listContainers({ filters: { ancestor: ['debian:bookworm'], status: ['running'] } });
    assert.ok(running.every((info) => !info.Command.includes('echo about to fail')));
  });

  test('unknown image fails with the engine message', async () => {
    const folder = workspace({ '.devcontainer/devcontainer.json': '{ "image": "no-such-image-here:1" }' });
    const result = await up(folder);
    assert.equal(result.exitCode, 1);
    assert.match(String(result.json.message), /no-such-image-here:1 is not present locally and pulling it failed/);
    assert.equal((await containersOf(folder)).length, 0);
  });

  test('config without image or build is rejected', async () => {
    const folder = workspace({ '.devcontainer.json': '{ "name": "nothing" }' });
    const result = await up(folder);
    assert.equal(result.exitCode, 1);
    assert.match(String(result.json.message), /missing container source/);
  });

  test('unreachable engine names the socket', async () => {
    const folder = workspace({ '.devcontainer.json': '{ "image": "debian:bookworm" }' });
    const result = await runCli(['up', '--workspace-folder', folder], {
      env: { ...process.env, DOCKER_HOST: 'unix:///tmp/no-engine-here.sock' },
    });
    assert.equal(result.exitCode, 1);
    const json = parseResultLine(result.stdout);
    assert.match(String(json.message), /Cannot reach the Docker engine at unix:\/\/\/tmp\/no-engine-here\.sock/);
    assert.match(String(json.message), /Start the engine/);
  });

  test('exec without a container says to run up', async () => {
    const folder = workspace({ '.devcontainer.json': '{ "image": "debian:bookworm" }' });
    const result = await exec(folder, ['true']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /No running dev container .* Run `up` first/);
  });
});

describe('engine endpoint', () => {
  test('DOCKER_HOST selects the socket', async () => {
    const folder = workspace({ '.devcontainer.json': '{ "image": "busybox", "remoteUser": "root" }' });
    const link = path.join(path.dirname(folder), 'engine.sock');
    fs.symlinkSync('/var/run/docker.sock', link);
    const result = await runCli(['up', '--workspace-folder', folder, '--log-format', 'json', '--log-level', 'debug'], {
      env: { ...process.env, DOCKER_HOST: `unix://${link}` },
    });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(parseResultLine(result.stdout).outcome, 'success');
    const logLines = result.stderr.trim().split('\n').map((line) => JSON.parse(line) as { type: string; level: number; text: string });
    assert.ok(logLines.every((line) => line.type === 'text' && typeof line.level === 'number'));
    assert.ok(logLines.some((line) => line.text.includes('POST /containers/create')), 'debug lines name engine calls');
  });
});

describe('read-configuration', () => {
  test('prints substituted config and workspace', async () => {
    const folder = workspace({
      '.devcontainer/devcontainer.json': '{ "image": "debian:bookworm", "containerEnv": { "W": "${containerWorkspaceFolder}" } }',
    }, 'Ünï ws');
    const result = await runCli(['read-configuration', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    const json = parseResultLine(result.stdout) as {
      configuration: { containerEnv: Record<string, string>; configFilePath: { fsPath: string } };
      workspace: { workspaceFolder: string };
    };
    assert.equal(json.configuration.containerEnv.W, '/workspaces/Ünï ws');
    assert.equal(json.workspace.workspaceFolder, '/workspaces/Ünï ws');
    assert.ok(json.configuration.configFilePath.fsPath.endsWith('devcontainer.json'));
  });
});
