import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { createLogger, type LogRecord } from '../../../runtime/log';
import { findRegistryCredential, normaliseRegistryKey } from '../../../runtime/oci/credentials';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'oci-credentials-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** Writes a Docker config folder and a fake credential helper that returns a credential for one registry. */
function dockerConfig(name: string, config: unknown): NodeJS.ProcessEnv {
  const folder = path.join(root, name);
  const bin = path.join(folder, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(folder, 'config.json'), JSON.stringify(config));
  fs.writeFileSync(
    path.join(bin, 'docker-credential-fake'),
    '#!/bin/sh\nread host\nif [ "$host" = "helper.example:5000" ]; then\n' +
      '  printf \'{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret-1"}\' "$host"\n' +
      'elif [ "$host" = "token.example" ]; then\n' +
      '  printf \'{"Username":"<token>","Secret":"refresh-token-1"}\'\n' +
      'else\n  echo "credentials not found in native keychain"\n  exit 1\nfi\n',
    { mode: 0o755 },
  );
  return { DOCKER_CONFIG: folder, PATH: `${bin}:${process.env.PATH}`, HOME: folder };
}

function capture() {
  const records: LogRecord[] = [];
  return { logger: createLogger('trace', (record) => records.push(record)), records };
}

test('auths entry with auth field', async () => {
  const env = dockerConfig('auths', {
    auths: { 'http://127.0.0.1:5000/v2/': { auth: Buffer.from('alice:s3cret-pass').toString('base64') } },
  });
  const { logger, records } = capture();
  const credential = await findRegistryCredential('127.0.0.1:5000', { logger, env });
  assert.deepEqual(credential, { kind: 'basic', username: 'alice', password: 's3cret-pass' });
  logger.info('the password is s3cret-pass');
  assert.equal(records.at(-1)?.message, 'the password is ********');
});

test('credHelpers wins over auths', async () => {
  const env = dockerConfig('helpers', {
    auths: { 'helper.example:5000': { auth: Buffer.from('other:other-pass').toString('base64') } },
    credHelpers: { 'helper.example:5000': 'fake' },
  });
  const { logger } = capture();
  assert.deepEqual(await findRegistryCredential('helper.example:5000', { logger, env }), {
    kind: 'basic',
    username: 'helper-user',
    password: 'helper-secret-1',
  });
});

test('credsStore helper with identity token', async () => {
  const env = dockerConfig('store', { credsStore: 'fake' });
  const { logger } = capture();
  assert.deepEqual(await findRegistryCredential('token.example', { logger, env }), { kind: 'identityToken', token: 'refresh-token-1' });
});

test('credsStore helper without entry is anonymous', async () => {
  const env = dockerConfig('store-miss', { credsStore: 'fake' });
  const { logger } = capture();
  assert.equal(await findRegistryCredential('unknown.example', { logger, env }), undefined);
});

test('missing helper program is anonymous', async () => {
  const env = dockerConfig('missing-helper', { credsStore: 'does-not-exist' });
  const { logger } = capture();
  assert.equal(await findRegistryCredential('ghcr.io', { logger, env }), undefined);
});

test('DEVCONTAINERS_OCI_AUTH wins', async () => {
  const env = {
    ...dockerConfig('env', { auths: { 'localhost:5000': { auth: Buffer.from('a:b-pass').toString('base64') } } }),
    DEVCONTAINERS_OCI_AUTH: 'other.example|x|y,localhost:5000|bob|pa|ss',
  };
  const { logger } = capture();
  assert.deepEqual(await findRegistryCredential('localhost:5000', { logger, env }), { kind: 'basic', username: 'bob', password: 'pa|ss' });
});

test('no config file is anonymous', async () => {
  const { logger } = capture();
  assert.equal(await findRegistryCredential('ghcr.io', { logger, env: { DOCKER_CONFIG: path.join(root, 'none') } }), undefined);
});

test('registry keys are normalised', () => {
  assert.equal(normaliseRegistryKey('https://index.docker.io/v1/'), 'index.docker.io');
  assert.equal(normaliseRegistryKey('127.0.0.1:5000'), '127.0.0.1:5000');
  assert.equal(normaliseRegistryKey('HTTP://Localhost:5000/path'), 'localhost:5000');
});

test('GITHUB_TOKEN for ghcr.io without Docker config entry', async () => {
  const env = { ...dockerConfig('github-token', { auths: { 'other.example': { auth: Buffer.from('o:p').toString('base64') } } }), GITHUB_TOKEN: 'ghp_tokenValue123' };
  const { logger, records } = capture();
  assert.deepEqual(await findRegistryCredential('ghcr.io', { logger, env }), { kind: 'basic', username: 'USERNAME', password: 'ghp_tokenValue123' });
  logger.info('sending ghp_tokenValue123');
  assert.equal(records.at(-1)?.message, 'sending ********');
  assert.equal(JSON.stringify(records).includes('ghp_tokenValue123'), false);
});

test('Docker config wins over GITHUB_TOKEN', async () => {
  const env = { ...dockerConfig('github-token-config', { auths: { 'ghcr.io': { auth: Buffer.from('carol:config-pass').toString('base64') } } }), GITHUB_TOKEN: 'ghp_unused' };
  const { logger } = capture();
  assert.deepEqual(await findRegistryCredential('ghcr.io', { logger, env }), { kind: 'basic', username: 'carol', password: 'config-pass' });
});

test('GITHUB_TOKEN only for ghcr.io on github.com', async () => {
  const env = { DOCKER_CONFIG: path.join(root, 'none'), GITHUB_TOKEN: 'ghp_other' };
  const { logger } = capture();
  assert.equal(await findRegistryCredential('registry.example', { logger, env }), undefined);
  assert.equal(await findRegistryCredential('ghcr.io', { logger, env: { ...env, GITHUB_HOST: 'ghe.example.com' } }), undefined);
  assert.deepEqual(await findRegistryCredential('ghcr.io', { logger, env: { ...env, GITHUB_HOST: 'github.com' } }), {
    kind: 'basic',
    username: 'USERNAME',
    password: 'ghp_other',
  });
});
