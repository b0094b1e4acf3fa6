import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigurationError, EnvironmentError } from '../../../runtime/errors';
import { createLogger, type LogRecord } from '../../../runtime/log';
import { RegistryClient } from '../../../runtime/oci/client';
import { authHostAllowlist, checkTokenRealm } from '../../../runtime/oci/realm';
import { parseOciReference } from '../../../runtime/oci/reference';
import { FakeRegistry } from './fakeRegistry';

const none = authHostAllowlist({});

test('same-host https realm gets credentials', () => {
  const check = checkTokenRealm('https://ghcr.io/token', 'ghcr.io', none);
  assert.ok(check.ok);
  assert.equal(check.sendCredentials, true);
});

test('other-host realm gets no credentials', () => {
  const check = checkTokenRealm('https://auth.example.com/token', 'registry.example.com', none);
  assert.ok(check.ok);
  assert.equal(check.sendCredentials, false);
});

test('another port is another host', () => {
  const check = checkTokenRealm('http://127.0.0.1:5001/token', '127.0.0.1:5000', none);
  assert.ok(check.ok);
  assert.equal(check.sendCredentials, false);
});

test('built-in Docker Hub pair', () => {
  const check = checkTokenRealm('https://auth.docker.io/token', 'registry-1.docker.io', none);
  assert.ok(check.ok);
  assert.equal(check.sendCredentials, true);
});

test('allowlist from the environment', () => {
  const allowlist = authHostAllowlist({ DEVCONTAINERS_OCI_AUTH_HOSTS: ' Registry.Example.com=auth.example.com , 127.0.0.1:5000=127.0.0.1:5001' });
  const named = checkTokenRealm('https://auth.example.com/jwt', 'registry.example.com', allowlist);
  assert.ok(named.ok);
  assert.equal(named.sendCredentials, true);
  const loopback = checkTokenRealm('http://127.0.0.1:5001/token', '127.0.0.1:5000', allowlist);
  assert.ok(loopback.ok);
  assert.equal(loopback.sendCredentials, true);
  const otherRegistry = checkTokenRealm('https://auth.example.com/jwt', 'other.example.com', allowlist);
  assert.ok(otherRegistry.ok);
  assert.equal(otherRegistry.sendCredentials, false);
});

test('plain http realm of a remote registry', () => {
  const check = checkTokenRealm('http://registry.example.com/token', 'registry.example.com', none);
  assert.equal(check.ok, false);
  assert.match(check.ok ? '' : check.reason, /http:\/\/registry\.example\.com\/token is not https/);
});

test('plain http realm off loopback for a loopback registry', () => {
  assert.equal(checkTokenRealm('http://auth.example.com/token', '127.0.0.1:5000', none).ok, false);
  assert.equal(checkTokenRealm('http://localhost:5001/token', '127.0.0.1:5000', none).ok, true);
});

test('realm with another scheme or no URL', () => {
  assert.equal(checkTokenRealm('ftp://ghcr.io/token', 'ghcr.io', none).ok, false);
  assert.equal(checkTokenRealm('not a url', 'ghcr.io', none).ok, false);
});

test('invalid allowlist entry', () => {
  for (const value of ['auth.example.com', 'a=b=c', 'registry.example.com=', 'registry.example.com=https://auth.example.com']) {
    assert.throws(
      () => authHostAllowlist({ DEVCONTAINERS_OCI_AUTH_HOSTS: value }),
      (error: Error) => error instanceof ConfigurationError && error.message.includes('DEVCONTAINERS_OCI_AUTH_HOSTS'),
      value,
    );
  }
});

describe('token realm on another host', () => {
  const password = 'realm-Pa55-never-logged';
  const token = 'shared-token-value';
  const tokenServer = new FakeRegistry({ auth: 'bearer', username: 'tester', password, token });
  let registry: FakeRegistry;
  let registryHost = '';
  let tokenHost = '';

  before(async () => {
    tokenHost = await tokenServer.start();
    registry = new FakeRegistry({ auth: 'bearer', realm: `http://${tokenHost}/token`, token });
    registryHost = await registry.start();
  });
  after(async () => {
    await registry.stop();
    await tokenServer.stop();
  });

  function client(extraEnv: NodeJS.ProcessEnv) {
    const records: LogRecord[] = [];
    const env = { DEVCONTAINERS_OCI_AUTH: `${registryHost}|tester|${password}`, DOCKER_CONFIG: '/nonexistent', ...extraEnv };
    return { client: new RegistryClient({ logger: createLogger('trace', (record) => records.push(record)), env }), records };
  }

  test('credentials withheld and failure names the realm', async () => {
    const { client: anonymous, records } = client({});
    const calls = tokenServer.tokenAuthorizations.length;
    const error = await anonymous.fetchManifest(parseOciReference(`${registryHost}/ns/feat:1`)).catch((caught: Error) => caught);
    assert.ok(error instanceof EnvironmentError);
    assert.ok(error.message.includes(`http://${tokenHost}/token returned HTTP 401`), error.message);
    assert.ok(error.message.includes(`"${registryHost}=${tokenHost}" to DEVCONTAINERS_OCI_AUTH_HOSTS`), error.message);
    assert.deepEqual(tokenServer.tokenAuthorizations.slice(calls), [undefined]);
    assert.ok(records.some((record) => record.level === 'warn' && record.message.includes('without the registry')));
    assert.equal(JSON.stringify(records).includes(password), false);
    assert.equal(error.message.includes(password), false);
  });

  test('allowlisted realm gets the credentials', async () => {
    const { client: trusted } = client({ DEVCONTAINERS_OCI_AUTH_HOSTS: `${registryHost}=${tokenHost}` });
    const calls = tokenServer.tokenAuthorizations.length;
    assert.equal(await trusted.fetchManifest(parseOciReference(`${registryHost}/ns/feat:1`)), undefined);
    const sent = tokenServer.tokenAuthorizations.slice(calls);
    assert.equal(sent.length, 1);
    assert.equal(sent[0], `Basic ${Buffer.from(`tester:${password}`).toString('base64')}`);
  });
});

test('insecure realm is rejected before any request', async () => {
  const registry = new FakeRegistry({ auth: 'bearer', realm: 'http://auth.example.com/token' });
  const host = await registry.start();
  try {
    const client = new RegistryClient({ logger: createLogger('error', () => undefined), env: { DOCKER_CONFIG: '/nonexistent' } });
    const error = await client.fetchManifest(parseOciReference(`${host}/ns/feat:1`)).catch((caught: Error) => caught);
    assert.ok(error instanceof EnvironmentError);
    assert.match(error.message, /token realm http:\/\/auth\.example\.com\/token is not https/);
    assert.match(error.message, new RegExp(`registry ${host}`));
  } finally {
    await registry.stop();
  }
});
