import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatOciReference, parseOciReference, registryScheme } from '../../../runtime/oci/reference';

test('reference with tag', () => {
  const reference = parseOciReference('ghcr.io/devcontainers/features/go:1.2');
  assert.equal(reference.registry, 'ghcr.io');
  assert.equal(reference.namespace, 'devcontainers/features');
  assert.equal(reference.id, 'go');
  assert.equal(reference.path, 'devcontainers/features/go');
  assert.equal(reference.resource, 'ghcr.io/devcontainers/features/go');
  assert.equal(reference.tag, '1.2');
  assert.equal(reference.digest, undefined);
});

test('reference defaults to latest', () => {
  const reference = parseOciReference('127.0.0.1:5000/team/feature');
  assert.equal(reference.registry, '127.0.0.1:5000');
  assert.equal(reference.tag, 'latest');
  assert.equal(formatOciReference(reference), '127.0.0.1:5000/team/feature:latest');
});

test('reference with digest', () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const reference = parseOciReference(`localhost:5000/ns/feat@${digest}`);
  assert.equal(reference.digest, digest);
  assert.equal(reference.tag, undefined);
  assert.equal(formatOciReference(reference), `localhost:5000/ns/feat@${digest}`);
});

test('reference is lower-cased', () => {
  assert.equal(parseOciReference('GHCR.io/Owner/Repo/Go:1').resource, 'ghcr.io/owner/repo/go');
});

test('invalid references are rejected', () => {
  for (const input of ['go', 'owner/go', './local', 'ghcr.io/ns/go@sha256:short', 'ghcr.io/ns/Go Feature:1', 'ghcr.io//go:1']) {
    assert.throws(() => parseOciReference(input), { name: 'InvalidReferenceError' }, input);
  }
});

test('loopback registries use http', () => {
  assert.equal(registryScheme('127.0.0.1:5000'), 'http');
  assert.equal(registryScheme('localhost'), 'http');
  assert.equal(registryScheme('[::1]:5000'), 'http');
  assert.equal(registryScheme('ghcr.io'), 'https');
  assert.equal(registryScheme('127.example.com'), 'https');
});
