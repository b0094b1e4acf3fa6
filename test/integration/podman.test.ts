import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Dockerode from 'dockerode';
import { parseResultLine, runCli } from '../support/cli';
import { workspaceProject } from '../support/composeProject';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

/**
 * The runtime against Podman 4.3's Docker-compatible API, and compose
 * configurations through podman-compose. scripts/setup/podman.sh starts the
 * service on this socket, and these tests fail when it does not respond.
 */
const socket = '/run/podman-devcontainers/podman.sock';
const podmanHost = `unix://${socket}`;
const podman = new Dockerode({ socketPath: socket });
const projectLabel = 'com.docker.compose.project';
const serviceLabel = 'com.docker.compose.service';

const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: podmanHost };
delete env.DEVCONTAINER_COMPOSE_TOOL;

const cleanups: (() => Promise<void>)[] = [];

before(async () => {
  try {
    await podman.ping();
  } catch (error) {
    throw new Error(`No Podman API service responds on ${socket} (${(error as Error).message}). Run scripts/setup/podman.sh as root.`);
  }
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** Creates a workspace with a unique folder name, removed with everything Podman made for it. */
function podmanWorkspace(prefix: string, files: Record<string, string>): { folder: string; projectName: string } {
  const name = `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
  const folder = makeWorkspace(files, name);
  const projectName = `${name}_devcontainer`;
  cleanups.push(async () => {
    await removePodmanObjects(folder, projectName);
    fs.rmSync(workspaceProject(folder, projectName).cacheFolder, { recursive: true, force: true });
    removeWorkspace(folder);
  });
  return { folder, projectName };
}

/** Removes the containers, networks and images Podman holds for a workspace and its compose project. */
async function removePodmanObjects(folder: string, projectName: string): Promise<void> {
  const byFolder = await podman.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${folder}`] } });
  const byProject = await podman.listContainers({ all: true, filters: { label: [`${projectLabel}=${projectName}`] } });
  for (const info of [...byFolder, ...byProject]) {
    await podman.getContainer(info.Id).remove({ force: true, v: true, t: 0 }).catch(() => undefined);
  }
  for (const network of await podman.listNetworks({ filters: { label: [`${projectLabel}=${projectName}`] } })) {
    await podman.getNetwork(network.Id).remove().catch(() => undefined);
  }
  const prefixes = [`devcontainer-${path.basename(folder)}-`, `${projectName}_`];
  for (const image of await podman.listImages()) {
    for (const tag of image.RepoTags ?? []) {
      const name = tag.replace(/^(docker\.io\/library|localhost)\//, '');
      if (prefixes.some((prefix) => name.startsWith(prefix))) await podman.getImage(tag).remove().catch(() => undefined);
    }
  }
}

async function up(folder: string, extra: string[] = [], options: { env?: NodeJS.ProcessEnv } = {}) {
  const result = await runCli(['up', '--workspace-folder', folder, ...extra], { env: options.env ?? env });
  return { ...result, json: parseResultLine(result.stdout) };
}

function exec(folder: string, command: string[], input?: string) {
  return runCli(['exec', '--workspace-folder', folder, ...command], { env, input });
}

async function containersOf(folder: string): Promise<Dockerode.ContainerInfo[]> {
  return podman.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${folder}`] } });
}

async function servicesOf(projectName: string): Promise<Map<string, { id: string; state: string }>> {
  const containers = await podman.listContainers({ all: true, filters: { label: [`${projectLabel}=${projectName}`] } });
  return new Map(containers.map((info) => [info.Labels[serviceLabel], { id: info.Id, state: info.State }]));
}

describe('podman image config', () => {
  const { folder } = podmanWorkspace('pod-img', {
    '.devcontainer/devcontainer.json': JSON.stringify({
      image: 'debian:bookworm',
      containerEnv: { GREETING: 'hello ${localWorkspaceFolderBasename}' },
      postCreateCommand: 'echo ran >> /tmp/post-create.count',
    }),
    'marker.txt': 'from host\n',
  });
  let containerId = '';

  test('up creates the container in Podman', async () => {
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.json.outcome, 'success');
    assert.equal(result.json.remoteUser, 'root');
    containerId = String(result.json.containerId);
    const info = await podman.getContainer(containerId).inspect();
    assert.equal(info.Config.Labels['devcontainer.local_folder'], folder);
    assert.match(info.Config.Labels['devcontainer.metadata'], /postCreateCommand/);
    assert.equal(info.State.Running, true);
  });

  test('exec passes workspace, env, stdin and exit code', async () => {
    const result = await exec(folder, ['sh', '-c', 'pwd; cat marker.txt; echo "$GREETING"; cat /tmp/post-create.count']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, `/workspaces/${path.basename(folder)}\nfrom host\nhello ${path.basename(folder)}\nran\n`);

    const piped = await exec(folder, ['tr', 'a-z', 'A-Z'], 'piped text\n');
    assert.equal(piped.stdout, 'PIPED TEXT\n');
    const failing = await exec(folder, ['sh', '-c', 'echo oops >&2; exit 7']);
    assert.equal(failing.exitCode, 7);
    assert.match(failing.stderr, /oops/);
  });

  test('second up reuses the container', async () => {
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.json.containerId, containerId);
    assert.equal((await containersOf(folder)).length, 1);
  });

  test('down removes the container', async () => {
    const result = await runCli(['down', '--workspace-folder', folder], { env });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(await containersOf(folder), []);
  });
});

describe('podman Dockerfile with a Feature', () => {
  const { folder } = podmanWorkspace('pod-build', {
    '.devcontainer/devcontainer.json': JSON.stringify({
      build: { dockerfile: 'Dockerfile', args: { GREETING: 'built by podman' } },
      remoteUser: 'dev',
      features: { './words': { word: 'bird' } },
    }),
    '.devcontainer/Dockerfile': 'FROM debian:bookworm\nARG GREETING=none\nRUN useradd -m -u 1000 dev && echo "$GREETING" > /greeting\n',
    '.devcontainer/words/devcontainer-feature.json': JSON.stringify({
      id: 'words',
      version: '1.0.0',
      options: { word: { type: 'string', default: 'none' } },
      containerEnv: { FROM_FEATURE: 'yes' },
    }),
    '.devcontainer/words/install.sh': '#!/bin/sh\nset -e\necho "$WORD" > /word\n',
  });

  test('up builds the image and the Feature layer', async () => {
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.json.remoteUser, 'dev');
    const output = await exec(folder, ['sh', '-c', 'id -un; cat /greeting /word; echo "$FROM_FEATURE"']);
    assert.equal(output.exitCode, 0, output.stderr);
    assert.equal(output.stdout, 'dev\nbuilt by podman\nbird\nyes\n');
  });
});

describe('podman compose', () => {
  const { folder, projectName } = podmanWorkspace('pod-cmp', {
    '.devcontainer/devcontainer.json': JSON.stringify({
      dockerComposeFile: 'docker-compose.yml',
      service: 'app',
      workspaceFolder: '/workspace',
      containerEnv: { FROM_CONFIG: 'config value', API_TOKEN: 'podman-secret-4711' },
      mounts: ['source=${localWorkspaceFolderBasename}-data,target=/data,type=volume'],
      postCreateCommand: 'pwd > /tmp/post-create.pwd',
    }),
    '.devcontainer/Dockerfile': 'FROM debian:bookworm\nRUN echo "built for compose" > /built.txt\n',
    '.devcontainer/docker-compose.yml': [
      'services:',
      '  app:',
      '    build: .',
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
  });
  const volume = `${path.basename(folder)}-data`;
  cleanups.push(() => podman.getVolume(volume).remove());
  let appId = '';

  test('up runs podman-compose and starts both services', async () => {
    const result = await up(folder, ['--log-level', 'debug']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /Using podman-compose 1\.0\.3/);
    assert.equal(result.json.composeProjectName, projectName);
    appId = String(result.json.containerId);
    const labels = (await podman.getContainer(appId).inspect()).Config.Labels;
    assert.equal(labels[serviceLabel], 'app');
    assert.equal(labels['devcontainer.local_folder'], folder);
    const services = await servicesOf(projectName);
    assert.equal(services.get('db')?.state, 'running');
    assert.equal(services.get('app')?.id, appId);
  });

  test('secret containerEnv stays out of the log', async () => {
    const result = await up(folder, ['--remove-existing-container', '--log-level', 'trace']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /podman run/);
    assert.doesNotMatch(result.stderr + result.stdout, /podman-secret-4711/);
    appId = String(result.json.containerId);
    const seen = await exec(folder, ['sh', '-c', 'echo "$API_TOKEN"']);
    assert.equal(seen.stdout, 'podman-secret-4711\n');
  });

  test('exec runs in the built service with the workspace', async () => {
    const result = await exec(folder, ['bash', '-c', 'pwd; cat marker.txt /built.txt /tmp/post-create.pwd; echo "$FROM_CONFIG"']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, '/workspace\nfrom the host\nbuilt for compose\n/workspace\nconfig value\n');
  });

  test('mounts use the named volume', async () => {
    const result = await exec(folder, ['sh', '-c', 'echo kept > /data/file']);
    assert.equal(result.exitCode, 0, result.stderr);
    const mounts = (await podman.getContainer(appId).inspect()).Mounts;
    assert.equal(mounts.find((mount) => mount.Destination === '/data')?.Name, volume);
    const names = ((await podman.listVolumes()).Volumes ?? []).map((item) => item.Name);
    assert.ok(names.includes(volume));
    assert.equal(names.includes(`${projectName}_${volume}`), false);
  });

  test('app reaches db by service name', async () => {
    const result = await exec(folder, ['bash', '-c', 'exec 3<>/dev/tcp/db/5432; cat <&3']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, 'pong\n');
  });

  test('stop and up again reuse the containers', async () => {
    const stop = await runCli(['stop', '--workspace-folder', folder], { env });
    assert.equal(stop.exitCode, 0, stop.stderr);
    assert.equal((await servicesOf(projectName)).get('app')?.state, 'exited');
    assert.equal((await servicesOf(projectName)).get('db')?.state, 'exited');

    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.json.containerId, appId);
    assert.equal((await servicesOf(projectName)).get('db')?.state, 'running');
  });

  test('down removes containers and network', async () => {
    const ids = [...(await servicesOf(projectName)).values()].map((item) => item.id).sort();
    const result = await runCli(['down', '--workspace-folder', folder], { env });
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual((parseResultLine(result.stdout).containerIds as string[]).sort(), ids);
    assert.equal((await servicesOf(projectName)).size, 0);
    assert.deepEqual(await podman.listNetworks({ filters: { label: [`${projectLabel}=${projectName}`] } }), []);
    // The named volume from devcontainer.json's mounts stays, as with Docker Compose.
    assert.ok(await podman.getVolume(volume).inspect());
  });
});

describe('podman-compose with Docker', () => {
  test('forced podman-compose against Docker is rejected', async () => {
    const { folder, projectName } = podmanWorkspace('pod-mismatch', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app' }),
      '.devcontainer/compose.yml': 'services:\n  app:\n    image: busybox\n',
    });
    const dockerEnv: NodeJS.ProcessEnv = { ...process.env, DEVCONTAINER_COMPOSE_TOOL: 'podman-compose' };
    delete dockerEnv.DOCKER_HOST;
    const result = await up(folder, [], { env: dockerEnv });
    assert.equal(result.exitCode, 1);
    assert.match(String(result.json.message), /podman-compose, which works only with a Podman engine, but the engine at unix:\/\/\/var\/run\/docker\.sock is Docker/);
    assert.equal((await new Dockerode().listContainers({ all: true, filters: { label: [`${projectLabel}=${projectName}`] } })).length, 0);
  });
});

describe('podman-compose override forms', () => {
  const single = (service: string[]) =>
    ['services:', '  app:', '    image: busybox', ...service, '  db:', '    image: busybox', '    command: ["sleep", "1000"]', ''].join('\n');
  const config = JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app', overrideCommand: true });

  test('string command with overrideCommand', async () => {
    const { folder } = podmanWorkspace('pod-strcmd', { '.devcontainer/devcontainer.json': config, '.devcontainer/compose.yml': single(['    command: sleep 1000']) });
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    const cmdline = await exec(folder, ['sh', '-c', "tr '\\0' ' ' < /proc/1/cmdline"]);
    assert.match(cmdline.stdout, /^\/bin\/sh -c .*Container started/s);
  });

  test('string entrypoint with overrideCommand', async () => {
    const { folder } = podmanWorkspace('pod-strep', {
      '.devcontainer/devcontainer.json': config,
      '.devcontainer/compose.yml': single(['    entrypoint: /bin/sh -c "echo boom; exit 4"']),
    });
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    const cmdline = await exec(folder, ['sh', '-c', "tr '\\0' ' ' < /proc/1/cmdline"]);
    assert.match(cmdline.stdout, /Container started/);
  });

  test('list command with overrideCommand is ignored', async () => {
    const { folder } = podmanWorkspace('pod-listcmd', {
      '.devcontainer/devcontainer.json': config,
      '.devcontainer/compose.yml': single(['    command: ["sh", "-c", "echo boom; exit 3"]']),
    });
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    const running = await exec(folder, ['true']);
    assert.equal(running.exitCode, 0, running.stderr);
  });

  test('list entrypoint is rejected up front', async () => {
    const { folder, projectName } = podmanWorkspace('pod-listep', {
      '.devcontainer/devcontainer.json': config,
      '.devcontainer/compose.yml': single(['    entrypoint: ["/bin/sh", "-c", "echo x; exit 4"]']),
    });
    const result = await up(folder);
    assert.equal(result.exitCode, 1, result.stderr);
    const message = String(result.json.message);
    assert.match(message, /Service "app" in \S+compose\.yml sets "entrypoint" as a list/);
    assert.match(message, /"overrideCommand": true cannot take effect/);
    assert.equal((await servicesOf(projectName)).size, 0);
  });

  test('service that cannot be created fails up', async () => {
    const { folder, projectName } = podmanWorkspace('pod-noimage', {
      '.devcontainer/devcontainer.json': config,
      '.devcontainer/compose.yml': ['services:', '  app:', '    image: busybox', '  db:', '    image: localhost/bcomp-nonexistent-db:latest', ''].join('\n'),
    });
    const result = await up(folder);
    assert.equal(result.exitCode, 1, result.stderr);
    const message = String(result.json.message);
    assert.match(message, /podman-compose up exited with code 0, but created no container for service\(s\) db/);
    assert.match(message, /bcomp-nonexistent-db/);
    assert.equal((await servicesOf(projectName)).size, 0);
  });

  test('Feature entrypoint runs the list command once', async () => {
    const { folder } = podmanWorkspace('pod-feature', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app', features: { './marker': {} } }),
      '.devcontainer/compose.yml': ['services:', '  app:', '    build: .', '    command: ["sleep", "infinity"]', ''].join('\n'),
      '.devcontainer/Dockerfile': 'FROM debian:bookworm\n',
      '.devcontainer/marker/devcontainer-feature.json': JSON.stringify({ id: 'marker', version: '1.0.0', entrypoint: '/usr/local/share/marker-start.sh' }),
      '.devcontainer/marker/install.sh': [
        '#!/bin/sh',
        'set -e',
        'printf "#!/bin/sh\\necho started > /tmp/marker-started\\n" > /usr/local/share/marker-start.sh',
        'chmod +x /usr/local/share/marker-start.sh',
        '',
      ].join('\n'),
    });
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    const check = await exec(folder, ['sh', '-c', "cat /tmp/marker-started; tr '\\0' ' ' < /proc/1/cmdline"]);
    assert.equal(check.exitCode, 0, check.stderr);
    // The wrapper runs the Feature entrypoint, then execs the service command once.
    assert.equal(check.stdout, 'started\nsleep infinity ');
  });
});

describe('podman-compose extends from another folder', () => {
  test('bind mount source is the extended file folder', async () => {
    const { folder } = podmanWorkspace('pod-ext', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app', overrideCommand: true }),
      '.devcontainer/compose.yml': ['services:', '  app:', '    extends:', '      file: ../common/base.yml', '      service: base', ''].join('\n'),
      'common/base.yml': ['services:', '  base:', '    image: busybox', '    volumes:', '      - ./data:/data:ro', ''].join('\n'),
      'common/data/which.txt': 'beside the extended file\n',
    });
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    const seen = await exec(folder, ['cat', '/data/which.txt']);
    assert.equal(seen.stdout, 'beside the extended file\n', seen.stderr);
    assert.equal(fs.existsSync(path.join(folder, '.devcontainer', 'data')), false);
  });

  test('long syntax relative bind is rejected', async () => {
    const { folder } = podmanWorkspace('pod-extlong', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app', overrideCommand: true }),
      '.devcontainer/compose.yml': ['services:', '  app:', '    extends:', '      file: ../common/base.yml', '      service: base', ''].join('\n'),
      'common/base.yml': ['services:', '  base:', '    image: busybox', '    volumes:', '      - type: bind', '        source: ./data', '        target: /data', ''].join('\n'),
      'common/data/which.txt': 'beside the extended file\n',
    });
    const result = await up(folder);
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(String(result.json.message), /bind mount at \/data uses the long syntax with a relative source, which podman-compose 1\.0\.3 resolves against \S+\/\.devcontainer instead/);
    assert.equal(fs.existsSync(path.join(folder, '.devcontainer', 'data')), false);
  });
});

describe('podman compose stop', () => {
  test('stops containers in parallel', async () => {
    const { folder, projectName } = podmanWorkspace('pod-stop', {
      '.devcontainer/devcontainer.json': JSON.stringify({ dockerComposeFile: 'compose.yml', service: 'app' }),
      // PID 1 `sleep` ignores SIGTERM, so each container takes the whole stop timeout.
      '.devcontainer/compose.yml': ['services:', '  app:', '    image: busybox', '    command: ["sleep", "1000"]', '  db:', '    image: busybox', '    command: ["sleep", "1000"]', ''].join('\n'),
    });
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    const started = Date.now();
    const stop = await runCli(['stop', '--workspace-folder', folder], { env });
    const elapsedMs = Date.now() - started;
    assert.equal(stop.exitCode, 0, stop.stderr);
    assert.equal((await servicesOf(projectName)).get('app')?.state, 'exited');
    assert.equal((await servicesOf(projectName)).get('db')?.state, 'exited');
    assert.ok(elapsedMs < 16_000, `stop took ${elapsedMs} ms`);
  });
});
