import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { docker, removeWorkspaceContainers } from '../support/engine';
import { parseResultLine, runCli } from '../support/cli';
import { removeComposeProjects, workspaceProject, type WorkspaceProject } from '../support/composeProject';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

const projectLabel = 'com.docker.compose.project';
const serviceLabel = 'com.docker.compose.service';
const cleanups: (() => Promise<void>)[] = [];

after(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
});

/** Creates a workspace with a unique folder name, so its compose project name is unique too. */
function composeWorkspace(prefix: string, files: Record<string, string>): { folder: string; project: WorkspaceProject } {
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

async function up(folder: string, extra: string[] = [], env?: NodeJS.ProcessEnv) {
  const result = await runCli(['up', '--workspace-folder', folder, ...extra], { env });
  return { ...result, json: parseResultLine(result.stdout) };
}

async function exec(folder: string, command: string[]) {
  return runCli(['exec', '--workspace-folder', folder, ...command]);
}

/** Containers of a compose project by service name. */
async function servicesOf(project: string): Promise<Map<string, { id: string; state: string }>> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${projectLabel}=${project}`] } });
  return new Map(containers.map((info) => [info.Labels[serviceLabel], { id: info.Id, state: info.State }]));
}

const appAndDatabase = {
  '.devcontainer/devcontainer.json': JSON.stringify({
    dockerComposeFile: 'docker-compose.yml',
    service: 'app',
    workspaceFolder: '/workspace',
    containerEnv: { FROM_CONFIG: 'config value', PRICE: '$5' },
    remoteEnv: { FROM_REMOTE: '${containerEnv:FROM_CONFIG}!' },
    mounts: ['source=${localWorkspaceFolderBasename}-data,target=/data,type=volume'],
    postCreateCommand: 'pwd > /tmp/post-create.pwd',
    postStartCommand: 'echo started >> /data/starts',
  }),
  '.devcontainer/docker-compose.yml': [
    'services:',
    '  app:',
    '    image: debian:bookworm',
    '    init: true',
    '    command: ["sleep", "infinity"]',
    '    volumes:',
    '      - ..:/workspace',
    '  db:',
    '    image: busybox',
    '    init: true',
    '    command: ["busybox", "nc", "-ll", "-p", "5432", "-e", "echo", "pong"]',
    '',
  ].join('\n'),
  'marker.txt': 'from the host\n',
};

describe('compose app and database', () => {
  const { folder, project } = composeWorkspace('cmp-db', appAndDatabase);
  const volume = `${path.basename(folder)}-data`;
  cleanups.push(() => docker.getVolume(volume).remove().catch(() => undefined));
  let appId = '';

  test('up starts both services', async () => {
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.json.remoteWorkspaceFolder, '/workspace');
    assert.equal(result.json.composeProjectName, project.name);
    appId = String(result.json.containerId);

    const labels = (await docker.getContainer(appId).inspect()).Config.Labels;
    assert.equal(labels[projectLabel], project.name);
    assert.equal(labels[serviceLabel], 'app');
    assert.equal(labels['devcontainer.local_folder'], folder);
    assert.equal(labels['devcontainer.config_file'], path.join(folder, '.devcontainer', 'devcontainer.json'));
    assert.match(labels['devcontainer.metadata'], /postCreateCommand/);
    const services = await servicesOf(project.name);
    assert.equal(services.get('db')?.state, 'running');
    assert.equal(services.get('app')?.id, appId);
  });

  test('app reaches db by service name', async () => {
    const result = await exec(folder, ['bash', '-c', 'exec 3<>/dev/tcp/db/5432; cat <&3']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'pong\n');
  });

  test('exec runs in the workspace with the env', async () => {
    const result = await exec(folder, ['sh', '-c', 'pwd; cat marker.txt; cat /tmp/post-create.pwd; echo "$FROM_CONFIG|$PRICE|$FROM_REMOTE"']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, '/workspace\nfrom the host\n/workspace\nconfig value|$5|config value!\n');
  });

  test('warm up reuses the running project', async () => {
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.json.containerId, appId);
    assert.match(result.stderr, /Reusing running container/);
    assert.doesNotMatch(result.stderr, /Using docker-compose/);
  });

  test('up starts a stopped database', async () => {
    const dbId = (await servicesOf(project.name)).get('db')?.id ?? '';
    await docker.getContainer(dbId).stop({ t: 1 });
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.json.containerId, appId);
    const services = await servicesOf(project.name);
    assert.equal(services.get('db')?.id, dbId);
    assert.equal(services.get('db')?.state, 'running');
  });

  test('stop stops every service', async () => {
    const result = await runCli(['stop', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    const services = await servicesOf(project.name);
    assert.deepEqual((parseResultLine(result.stdout).containerIds as string[]).sort(), [...services.values()].map((item) => item.id).sort());
    assert.equal(services.get('app')?.state, 'exited');
    assert.equal(services.get('db')?.state, 'exited');
  });

  test('up after stop starts both again', async () => {
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.json.containerId, appId);
    const services = await servicesOf(project.name);
    assert.equal(services.get('db')?.state, 'running');
    const starts = await exec(folder, ['cat', '/data/starts']);
    assert.equal(starts.stdout, 'started\nstarted\n');
  });

  test('stop by container id stops the project', async () => {
    const result = await runCli(['stop', '--container-id', appId]);
    assert.equal(result.exitCode, 0, result.stderr);
    const services = await servicesOf(project.name);
    assert.equal(services.get('app')?.state, 'exited');
    assert.equal(services.get('db')?.state, 'exited');
    const again = await up(folder);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.equal((await servicesOf(project.name)).get('db')?.state, 'running');
  });

  test('rebuild recreates only the main container', async () => {
    const before = await servicesOf(project.name);
    const result = await up(folder, ['--remove-existing-container']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.notEqual(result.json.containerId, appId);
    const services = await servicesOf(project.name);
    assert.equal(services.get('db')?.id, before.get('db')?.id);
    assert.equal(services.get('db')?.state, 'running');
    assert.equal(services.size, 2);
    const starts = await exec(folder, ['cat', '/data/starts', '/tmp/post-create.pwd']);
    assert.equal(starts.stdout, 'started\nstarted\nstarted\nstarted\n/workspace\n');
    appId = String(result.json.containerId);
  });

  test('down removes the project', async () => {
    const ids = [...(await servicesOf(project.name)).values()].map((item) => item.id).sort();
    const result = await runCli(['down', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual((parseResultLine(result.stdout).containerIds as string[]).sort(), ids);
    assert.equal((await servicesOf(project.name)).size, 0);
    const networks = await docker.listNetworks({ filters: { label: [`${projectLabel}=${project.name}`] } });
    assert.deepEqual(networks, []);
    assert.equal(fs.existsSync(project.cacheFolder), false);
    // The named volume from devcontainer.json's mounts stays, like the data of a single-container dev container.
    assert.ok(await docker.getVolume(volume).inspect());
  });
});

describe('compose profiles and runServices', () => {
  const compose = [
    'services:',
    '  app:',
    '    image: busybox',
    '    profiles: ["dev"]',
    '  db:',
    '    image: busybox',
    '    init: true',
    '    command: ["sleep", "1000"]',
    '  extra:',
    '    image: busybox',
    '    init: true',
    '    command: ["sleep", "1000"]',
    '    profiles: ["extra"]',
    '',
  ].join('\n');
  const config = { dockerComposeFile: 'compose.yml', service: 'app', overrideCommand: true };

  test('profiles leave inactive services off', async () => {
    const { folder, project } = composeWorkspace('cmp-profiles', {
      '.devcontainer/devcontainer.json': JSON.stringify(config),
      '.devcontainer/compose.yml': compose,
    });
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.json.remoteWorkspaceFolder, '/');
    assert.deepEqual([...(await servicesOf(project.name)).keys()].sort(), ['app', 'db']);

    const down = await runCli(['down', '--workspace-folder', folder]);
    assert.equal(down.exitCode, 0, down.stderr);
    const withProfile = await up(folder, [], { ...process.env, COMPOSE_PROFILES: 'extra' });
    assert.equal(withProfile.exitCode, 0, withProfile.stderr);
    assert.deepEqual([...(await servicesOf(project.name)).keys()].sort(), ['app', 'db', 'extra']);
  });

  test('runServices chooses the services', async () => {
    const { folder, project } = composeWorkspace('cmp-run', {
      '.devcontainer/devcontainer.json': JSON.stringify({ ...config, runServices: ['extra'] }),
      '.devcontainer/compose.yml': compose,
    });
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual([...(await servicesOf(project.name)).keys()].sort(), ['app', 'extra']);
    const stop = await runCli(['stop', '--workspace-folder', folder]);
    assert.equal(stop.exitCode, 0, stop.stderr);
    assert.equal((parseResultLine(stop.stdout).containerIds as string[]).length, 2);
  });
});

describe('compose files in several folders', () => {
  test('project name from .env and paths from the first file', async () => {
    const { folder } = composeWorkspace('cmp-files', {
      '.devcontainer/devcontainer.json': JSON.stringify({
        dockerComposeFile: ['../deploy/base.yml', 'dev.yml'],
        service: 'app',
        workspaceFolder: '/src',
        overrideCommand: true,
      }),
      'deploy/base.yml': 'services:\n  app:\n    image: ${BASE_IMAGE}\n    volumes:\n      - ..:/src\n',
      'deploy/.env': 'BASE_IMAGE=busybox\n',
      '.devcontainer/dev.yml': 'services:\n  app:\n    volumes:\n      - ./seed:/seed:ro\n',
      'deploy/seed/which.txt': 'first file folder\n',
      '.devcontainer/seed/which.txt': 'second file folder\n',
    });
    const name = `cmp-files-own-${crypto.randomBytes(3).toString('hex')}`;
    fs.appendFileSync(path.join(folder, 'deploy/.env'), `COMPOSE_PROJECT_NAME=${name}\n`);
    cleanups.push(() => removeComposeProjects([workspaceProject(folder, name)]));

    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    const labels = (await docker.getContainer(String(result.json.containerId)).inspect()).Config.Labels;
    assert.equal(labels[projectLabel], name);
    const output = await exec(folder, ['sh', '-c', 'pwd; cat /seed/which.txt']);
    assert.equal(output.stdout, '/src\nfirst file folder\n');
  });
});
