import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { docker } from '../support/engine';
import { parseResultLine, runCli } from '../support/cli';
import { makeWorkspace, removeWorkspace } from '../support/workspace';
import { startLoopbackRegistry } from '../support/registry';

/** A loopback docker-registry with htpasswd auth, made for this file. */
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'push-registry-'));
const username = 'pusher';
const password = 'push-secret-4711';
let registry = '';
let stopRegistry: () => void = () => undefined;
const folders: string[] = [];
const images: string[] = [];

before(async () => {
  const started = await startLoopbackRegistry({ folder: root, username, password, realm: 'push-tests' });
  registry = started.address;
  stopRegistry = started.stop;
});

after(async () => {
  stopRegistry();
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
