import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { connectEngine } from '../../../runtime/engine/client';
import { resolveEngineEndpoint, unixSocketPathOf } from '../../../runtime/engine/endpoint';
import { socketPathOf } from '../../../runtime/fast/engine';
import { silentLogger } from '../../../runtime/log';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-endpoint-'));
after(() => fs.rmSync(home, { recursive: true, force: true }));

/** Writes a docker CLI context the way `docker context create NAME --docker host=HOST` stores it. */
function writeContext(configFolder: string, name: string, host: string): void {
  const folder = path.join(configFolder, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
}

const dockerConfig = path.join(home, '.docker');
writeContext(dockerConfig, 'remote', 'unix:///run/remote.sock');
writeContext(dockerConfig, 'current', 'unix:///run/current.sock');
// Docker Desktop's socket: its existence alone must not select it.
fs.mkdirSync(path.join(dockerConfig, 'run'), { recursive: true });
fs.writeFileSync(path.join(dockerConfig, 'run', 'docker.sock'), '');

test('endpoint defaults to the system socket', () => {
  const endpoint = resolveEngineEndpoint({ HOME: home });
  assert.equal(endpoint.host, 'unix:///var/run/docker.sock');
  assert.equal(endpoint.source, 'default');
});

test('endpoint follows DOCKER_HOST before contexts', () => {
  const endpoint = resolveEngineEndpoint({ HOME: home, DOCKER_HOST: 'tcp://127.0.0.1:2375', DOCKER_CONTEXT: 'remote' });
  assert.equal(endpoint.host, 'tcp://127.0.0.1:2375');
  assert.equal(endpoint.source, 'DOCKER_HOST');
});

test('endpoint follows DOCKER_CONTEXT', () => {
  const endpoint = resolveEngineEndpoint({ HOME: home, DOCKER_CONTEXT: 'remote' });
  assert.equal(endpoint.host, 'unix:///run/remote.sock');
  assert.equal(endpoint.source, 'context remote');
  assert.equal(resolveEngineEndpoint({ HOME: home, DOCKER_CONTEXT: 'default' }).host, 'unix:///var/run/docker.sock');
});

test('endpoint follows currentContext of config.json', () => {
  const configFolder = path.join(home, 'other-config');
  writeContext(configFolder, 'current', 'unix:///run/current.sock');
  fs.writeFileSync(path.join(configFolder, 'config.json'), JSON.stringify({ currentContext: 'current' }));
  assert.equal(resolveEngineEndpoint({ HOME: home, DOCKER_CONFIG: configFolder }).host, 'unix:///run/current.sock');
  // DOCKER_CONTEXT wins over the configured context.
  writeContext(configFolder, 'remote', 'unix:///run/remote.sock');
  assert.equal(resolveEngineEndpoint({ HOME: home, DOCKER_CONFIG: configFolder, DOCKER_CONTEXT: 'remote' }).host, 'unix:///run/remote.sock');
});

test('missing context raises with its name', () => {
  assert.throws(() => resolveEngineEndpoint({ HOME: home, DOCKER_CONTEXT: 'absent' }), /Docker context "absent" not found/);
});

test('unix socket path of endpoints', () => {
  assert.equal(unixSocketPathOf('unix:///var/run/docker.sock'), '/var/run/docker.sock');
  assert.equal(unixSocketPathOf('unix://relative.sock'), undefined);
  assert.equal(unixSocketPathOf('tcp://127.0.0.1:2375'), undefined);
});

test('warm and full paths choose one socket', async () => {
  for (const env of [{ HOME: home }, { HOME: home, DOCKER_CONTEXT: 'remote' }]) {
    const engine = await connectEngine({ logger: silentLogger(), env });
    const modemSocket = (engine.docker.modem as unknown as { socketPath: string }).socketPath;
    assert.equal(modemSocket, socketPathOf(env), JSON.stringify(env));
    assert.equal(engine.endpoint, `unix://${modemSocket}`);
  }
  assert.equal(socketPathOf({ HOME: home, DOCKER_CONTEXT: 'absent' }), undefined);
});
