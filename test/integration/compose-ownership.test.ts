import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { docker, removeWorkspaceContainers } from '../support/engine';
import { cliPath, parseResultLine, runCli, runProcess } from '../support/cli';
import { removeComposeProjects, workspaceProject, type WorkspaceProject } from '../support/composeProject';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

const projectLabel = 'com.docker.compose.project';
const serviceLabel = 'com.docker.compose.service';
const cleanups: (() => Promise<void>)[] = [];

after(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
});

function composeWorkspace(prefix: string, files: Record<string, string>, projectName?: (name: string) => string): { folder: string; project: WorkspaceProject } {
  const name = `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
  const folder = makeWorkspace(files, name);
  const project = workspaceProject(folder, projectName ? projectName(name) : `${name}_devcontainer`);
  cleanups.push(async () => {
    await removeWorkspaceContainers(folder);
    await removeComposeProjects([project]);
    removeWorkspace(folder);
  });
  return { folder, project };
}

async function up(folder: string, extra: string[] = [], env?: NodeJS.ProcessEnv) {
  const result = await runCli(['up', '--workspace-folder', folder, ...extra], { env, timeoutMs: 180_000 });
  return { ...result, json: parseResultLine(result.stdout) };
}

async function servicesOf(project: string): Promise<Map<string, { id: string; state: string }>> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${projectLabel}=${project}`] } });
  return new Map(containers.map((info) => [info.Labels[serviceLabel], { id: info.Id, state: info.State }]));
}

async function networksOf(project: string) {
  return docker.listNetworks({ filters: { label: [`${projectLabel}=${project}`] } });
}

const sleepingServices = ['services:', '  app:', '    image: busybox', '    command: ["sleep", "1000"]', '  db:', '    image: busybox', '    command: ["sleep", "1000"]', ''].join('\n');

describe('failed up in a project the user started', () => {
  test('keeps the containers it did not create', async () => {
    const { folder, project } = composeWorkspace('cmo-user', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'docker-compose.yml', service: 'app', containerUser: 'nosuchuser' }),
      '.devcontainer/docker-compose.yml': sleepingServices,
    });
    const started = await runProcess('docker-compose', ['-p', project.name, '-f', path.join(folder, '.devcontainer/docker-compose.yml'), 'up', '-d'], {
      cwd: path.join(folder, '.devcontainer'),
    });
    assert.equal(started.exitCode, 0, started.stderr);
    const before = await servicesOf(project.name);
    assert.equal(before.get('db')?.state, 'running');

    const result = await up(folder);
    assert.notEqual(result.exitCode, 0, result.stderr);
    assert.match(String(result.json.message), /nosuchuser/);
    const afterUp = await servicesOf(project.name);
    assert.equal(afterUp.get('db')?.id, before.get('db')?.id);
    assert.equal(afterUp.get('db')?.state, 'running');
    assert.equal((await networksOf(project.name)).length, 1);
  });

  test('fresh project is removed with its network', async () => {
    const { folder, project } = composeWorkspace('cmo-fresh', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'docker-compose.yml', service: 'app', containerUser: 'nosuchuser' }),
      '.devcontainer/docker-compose.yml': sleepingServices,
    });
    const result = await up(folder);
    assert.notEqual(result.exitCode, 0, result.stderr);
    assert.equal((await servicesOf(project.name)).size, 0);
    assert.deepEqual(await networksOf(project.name), []);
    assert.equal(fs.existsSync(project.cacheFolder), false);
  });
});

describe('rebuild with an anonymous volume', () => {
  test('keeps the database container and its data', async () => {
    const { folder, project } = composeWorkspace('cmo-rebuild', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'docker-compose.yml', service: 'app', overrideCommand: true }),
      '.devcontainer/docker-compose.yml': [
        'services:',
        '  app:',
        '    image: busybox',
        '  db:',
        '    image: busybox',
        '    command: ["sh", "-c", "date +%s%N >> /var/lib/db/boots; exec sleep 1000"]',
        '    volumes:',
        '      - /var/lib/db',
        '',
      ].join('\n'),
    });
    const first = await up(folder);
    assert.equal(first.exitCode, 0, first.stderr);
    const before = await servicesOf(project.name);

    const rebuilt = await up(folder, ['--remove-existing-container']);
    assert.equal(rebuilt.exitCode, 0, rebuilt.stderr);
    assert.notEqual(rebuilt.json.containerId, first.json.containerId);
    const afterRebuild = await servicesOf(project.name);
    assert.equal(afterRebuild.get('db')?.id, before.get('db')?.id);
    assert.equal(afterRebuild.get('db')?.state, 'running');
  });
});

describe('two configurations on one compose file', () => {
  const compose = ['services:', '  app:', '    image: busybox', '  worker:', '    image: busybox', ''].join('\n');
  const config = (service: string) => JSON.stringify({ dockerComposeFile: '../../docker-compose.yml', service, runServices: [service], overrideCommand: true });
  const { folder, project } = composeWorkspace(
    'cmo-multi',
    {
      'docker-compose.yml': compose,
      '.devcontainer/app/devcontainer.json': config('app'),
      '.devcontainer/worker/devcontainer.json': config('worker'),
    },
    (name) => name,
  );
  const configFile = (service: string) => path.join(folder, '.devcontainer', service, 'devcontainer.json');
  cleanups.push(() => removeComposeProjects([workspaceProject(folder, project.name, configFile('app')), workspaceProject(folder, project.name, configFile('worker'))]));
  let workerId = '';

  test('both dev containers start', async () => {
    const app = await up(folder, ['--config', configFile('app')]);
    assert.equal(app.exitCode, 0, app.stderr);
    const worker = await up(folder, ['--config', configFile('worker')]);
    assert.equal(worker.exitCode, 0, worker.stderr);
    workerId = String(worker.json.containerId);
    assert.equal((await servicesOf(project.name)).size, 2);
  });

  test('rebuild of app keeps the worker', async () => {
    const rebuilt = await up(folder, ['--config', configFile('app'), '--remove-existing-container']);
    assert.equal(rebuilt.exitCode, 0, rebuilt.stderr);
    const services = await servicesOf(project.name);
    assert.equal(services.get('worker')?.id, workerId);
    assert.equal(services.get('worker')?.state, 'running');
  });

  test('stop of app keeps the worker running', async () => {
    const result = await runCli(['stop', '--workspace-folder', folder, '--config', configFile('app')]);
    assert.equal(result.exitCode, 0, result.stderr);
    const services = await servicesOf(project.name);
    assert.equal(services.get('app')?.state, 'exited');
    assert.equal(services.get('worker')?.state, 'running');
  });

  test('down of app keeps the worker', async () => {
    const result = await runCli(['down', '--workspace-folder', folder, '--config', configFile('app')]);
    assert.equal(result.exitCode, 0, result.stderr);
    const services = await servicesOf(project.name);
    assert.equal(services.has('app'), false);
    assert.equal(services.get('worker')?.id, workerId);
    assert.equal(services.get('worker')?.state, 'running');
  });

  test('down of the last config removes the project', async () => {
    const result = await runCli(['down', '--workspace-folder', folder, '--config', configFile('worker')]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal((await servicesOf(project.name)).size, 0);
    assert.deepEqual(await networksOf(project.name), []);
  });
});

describe('down without readable compose files', () => {
  const files = {
    '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'docker-compose.yml', service: 'app', overrideCommand: true }),
    '.devcontainer/docker-compose.yml': sleepingServices,
  };

  test('broken compose file: down by workspace', async () => {
    const { folder, project } = composeWorkspace('cmo-broken', files);
    const first = await up(folder);
    assert.equal(first.exitCode, 0, first.stderr);
    fs.writeFileSync(path.join(folder, '.devcontainer/docker-compose.yml'), 'services: [\n');

    const stopped = await runCli(['stop', '--workspace-folder', folder]);
    assert.equal(stopped.exitCode, 0, stopped.stderr);
    assert.equal((await servicesOf(project.name)).get('db')?.state, 'exited');
    const result = await runCli(['down', '--workspace-folder', folder]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal((parseResultLine(result.stdout).containerIds as string[]).length, 2);
    assert.equal((await servicesOf(project.name)).size, 0);
    assert.deepEqual(await networksOf(project.name), []);
    assert.equal(fs.existsSync(project.cacheFolder), false);
  });

  test('deleted workspace: down by container id', async () => {
    const { folder, project } = composeWorkspace('cmo-gone', files);
    const first = await up(folder);
    assert.equal(first.exitCode, 0, first.stderr);
    removeWorkspace(folder);

    const result = await runCli(['down', '--container-id', String(first.json.containerId)]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal((await servicesOf(project.name)).size, 0);
    assert.deepEqual(await networksOf(project.name), []);
    assert.equal(fs.existsSync(project.cacheFolder), false);
  });
});

describe('Ctrl-C while a service is unhealthy', () => {
  test('cleanup removes what up created in time', async () => {
    const { folder, project } = composeWorkspace('cmo-sigint', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'docker-compose.yml', service: 'app', overrideCommand: true }),
      '.devcontainer/docker-compose.yml': [
        'services:',
        '  app:',
        '    image: busybox',
        '    depends_on:',
        '      db:',
        '        condition: service_healthy',
        '  db:',
        '    image: busybox',
        // PID 1 without a SIGTERM handler ignores SIGTERM, so only SIGKILL stops it.
        '    command: ["sleep", "1000"]',
        '    healthcheck:',
        '      test: ["CMD", "false"]',
        '      interval: 1s',
        '      retries: 1000',
        '',
      ].join('\n'),
    });
    const child = spawn(process.execPath, [cliPath, 'up', '--workspace-folder', folder], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Wait until compose has created db and waits for its health.
    for (let waited = 0; (await servicesOf(project.name)).get('db')?.state !== 'running'; waited += 200) {
      assert.ok(waited < 60_000, `db never started\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const signalled = Date.now();
    child.kill('SIGINT');
    await exited;
    const cleanupMs = Date.now() - signalled;
    assert.doesNotMatch(stderr, /Cleanup did not finish/);
    assert.ok(cleanupMs < 8_000, `cleanup took ${cleanupMs} ms`);
    assert.equal((await servicesOf(project.name)).size, 0);
    assert.deepEqual(await networksOf(project.name), []);
  });
});

describe('kept failed project after a config change', () => {
  test('message says how to apply the change', async () => {
    const { folder } = composeWorkspace('cmo-stale', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'docker-compose.yml', service: 'app' }),
      '.devcontainer/docker-compose.yml': 'services:\n  app:\n    image: busybox\n    command: ["sh", "-c", "echo boom; exit 3"]\n',
    });
    const keep = { ...process.env, DEVCONTAINER_COMPOSE_KEEP_FAILED: '1' };
    const first = await up(folder, [], keep);
    assert.notEqual(first.exitCode, 0, first.stderr);
    fs.writeFileSync(
      path.join(folder, '.devcontainer/devcontainer.json'),
      JSON.stringify({ dockerComposeFile: 'docker-compose.yml', service: 'app', overrideCommand: true }),
    );

    const second = await up(folder, [], keep);
    assert.notEqual(second.exitCode, 0, second.stderr);
    const message = String(second.json.message);
    assert.match(message, /which differ from the current devcontainer\.json/);
    assert.match(message, /run `up --remove-existing-container`, or `down` and then `up`/);

    const rebuilt = await up(folder, ['--remove-existing-container']);
    assert.equal(rebuilt.exitCode, 0, rebuilt.stderr);
  });
});

describe('container the reference CLI created', () => {
  test('lifecycle commands do not run again', async () => {
    const { folder, project } = composeWorkspace('cmo-ref', {
      '.devcontainer/devcontainer.json': JSON.stringify({
        dockerComposeFile: 'docker-compose.yml',
        service: 'app',
        overrideCommand: true,
        onCreateCommand: 'echo on-create >> /tmp/lifecycle.log',
        postCreateCommand: 'echo post-create >> /tmp/lifecycle.log',
        postStartCommand: 'echo post-start >> /tmp/lifecycle.log',
      }),
      '.devcontainer/docker-compose.yml': 'services:\n  app:\n    image: debian:bookworm\n',
    });
    const reference = path.join(__dirname, '..', '..', 'node_modules', '.bin', 'devcontainer');
    const created = await runProcess(
      reference,
      ['up', '--workspace-folder', folder, '--docker-path', '/usr/bin/docker', '--docker-compose-path', '/usr/bin/docker-compose'],
      { timeoutMs: 180_000 },
    );
    assert.equal(created.exitCode, 0, created.stderr);
    assert.ok((await servicesOf(project.name)).has('app'));

    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    const log = await runCli(['exec', '--workspace-folder', folder, 'cat', '/tmp/lifecycle.log']);
    assert.equal(log.stdout, 'on-create\npost-create\npost-start\n');
  });
});
