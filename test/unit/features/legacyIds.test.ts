import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as tar from 'tar-stream';
import { ConfigurationError, EnvironmentError } from '../../../runtime/errors';
import { FeatureFetcher, mappedSourceFailure } from '../../../runtime/features/fetch';
import { gitHubReleaseUrls, mapLegacyFeatureId, parseGitHubReleaseId } from '../../../runtime/features/legacyIds';
import { parseFeatureSource } from '../../../runtime/features/source';
import { createLogger, type LogRecord } from '../../../runtime/log';
import type { RegistryClient } from '../../../runtime/oci/client';
import type { OciReference } from '../../../runtime/oci/reference';

const context = { configFile: '/ws/.devcontainer/devcontainer.json', jsonPath: 'features.x' };

test('legacy ids keep their name', () => {
  for (const id of ['node', 'docker-in-docker', 'github-cli', 'terraform', 'sshd']) {
    assert.deepEqual(mapLegacyFeatureId(id), { kind: 'mapped', reference: `ghcr.io/devcontainers/features/${id}:1` });
  }
});

test('renamed legacy ids', () => {
  assert.deepEqual(mapLegacyFeatureId('golang'), { kind: 'mapped', reference: 'ghcr.io/devcontainers/features/go:1' });
  assert.deepEqual(mapLegacyFeatureId('common'), { kind: 'mapped', reference: 'ghcr.io/devcontainers/features/common-utils:1' });
});

test('merged legacy ids and unknown ids', () => {
  assert.deepEqual(mapLegacyFeatureId('maven'), { kind: 'merged', into: 'java', reference: 'ghcr.io/devcontainers/features/java:1' });
  assert.deepEqual(mapLegacyFeatureId('jupyterlab'), { kind: 'merged', into: 'python', reference: 'ghcr.io/devcontainers/features/python:1' });
  assert.equal(mapLegacyFeatureId('go'), undefined);
  assert.equal(mapLegacyFeatureId('node:1'), undefined);
});

test('GitHub release shorthand with version', () => {
  const id = parseGitHubReleaseId('octo-org/my.features/hello_world@v1.2.0');
  assert.deepEqual(id, { owner: 'octo-org', repo: 'my.features', feature: 'hello_world', version: 'v1.2.0' });
  assert.deepEqual(gitHubReleaseUrls(id), [
    'https://github.com/octo-org/my.features/releases/download/v1.2.0/devcontainer-feature-hello_world.tgz',
    'https://github.com/octo-org/my.features/releases/download/v1.2.0/hello_world.tgz',
  ]);
});

test('GitHub release shorthand without version', () => {
  const id = parseGitHubReleaseId('owner/repo/tool');
  assert.deepEqual(id, { owner: 'owner', repo: 'repo', feature: 'tool', version: 'latest' });
  assert.equal(gitHubReleaseUrls(id)[0], 'https://github.com/owner/repo/releases/latest/download/devcontainer-feature-tool.tgz');
});

test('OCI references are not GitHub shorthand', () => {
  assert.equal(parseGitHubReleaseId('ghcr.io/devcontainers/features/go:1'), undefined);
  assert.equal(parseGitHubReleaseId('ghcr.io/owner/go'), undefined);
  assert.equal(parseGitHubReleaseId('127.0.0.1:5000/team/go'), undefined);
  assert.equal(parseGitHubReleaseId('localhost/team/go'), undefined);
  assert.equal(parseGitHubReleaseId(`owner/repo/go@sha256:${'a'.repeat(64)}`), undefined);
  assert.equal(parseGitHubReleaseId('owner/repo/go@1@2'), undefined);
  assert.equal(parseGitHubReleaseId('owner/repo/go@'), undefined);
  assert.equal(parseGitHubReleaseId('owner/repo'), undefined);
});

test('source of a legacy id', () => {
  const source = parseFeatureSource('golang', context);
  assert.equal(source.kind, 'oci');
  assert.equal(source.kind === 'oci' && source.mappedFrom, 'legacyId');
  assert.equal(source.kind === 'oci' && source.reference.resource, 'ghcr.io/devcontainers/features/go');
  assert.equal(source.kind === 'oci' && source.reference.tag, '1');
});

test('source of a GitHub release id', () => {
  assert.deepEqual(parseFeatureSource('owner/repo/tool@1.0.0', context), {
    kind: 'tarball',
    url: 'https://github.com/owner/repo/releases/download/1.0.0/devcontainer-feature-tool.tgz',
    alternateUrls: ['https://github.com/owner/repo/releases/download/1.0.0/tool.tgz'],
    mappedFrom: 'githubRelease',
  });
});

test('source of OCI references is unchanged', () => {
  const source = parseFeatureSource('ghcr.io/devcontainers/features/node:1', context);
  assert.equal(source.kind === 'oci' && source.mappedFrom, undefined);
});

test('merged legacy id is a configuration error', () => {
  assert.throws(
    () => parseFeatureSource('maven', context),
    (error: Error) =>
      error instanceof ConfigurationError &&
      /"maven"/.test(error.message) &&
      /ghcr\.io\/devcontainers\/features\/java:1/.test(error.message) &&
      error.location?.jsonPath === 'features.x',
  );
});

test('unknown bare id names the fix', () => {
  assert.throws(() => parseFeatureSource('go', context), /"go".*not a valid reference.*ghcr\.io\/devcontainers\/features\/go:1/s);
});

test('GitHub release fetch failure names id, URL and fix', () => {
  const url = 'https://github.com/owner/repo/releases/download/1.0.0/devcontainer-feature-tool.tgz';
  const cause = new EnvironmentError(`Downloading Feature ${url} failed: getaddrinfo ENOTFOUND github.com. Check the URL and the network.`, { objectId: url });
  const error = mappedSourceFailure('owner/repo/tool@1.0.0', { kind: 'tarball', url, mappedFrom: 'githubRelease' }, cause);
  assert.match(error.message, /Fetching Feature "owner\/repo\/tool@1\.0\.0" failed/);
  assert.ok(error.message.includes(url));
  assert.match(error.message, /ENOTFOUND/);
  assert.match(error.message, /publish the Feature to an OCI registry/);
  assert.equal(error.details.objectId, 'owner/repo/tool@1.0.0');
  assert.equal(error.cause, cause);
});

test('legacy id fetch failure names id, URL and fix', async () => {
  const records: LogRecord[] = [];
  const unreachable = new EnvironmentError('Registry request failed while fetching the manifest for ghcr.io/devcontainers/features/node:1 at registry ghcr.io: the registry could not be reached (ENOTFOUND).', { status: undefined });
  // The registry is replaced by a stub, so the test sends no request off this machine.
  const registry = { fetchManifest: async (_reference: OciReference) => Promise.reject(unreachable) } as unknown as RegistryClient;
  const fetcher = new FeatureFetcher({ logger: createLogger('trace', (record) => records.push(record)), registry, cacheFolder: '/nonexistent' });
  const source = parseFeatureSource('node', context);
  const error = await fetcher.fetch({ userId: 'node', source, options: {} }).catch((caught: Error) => caught);
  assert.ok(error instanceof EnvironmentError);
  assert.match(error.message, /Fetching Feature "node" failed/);
  assert.ok(error.message.includes('https://ghcr.io/v2/devcontainers/features/node/manifests/1'), error.message);
  assert.match(error.message, /Write "ghcr\.io\/devcontainers\/features\/node:1" in devcontainer\.json/);
  assert.equal(error.cause, unreachable);
  assert.ok(records.some((record) => record.level === 'warn' && record.message.includes('deprecated id form')));
});

/** Packs a Feature with the given id into a tar archive in memory. */
async function featureArchive(id: string): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: './devcontainer-feature.json' }, JSON.stringify({ id, version: '1.0.0' }));
  pack.entry({ name: './install.sh', mode: 0o755 }, '#!/bin/sh\n');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

test('tarball alternate URL after a 404', async () => {
  const archive = await featureArchive('tool');
  const requested: string[] = [];
  const server = http.createServer((request, response) => {
    requested.push(request.url ?? '');
    if (request.url === '/second/tool.tgz') response.writeHead(200).end(archive);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cacheFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'legacy-ids-cache-'));
  try {
    const fetcher = new FeatureFetcher({ logger: createLogger('error', () => undefined), cacheFolder, env: {} });
    const source = { kind: 'tarball' as const, url: `${base}/first/devcontainer-feature-tool.tgz`, alternateUrls: [`${base}/second/tool.tgz`], mappedFrom: 'githubRelease' as const };
    const fetched = await fetcher.fetch({ userId: 'owner/repo/tool@1.0.0', source, options: {} });
    assert.equal(fetched.manifest.id, 'tool');
    assert.equal(fetched.resolved, `${base}/second/tool.tgz`);
    assert.deepEqual(requested, ['/first/devcontainer-feature-tool.tgz', '/second/tool.tgz']);

    const missing = { ...source, alternateUrls: [`${base}/third/tool.tgz`] };
    const error = await fetcher.fetch({ userId: 'owner/repo/tool@2.0.0', source: missing, options: {} }).catch((caught: Error) => caught);
    assert.ok(error instanceof EnvironmentError);
    assert.ok(error.message.includes(`${base}/first/devcontainer-feature-tool.tgz, then ${base}/third/tool.tgz`), error.message);
    assert.match(error.message, /HTTP 404/);
    assert.equal(error.details.objectId, 'owner/repo/tool@2.0.0');
  } finally {
    server.close();
    fs.rmSync(cacheFolder, { recursive: true, force: true });
  }
});
