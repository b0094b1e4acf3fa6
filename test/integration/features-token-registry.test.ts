import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliPath, parseResultLine, runProcess } from '../support/cli';
import { removeWorkspaceContainers } from '../support/engine';
import { startTokenRegistry, type TokenRegistry } from '../support/tokenRegistry';
import { makeWorkspace, removeWorkspace } from '../support/workspace';

/** The CLI under test: dist/cli.js, or another build named by OPEN_DEVCONTAINERS_CLI. */
const cli = process.env.OPEN_DEVCONTAINERS_CLI ?? cliPath;
const username = 'token-publisher';
const password = `pw-${randomBytes(12).toString('hex')}`;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'features-token-registry-'));
const workspaces: string[] = [];
let registry: TokenRegistry | undefined;
/** Every stdout and stderr the CLI printed, checked for credentials at the end. */
const captured: string[] = [];

function started(): TokenRegistry {
  assert.ok(registry, 'the token registry did not start');
  return registry;
}

/** Writes a Docker config folder whose auths entry contains the registry's credentials. */
function dockerConfig(name: string, secret: string): string {
  const folder = path.join(root, name);
  fs.mkdirSync(folder, { recursive: true });
  const auth = Buffer.from(`${username}:${secret}`).toString('base64');
  fs.writeFileSync(path.join(folder, 'config.json'), JSON.stringify({ auths: { [started().address]: { auth } } }));
  return folder;
}

interface RunOptions {
  secret?: string;
  /** Trusts the token server's host with the registry's credentials. Defaults to true, so only the test of the default sets false. */
  allowTokenHost?: boolean;
}

async function run(args: string[], options: RunOptions = {}) {
  const { address, tokenAddress } = started();
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: dockerConfig(`config-${options.secret ?? 'good'}`, options.secret ?? password), XDG_CACHE_HOME: path.join(root, 'cache') };
  delete env.DEVCONTAINERS_OCI_AUTH;
  delete env.DEVCONTAINERS_OCI_AUTH_HOSTS;
  if (options.allowTokenHost !== false) env.DEVCONTAINERS_OCI_AUTH_HOSTS = `${address}=${tokenAddress}`;
  const result = await runProcess(process.execPath, [cli, ...args], { env, timeoutMs: 300_000 });
  captured.push(result.stdout, result.stderr);
  return result;
}

function publish(options: RunOptions = {}) {
  return run(['features', 'publish', path.join(root, 'collection', 'src'), '--registry', started().address, '--namespace', 'team/features'], options);
}

before(async () => {
  const folder = path.join(root, 'collection', 'src', 'stamp');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'devcontainer-feature.json'), JSON.stringify({ id: 'stamp', name: 'Stamp', version: '1.0.0', options: { mark: { type: 'string', default: 'plain' } } }));
  fs.writeFileSync(path.join(folder, 'install.sh'), '#!/bin/sh\nset -e\necho "stamped $MARK" > /opt/stamp.txt\n', { mode: 0o755 });
  const registryFolder = path.join(root, 'registry');
  fs.mkdirSync(registryFolder);
  registry = await startTokenRegistry({ folder: registryFolder, username, password });
});

after(async () => {
  for (const folder of workspaces) {
    await removeWorkspaceContainers(folder);
    removeWorkspace(folder);
  }
  registry?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('Features through a token-auth registry', () => {
  test('token host off the allowlist gets no credentials', async () => {
    const { address, tokenAddress, tokenRequests } = started();
    const before = tokenRequests.length;
    const result = await publish({ allowTokenHost: false });
    assert.notEqual(result.exitCode, 0);
    const message = String(parseResultLine(result.stdout).message);
    assert.ok(message.includes(`token realm http://${tokenAddress}/token returned HTTP 401`), message);
    assert.ok(message.includes(`"${address}=${tokenAddress}" to DEVCONTAINERS_OCI_AUTH_HOSTS`), message);
    const sent = tokenRequests.slice(before);
    assert.ok(sent.length > 0);
    assert.equal(sent.some((request) => request.authenticated), false);
  });

  test('publish with credentials from the Docker config', async () => {
    const { tokenRequests } = started();
    const before = tokenRequests.length;
    const result = await publish();
    assert.equal(result.exitCode, 0, result.stderr);
    const published = parseResultLine(result.stdout) as Record<string, { publishedTags: string[] }>;
    assert.deepEqual(published.stamp.publishedTags, ['1', '1.0', '1.0.0', 'latest']);
    const sent = tokenRequests.slice(before);
    assert.ok(sent.every((request) => request.authenticated));
    // A push scope lists its actions in no fixed order.
    const pushScope = (scope: string) => scope.startsWith('repository:team/features/stamp:') && scope.includes('push') && scope.includes('pull');
    assert.ok(sent.some((request) => request.scopes.some(pushScope)), JSON.stringify(sent));
  });

  test('up installs the Feature from the registry', async () => {
    const folder = makeWorkspace({
      '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', features: { [`${started().address}/team/features/stamp:1`]: { mark: 'by-token' } } }),
    });
    workspaces.push(folder);
    const up = await run(['up', '--workspace-folder', folder]);
    assert.equal(up.exitCode, 0, up.stderr);
    const exec = await run(['exec', '--workspace-folder', folder, 'cat', '/opt/stamp.txt']);
    assert.equal(exec.stdout, 'stamped by-token\n');
  });

  test('wrong password names registry, reference and status', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const { address } = started();
    const folder = makeWorkspace({
      '.devcontainer/devcontainer.json': JSON.stringify({ image: 'debian:bookworm', features: { [`${address}/team/features/stamp:1`]: {} } }),
    });
    workspaces.push(folder);
    const result = await run(['up', '--workspace-folder', folder, '--log-level', 'trace'], { secret: wrong });
    assert.notEqual(result.exitCode, 0);
    const message = String(parseResultLine(result.stdout).message);
    assert.ok(message.includes(`${address}/team/features/stamp:1`), message);
    assert.ok(message.includes(`registry ${address}`), message);
    assert.match(message, /HTTP 401/);
    for (const text of [result.stdout, result.stderr]) {
      assert.equal(text.includes(wrong), false);
      assert.equal(text.includes(Buffer.from(`${username}:${wrong}`).toString('base64')), false);
    }
  });

  test('no captured output contains the password', () => {
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    assert.ok(captured.length > 0);
    for (const text of captured) {
      assert.equal(text.includes(password), false);
      assert.equal(text.includes(basic), false);
    }
  });
});
