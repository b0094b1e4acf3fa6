import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tar from 'tar-stream';
import { cliPath, parseResultLine, runProcess } from '../support/cli';
import { docker, removeWorkspaceContainers } from '../support/engine';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

/** The CLI under test: dist/cli.js, or another build named by OPEN_DEVCONTAINERS_CLI. */
const cli = process.env.OPEN_DEVCONTAINERS_CLI ?? cliPath;
const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'features-cache-'));
const workspaces: string[] = [];
/** Named volumes Features created, removed after the containers. */
const volumes: string[] = [];
const tarballs = new Map<string, Buffer>();
let server: http.Server;
let baseUrl = '';

function workspace(files: Record<string, string>): string {
  const folder = makeWorkspace(files);
  workspaces.push(folder);
  return folder;
}

function run(args: string[]) {
  return runProcess(process.execPath, [cli, ...args], { env: { ...process.env, XDG_CACHE_HOME: cache }, timeoutMs: 300_000 });
}

async function up(folder: string) {
  const result = await run(['up', '--workspace-folder', folder]);
  return { ...result, json: parseResultLine(result.stdout) };
}

async function exec(folder: string, command: string[]) {
  return run(['exec', '--workspace-folder', folder, ...command]);
}

async function tarball(entries: (Partial<tar.Header> & { name: string; content?: string })[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const { content, ...header } of entries) {
    if (content === undefined) pack.entry(header);
    else pack.entry(header, content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function localFeature(id: string, manifest: Record<string, unknown>, install: string): Record<string, string> {
  return {
    [`.devcontainer/${id}/devcontainer-feature.json`]: JSON.stringify({ id, version: '1.0.0', name: id, ...manifest }),
    [`.devcontainer/${id}/install.sh`]: `#!/bin/sh\nset -e\n${install}\n`,
  };
}

before(async () => {
  server = http.createServer((request, response) => {
    const body = tarballs.get(request.url ?? '');
    response.writeHead(body ? 200 : 404);
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const folder of workspaces) {
    await removeWorkspaceContainers(folder);
    removeWorkspace(folder);
  }
  for (const name of volumes) {
    await docker.getVolume(name).remove().catch(() => undefined);
  }
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(cache, { recursive: true, force: true });
});

describe('Feature sources', () => {
  test('tarball URL Feature installs', async () => {
    tarballs.set(
      '/devcontainer-feature-from-url.tgz',
      await tarball([
        { name: './devcontainer-feature.json', content: JSON.stringify({ id: 'from-url', version: '0.3.0', options: { word: { type: 'string', default: 'tar' } } }) },
        { name: './install.sh', mode: 0o755, content: '#!/bin/sh\necho "$WORD-$_REMOTE_USER-$_REMOTE_USER_HOME" > /opt/from-url.txt\n' },
      ]),
    );
    const folder = workspace({
      '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', features: { [`${baseUrl}/devcontainer-feature-from-url.tgz`]: { word: 'url' } } }),
    });
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal((await exec(folder, ['cat', '/opt/from-url.txt'])).stdout, 'url-root-/root\n');
    const lockfile = JSON.parse(fs.readFileSync(path.join(folder, '.devcontainer', 'devcontainer-lock.json'), 'utf8'));
    const entry = lockfile.features[`${baseUrl}/devcontainer-feature-from-url.tgz`];
    assert.equal(entry.resolved, `${baseUrl}/devcontainer-feature-from-url.tgz`);
    assert.match(entry.integrity, /^sha256:[a-f0-9]{64}$/);
  });

  test('tarball that changed under the lockfile is rejected', async () => {
    const folder = workspace({
      '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', features: { [`${baseUrl}/devcontainer-feature-moving.tgz`]: {} } }),
    });
    const manifest = { name: './devcontainer-feature.json', content: JSON.stringify({ id: 'moving', version: '1.0.0' }) };
    tarballs.set('/devcontainer-feature-moving.tgz', await tarball([manifest, { name: './install.sh', mode: 0o755, content: '#!/bin/sh\ntrue\n' }]));
    assert.equal((await up(folder)).exitCode, 0);
    tarballs.set('/devcontainer-feature-moving.tgz', await tarball([manifest, { name: './install.sh', mode: 0o755, content: '#!/bin/sh\necho changed\n' }]));
    const result = await run(['up', '--workspace-folder', folder, '--remove-existing-container']);
    assert.notEqual(result.exitCode, 0);
    assert.match(String(parseResultLine(result.stdout).message), /does not match devcontainer-lock\.json/);
  });

  test('malicious tarball is rejected before any build', async () => {
    tarballs.set(
      '/devcontainer-feature-evil.tgz',
      await tarball([
        { name: './devcontainer-feature.json', content: JSON.stringify({ id: 'evil', version: '1.0.0' }) },
        { name: './install.sh', mode: 0o755, content: '#!/bin/sh\ntrue\n' },
        { name: '../../../../../../tmp/escaped-by-feature', content: 'pwned' },
      ]),
    );
    const folder = workspace({
      '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', features: { [`${baseUrl}/devcontainer-feature-evil.tgz`]: {} } }),
    });
    const result = await up(folder);
    assert.notEqual(result.exitCode, 0);
    assert.match(String(result.json.message), /Feature archive .*evil\.tgz was rejected: entry .* contains "\.\."/);
    assert.equal(fs.existsSync('/tmp/escaped-by-feature'), false);
  });

  test('option values are typed and defaulted', async () => {
    const folder = workspace({
      '.devcontainer/devcontainer.json': JSON.stringify({
        image: 'debian:bookworm',
        features: { './typed': { enabled: 'true', flavour: 'mint', 'my-option.1': '7' } },
      }),
      ...localFeature(
        'typed',
        {
          options: {
            enabled: { type: 'boolean', default: false },
            quiet: { type: 'boolean', default: true },
            flavour: { type: 'string', enum: ['mint', 'plain'], default: 'plain' },
            'my-option.1': { type: 'string', default: 'x' },
            greeting: { type: 'string', proposals: ['hi'], default: "it's \"quoted\" $HOME" },
          },
        },
        'printf "%s|%s|%s|%s|%s\\n" "$ENABLED" "$QUIET" "$FLAVOUR" "$MY_OPTION_1" "$GREETING" > /opt/typed.txt',
      ),
    });
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal((await exec(folder, ['cat', '/opt/typed.txt'])).stdout, 'true|true|mint|7|it\'s "quoted" $HOME\n');
  });

  test('option outside the enum fails naming it', async () => {
    const folder = workspace({
      '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', features: { './typed': { flavour: 'sour' } } }),
      ...localFeature('typed', { options: { flavour: { type: 'string', enum: ['mint', 'plain'] } } }, 'true'),
    });
    const result = await up(folder);
    assert.notEqual(result.exitCode, 0);
    assert.match(String(result.json.message), /Invalid value "sour" for option "flavour" of Feature \.\/typed .*expected one of "mint", "plain"/);
  });

  test('boolean option given a word fails', async () => {
    const folder = workspace({
      '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', features: { './typed': { enabled: 'yes' } } }),
      ...localFeature('typed', { options: { enabled: { type: 'boolean', default: false } } }, 'true'),
    });
    const result = await up(folder);
    assert.notEqual(result.exitCode, 0);
    assert.match(String(result.json.message), /option "enabled" .*expected true or false/);
  });

  test('dependency cycle is named', async () => {
    const folder = workspace({
      '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', features: { './one': {} } }),
      ...localFeature('one', { dependsOn: { './two': {} } }, 'true'),
      ...localFeature('two', { dependsOn: { './one': {} } }, 'true'),
    });
    const result = await up(folder);
    assert.notEqual(result.exitCode, 0);
    assert.match(String(result.json.message), /cycle: \.\/(one|two) → \.\/(one|two) → \.\/(one|two)/);
  });

  test('run properties, entrypoint and lifecycle order merge', async () => {
    const folder = workspace({
      '.devcontainer/devcontainer.json': JSON.stringify({
        image: 'debian:bookworm',
        capAdd: ['NET_ADMIN'],
        features: { './runprops': {} },
        postCreateCommand: 'echo user >> /tmp/lifecycle-order',
      }),
      ...localFeature(
        'runprops',
        {
          init: true,
          capAdd: ['SYS_PTRACE'],
          securityOpt: ['seccomp=unconfined'],
          entrypoint: '/usr/local/share/runprops-entrypoint.sh',
          mounts: [{ source: 'runprops-${devcontainerId}', target: '/data', type: 'volume' }],
          postCreateCommand: 'echo feature >> /tmp/lifecycle-order',
        },
        'printf "#!/bin/sh\\necho started > /tmp/entrypoint-ran\\n" > /usr/local/share/runprops-entrypoint.sh\nchmod +x /usr/local/share/runprops-entrypoint.sh',
      ),
    });
    const result = await up(folder);
    assert.equal(result.exitCode, 0, result.stderr);
    const info = await docker.getContainer(String(result.json.containerId)).inspect();
    assert.equal(info.HostConfig.Init, true);
    assert.deepEqual([...(info.HostConfig.CapAdd ?? [])].sort(), ['NET_ADMIN', 'SYS_PTRACE']);
    assert.deepEqual(info.HostConfig.SecurityOpt, ['seccomp=unconfined']);
    const volume = info.Mounts.find((mount) => mount.Destination === '/data');
    assert.match(volume?.Name ?? '', /^runprops-[a-z0-9]+$/);
    assert.doesNotMatch(volume?.Name ?? '', /devcontainerId/);
    const check = await exec(folder, ['sh', '-c', 'cat /tmp/entrypoint-ran /tmp/lifecycle-order']);
    assert.equal(check.stdout, 'started\nfeature\nuser\n');
    if (volume?.Name) volumes.push(volume.Name);
  });
});
