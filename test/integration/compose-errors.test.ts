import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { docker, removeWorkspaceContainers } from '../support/engine';
import { parseResultLine, runCli } from '../support/cli';
import { removeComposeProjects, workspaceProject } from '../support/composeProject';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

const projectLabel = 'com.docker.compose.project';
const cleanups: (() => Promise<void>)[] = [];

after(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
});

function composeWorkspace(prefix: string, files: Record<string, string>) {
  const name = `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
  const folder = makeWorkspace(files, name);
  const project = workspaceProject(folder, `${name}_devcontainer`);
  cleanups.push(async () => {
    await removeWorkspaceContainers(folder);
    await removeComposeProjects([project]);
    removeWorkspace(folder);
  });
  return { folder, project };
}

async function failingUp(folder: string, env: NodeJS.ProcessEnv = process.env) {
  const result = await runCli(['up', '--workspace-folder', folder], { env, timeoutMs: 120_000 });
  assert.notEqual(result.exitCode, 0, `up must fail\n${result.stdout}`);
  const json = parseResultLine(result.stdout);
  assert.equal(json.outcome, 'error');
  return { ...result, message: String(json.message) };
}

async function projectState(project: string) {
  const filters = { label: [`${projectLabel}=${project}`] };
  return {
    containers: await docker.listContainers({ all: true, filters }),
    networks: await docker.listNetworks({ filters }),
  };
}

const compose = 'services:\n  app:\n    image: busybox\n  db:\n    image: busybox\n';

describe('compose configuration mistakes', () => {
  test('missing compose file is named', async () => {
    const { folder } = composeWorkspace('cmp-missing', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: ['compose.yml', 'local.yml'], service: 'app' }),
      '.devcontainer/compose.yml': compose,
    });
    const { message } = await failingUp(folder);
    assert.match(message, /Compose file not found: .*\/\.devcontainer\/local\.yml/);
    assert.match(message, /"dockerComposeFile\[1\]": "local\.yml"/);
  });

  test('compose file that is a folder is named', async () => {
    const { folder } = composeWorkspace('cmp-folder', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: '.', service: 'app' }),
      '.devcontainer/compose.yml': compose,
    });
    const { message } = await failingUp(folder);
    assert.match(message, /Compose file \S+\/\.devcontainer \(from "dockerComposeFile": "\." in \S+devcontainer\.json\) is a folder/);
  });

  test('unknown service lists the defined ones', async () => {
    const { folder } = composeWorkspace('cmp-service', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'web' }),
      '.devcontainer/compose.yml': compose,
    });
    const { message } = await failingUp(folder);
    assert.match(message, /Service "web" \(from "service" in .*devcontainer\.json\) is not defined/);
    assert.match(message, /The services defined there are: app, db\./);
  });

  test('expected container that is missing', async () => {
    const { folder } = composeWorkspace('cmp-expect', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app' }),
      '.devcontainer/compose.yml': compose,
    });
    const result = await runCli(['up', '--workspace-folder', folder, '--expect-existing-container']);
    assert.equal(result.exitCode, 1);
    assert.match(String(parseResultLine(result.stdout).message), /No container of service "app" in compose project "cmp-expect-\w+_devcontainer"/);
  });

  test('missing compose tool says what to install', async () => {
    const { folder } = composeWorkspace('cmp-tool', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app' }),
      '.devcontainer/compose.yml': compose,
    });
    const forced = await failingUp(folder, { ...process.env, DEVCONTAINER_COMPOSE_TOOL: '/nonexistent/docker-compose' });
    assert.match(forced.message, /DEVCONTAINER_COMPOSE_TOOL is "\/nonexistent\/docker-compose"/);
    assert.match(forced.message, /apt-get install docker-compose/);

    const flag = await runCli(['up', '--workspace-folder', folder, '--docker-compose-path', '/nonexistent/docker-compose'], { timeoutMs: 120_000 });
    assert.equal(flag.exitCode, 1);
    assert.match(String(parseResultLine(flag.stdout).message), /"\/nonexistent\/docker-compose", but that compose tool failed/);

    const withoutTools = await failingUp(folder, { ...process.env, PATH: '/nonexistent' });
    assert.match(withoutTools.message, /No compose tool found/);
    assert.match(withoutTools.message, /docker-compose: docker-compose is not installed or not on PATH/);
    assert.match(withoutTools.message, /Install Docker Compose/);
  });
});

describe('compose tool setting', () => {
  const files = {
    '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app' }),
    '.devcontainer/compose.yml': compose,
  };

  test('unknown tool value is named', async () => {
    const { folder, project } = composeWorkspace('cmp-foo', files);
    const result = await failingUp(folder, { ...process.env, DEVCONTAINER_COMPOSE_TOOL: 'foo' });
    assert.match(result.message, /DEVCONTAINER_COMPOSE_TOOL is "foo", which is neither a known compose tool \(docker compose, docker-compose, podman-compose\) nor an executable on PATH/);
    assert.match(result.message, /apt-get install docker-compose/);
    assert.equal((await projectState(project.name)).containers.length, 0);
  });

  test('tool not installed says what to install', async () => {
    const { folder, project } = composeWorkspace('cmp-noinst', files);
    const result = await failingUp(folder, { ...process.env, DEVCONTAINER_COMPOSE_TOOL: 'podman-compose', PATH: '/nonexistent' });
    assert.match(result.message, /DEVCONTAINER_COMPOSE_TOOL is "podman-compose", but that compose tool failed: podman-compose is not installed or not on PATH/);
    assert.match(result.message, /apt-get install podman-compose podman/);
    assert.equal((await projectState(project.name)).containers.length, 0);
  });
});

describe('compose project shared by two workspaces', () => {
  test('second workspace is refused', async () => {
    const name = `cmp-shared-${crypto.randomBytes(4).toString('hex')}`;
    const files = {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app', overrideCommand: true }),
      '.devcontainer/compose.yml': 'services:\n  app:\n    image: busybox\n',
      '.devcontainer/.env': `COMPOSE_PROJECT_NAME=${name}\n`,
    };
    const first = composeWorkspace('cmp-first', files);
    const second = composeWorkspace('cmp-second', files);
    cleanups.push(() => removeComposeProjects([workspaceProject(first.folder, name)]));

    const result = await runCli(['up', '--workspace-folder', first.folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    const { message } = await failingUp(second.folder);
    assert.match(message, new RegExp(`compose project "${name}" already belongs to the dev container of ${first.folder}`));
    assert.match(message, /set COMPOSE_PROJECT_NAME/);
    assert.equal((await projectState(name)).containers.length, 1);
  });
});

describe('compose service that fails to start', () => {
  let blocker: net.Server;
  let port = 0;

  before(async () => {
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    port = (blocker.address() as net.AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  const files = () => ({
    '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app', overrideCommand: true }),
    '.devcontainer/compose.yml': [
      'services:',
      '  app:',
      '    image: busybox',
      '  db:',
      '    image: busybox',
      '    command: ["sleep", "1000"]',
      '    ports:',
      `      - "127.0.0.1:${port}:5432"`,
      '',
    ].join('\n'),
  });

  test('failed start reports the tool output and removes the project', async () => {
    const { folder, project } = composeWorkspace('cmp-port', files());
    const { message } = await failingUp(folder);
    assert.match(message, /docker-compose up failed with exit code 1 for compose project "cmp-port-\w+_devcontainer"\. Fix the cause/);
    assert.match(message, /DEVCONTAINER_COMPOSE_KEEP_FAILED=1/);
    assert.match(message, /docker-compose --project-name \S+ -f \S+compose\.yml -f \S+docker-compose\.devcontainer\.yml up -d/);
    assert.match(message, new RegExp(`127\\.0\\.0\\.1:${port}.*(address already in use|port is already allocated)`));
    const state = await projectState(project.name);
    assert.deepEqual(state.containers, []);
    assert.deepEqual(state.networks, []);
    assert.equal(fs.existsSync(project.cacheFolder), false);
  });

  test('failed start keeps the project on request', async () => {
    const { folder, project } = composeWorkspace('cmp-keep', files());
    await failingUp(folder, { ...process.env, DEVCONTAINER_COMPOSE_KEEP_FAILED: '1' });
    const state = await projectState(project.name);
    assert.deepEqual(state.containers.map((info) => info.Labels['com.docker.compose.service']).sort(), ['app', 'db']);
  });

  test('main service that exits is reported', async () => {
    const { folder, project } = composeWorkspace('cmp-exits', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app' }),
      '.devcontainer/compose.yml': 'services:\n  app:\n    image: busybox\n    command: ["sh", "-c", "echo boom; exit 4"]\n',
    });
    const { message } = await failingUp(folder);
    assert.match(message, /The container of service "app" \(compose project "cmp-exits-\w+_devcontainer"\) is not running \(state exited, exit code 4\)/);
    assert.match(message, /"overrideCommand": true/);
    assert.match(message, /boom/);
    assert.deepEqual((await projectState(project.name)).containers, []);
  });
});
