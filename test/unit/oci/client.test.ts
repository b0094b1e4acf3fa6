import * as assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger, type LogRecord } from '../../../runtime/log';
import { RegistryClient } from '../../../runtime/oci/client';
import { buildArtifactManifest, mediaTypes, sha256Digest } from '../../../runtime/oci/manifest';
import { parseOciReference } from '../../../runtime/oci/reference';
import { FakeRegistry } from './fakeRegistry';

const password = 'Pa55-word-never-logged';

function clientFor(host: string, auth: string) {
  const records: LogRecord[] = [];
  const logger = createLogger('trace', (record) => records.push(record));
  const client = new RegistryClient({ logger, env: { DEVCONTAINERS_OCI_AUTH: `${host}|tester|${auth}`, DOCKER_CONFIG: '/nonexistent' } });
  return { client, records };
}

async function publish(client: RegistryClient, reference: string, layer: Buffer, tags: string[]) {
  const parsed = parseOciReference(reference);
  const { bytes, digest } = buildArtifactManifest({ layer, layerMediaType: mediaTypes.featureLayer, layerTitle: 'devcontainer-feature-x.tgz' });
  await client.uploadBlob(parsed, Buffer.from('{}'));
  await client.uploadBlob(parsed, layer);
  for (const tag of tags) await client.putManifest(parsed, tag, bytes);
  return digest;
}

for (const auth of ['bearer', 'basic'] as const) {
  describe(`registry client with ${auth} auth`, () => {
    const registry = new FakeRegistry({ auth, username: 'tester', password, tagsPerPage: 2 });
    let host = '';
    before(async () => {
      host = await registry.start();
    });
    after(() => registry.stop());

    test('push then pull round trip', async () => {
      const { client, records } = clientFor(host, password);
      const layer = Buffer.from('feature archive bytes');
      const digest = await publish(client, `${host}/ns/feat:1.0.0`, layer, ['1', '1.0', '1.0.0', 'latest']);

      const fetched = await client.fetchManifest(parseOciReference(`${host}/ns/feat:1`));
      assert.ok(fetched);
      assert.equal(fetched.digest, digest);
      assert.equal(fetched.manifest.layers[0].digest, sha256Digest(layer));
      const blob = await client.fetchBlob(parseOciReference(`${host}/ns/feat:1`), fetched.manifest.layers[0].digest);
      assert.deepEqual(blob, layer);

      const byDigest = await client.fetchManifest(parseOciReference(`${host}/ns/feat@${digest}`));
      assert.equal(byDigest?.digest, digest);
      assert.equal(records.some((record) => record.message.includes(password)), false);
    });

    test('tags list follows pagination', async () => {
      const { client } = clientFor(host, password);
      const tags = await client.listTags(parseOciReference(`${host}/ns/feat:1`));
      assert.deepEqual(tags.sort(), ['1', '1.0', '1.0.0', 'latest']);
    });

    test('missing manifest is undefined', async () => {
      const { client } = clientFor(host, password);
      assert.equal(await client.fetchManifest(parseOciReference(`${host}/ns/feat:9`)), undefined);
    });

    test('blob exists check', async () => {
      const { client } = clientFor(host, password);
      const reference = parseOciReference(`${host}/ns/feat:1`);
      assert.equal(await client.blobExists(reference, sha256Digest(Buffer.from('{}'))), true);
      assert.equal(await client.blobExists(reference, sha256Digest(Buffer.from('nothing'))), false);
    });

    test('wrong password names reference, registry and status', async () => {
      const { client, records } = clientFor(host, 'wrong-password-value');
      const error = await client.fetchManifest(parseOciReference(`${host}/ns/feat:1`)).catch((caught: Error) => caught);
      assert.ok(error instanceof Error);
      assert.match(error.message, new RegExp(`${host}/ns/feat:1`));
      assert.match(error.message, new RegExp(`registry ${host}`));
      assert.match(error.message, /HTTP 401/);
      assert.equal(error.message.includes('wrong-password-value'), false);
      assert.equal(JSON.stringify(records).includes('wrong-password-value'), false);
    });

    test('no credentials is an authentication error', async () => {
      const client = new RegistryClient({ logger: createLogger('error', () => undefined), env: { DOCKER_CONFIG: '/nonexistent' } });
      await assert.rejects(client.fetchManifest(parseOciReference(`${host}/ns/feat:1`)), /HTTP 401.*Log in to/);
    });
  });
}

test('unreachable registry names the registry', async () => {
  const client = new RegistryClient({ logger: createLogger('error', () => undefined), env: { DOCKER_CONFIG: '/nonexistent' } });
  await assert.rejects(client.fetchManifest(parseOciReference('127.0.0.1:9/ns/feat:1')), /registry 127\.0\.0\.1:9.*could not be reached/);
});

test('corrupt blob is rejected', async () => {
  const registry = new FakeRegistry({ auth: 'none' });
  const host = await registry.start();
  try {
    const digest = sha256Digest(Buffer.from('real'));
    registry.blobs.set(digest, Buffer.from('tampered'));
    const client = new RegistryClient({ logger: createLogger('error', () => undefined), env: {} });
    await assert.rejects(client.fetchBlob(parseOciReference(`${host}/ns/feat:1`), digest), /corrupt or was replaced/);
  } finally {
    await registry.stop();
  }
});
