import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { basicAuthorization, parseAuthChallenge } from '../../../runtime/oci/auth';

test('bearer challenge parameters', () => {
  const challenge = parseAuthChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"');
  assert.deepEqual(challenge, {
    scheme: 'bearer',
    realm: 'https://auth.example/token',
    service: 'registry.example',
    scope: 'repository:a/b:pull',
  });
});

test('basic challenge', () => {
  assert.deepEqual(parseAuthChallenge('Basic realm="Registry Realm"'), {
    scheme: 'basic',
    realm: 'Registry Realm',
    service: undefined,
    scope: undefined,
  });
});

test('unknown or missing challenge', () => {
  assert.equal(parseAuthChallenge(null), undefined);
  assert.equal(parseAuthChallenge('Negotiate abc'), undefined);
});

test('basic authorization header', () => {
  assert.equal(basicAuthorization('user', 'pa:ss'), `Basic ${Buffer.from('user:pa:ss').toString('base64')}`);
});
