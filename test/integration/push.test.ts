import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { docker } from '../support/engine';
import { parseResultLine, runCli } from '../support/cli';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

/** A loopback docker-registry with htpasswd auth, made for this file. */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'push-registry-'));
const username = 'pusher';
const password = 'push-secret-4711';
let registry = '';
let registryProcess: ChildProcess | undefined;
const folders: string[] = [];
const images: string[] = [];

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  registry = `127.0.0.1:${await freePort()}`;
  fs.writeFileSync(path.join(root, 'htpasswd'), execFileSync('htpasswd', ['-Bbn', username, password]));
  fs.writeFileSync(
    path.join(root, 'registry.yml'),
    [
      'version: 0.1',
      'log: { level: warn, accesslog: { disabled: true } }',
      `storage: { filesystem: { rootdirectory: ${path.join(root, 'data')} } }`,
      `http: { addr: "${registry}" }`,
      `auth: { htpasswd: { realm: push-tests, path: ${path.join(root, 'htpasswd')} } }`,
    ].join('\n'),
  );
  registryProcess = spawn('/usr/bin/docker-registry', ['serve', path.join(root, 'registry.yml')], { stdio: 'ignore' });
  for (let attempt = 0; attempt < 100; attempt++) {
    const status = await fetch(`http://${registry}/v2/`).then((response) => response.status, () => 0);
    if (status === 401) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`docker-registry did not answer on ${registry}`);
});

after(async () => {
  registryProcess?.kill();
  for (const image of images) await docker.getImage(image).remove().catch(() => undefined);
  for (const folder of folders) removeWorkspace(folder);
  fs.rmSync(root, { recursive: true, force: true });
});

test('build pushes with Docker config credentials', async () => {
  const folder = makeWorkspace({
    '.devcontainer/devcontainer.json': JSON.stringify({ build: { dockerfile: 'Dockerfile' }, remoteUser: 'root' }),
    '.devcontainer/Dockerfile': 'FROM busybox\nRUN echo pushed > /pushed\n',
  });
  folders.push(folder);
  const name = `${registry}/team/pushed:1`;
  images.push(name);
  const configFolder = path.join(root, 'docker-config');
  fs.mkdirSync(configFolder, { recursive: true });
  fs.writeFileSync(
    path.join(configFolder, 'config.json'),
    JSON.stringify({ auths: { [registry]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } }),
  );

  const result = await runCli(['build', '--workspace-folder', folder, '--image-name', name, '--push', '--log-level', 'trace'], {
    env: { ...process.env, DOCKER_CONFIG: configFolder },
  });
  assert.equal(result.exitCode, 0, result.stderr);
  assert.deepEqual(parseResultLine(result.stdout), { outcome: 'success', imageName: [name] });
  assert.ok(!result.stderr.includes(password), 'the password never reaches the log');

  const response = await fetch(`http://${registry}/v2/team/pushed/tags/list`, {
    headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
  });
  assert.deepEqual(await response.json(), { name: 'team/pushed', tags: ['1'] });
});

test('push without credentials fails clearly', async () => {
  const folder = makeWorkspace({ '.devcontainer/devcontainer.json': JSON.stringify({ image: 'busybox' }) });
  folders.push(folder);
  const name = `${registry}/team/anonymous:1`;
  images.push(name);
  const emptyConfig = path.join(root, 'empty-config');
  fs.mkdirSync(emptyConfig, { recursive: true });
  const result = await runCli(['build', '--workspace-folder', folder, '--image-name', name, '--push'], {
    env: { ...process.env, DOCKER_CONFIG: emptyConfig },
  });
  assert.equal(result.exitCode, 1);
  assert.match(String(parseResultLine(result.stdout).message), new RegExp(`Pushing ${name.replace(/\./g, '\\.')} to ${registry.replace(/\./g, '\\.')} failed`));
});
