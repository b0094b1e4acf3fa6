import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { assertUniqueIds } from '../../../runtime/features/package';
import { checkPublishableVersion, publishFeatures, semanticTags } from '../../../runtime/features/publish';
import { createLogger } from '../../../runtime/log';
import { FakeRegistry } from '../oci/fakeRegistry';

test('first version gets every tag', () => {
  assert.deepEqual(semanticTags('1.0.0', []), ['1', '1.0', '1.0.0', 'latest']);
});

test('published version is skipped', () => {
  assert.equal(semanticTags('1.0.0', ['1.0.0', '1', 'latest']), undefined);
});

test('older patch moves only its minor', () => {
  assert.deepEqual(semanticTags('1.0.1', ['1.0.0', '1.1.0', '1', '1.0', '1.1', 'latest']), ['1.0', '1.0.1']);
});

test('older major keeps latest', () => {
  assert.deepEqual(semanticTags('1.5.0', ['2.0.0', '1.4.0']), ['1', '1.5', '1.5.0']);
});

test('invalid version is rejected', () => {
  assert.throws(() => semanticTags('one', []), /not a semantic version/);
});

test('prerelease gets only its own tag', () => {
  assert.deepEqual(semanticTags('2.0.0-beta.1', ['1.0.0', '1', '1.0', 'latest']), ['2.0.0-beta.1']);
  assert.deepEqual(semanticTags('1.0.1-rc.1', ['1.0.0']), ['1.0.1-rc.1']);
});

test('release after a prerelease moves every tag', () => {
  assert.deepEqual(semanticTags('2.0.0', ['1.0.0', '2.0.0-beta.1']), ['2', '2.0', '2.0.0', 'latest']);
});

test('build metadata version cannot be a tag', () => {
  assert.throws(
    () => checkPublishableVersion({ id: 'hello', version: '1.0.0+build.5' }, '/src/hello/devcontainer-feature.json'),
    (error: Error) => {
      assert.equal(error.name, 'ConfigurationError');
      assert.match(error.message, /Version "1\.0\.0\+build\.5" of Feature hello in \/src\/hello\/devcontainer-feature\.json cannot be an OCI tag/);
      assert.match(error.message, /remove it/);
      return true;
    },
  );
});

test('publishable versions pass the check', () => {
  for (const version of ['1.0.0', '2.0.0-beta.1', '0.1.0-rc.1.x-y']) {
    assert.doesNotThrow(() => checkPublishableVersion({ id: 'hello', version }, 'file'));
  }
});

test('missing or invalid version is rejected', () => {
  assert.throws(() => checkPublishableVersion({ id: 'hello' }, 'file'), /Version "" of Feature hello in file is not a semantic version/);
  assert.throws(() => checkPublishableVersion({ id: 'hello', version: '1.0' }, 'file'), /not a semantic version/);
});

test('duplicate ids name both folders', () => {
  const sources = [
    { folder: '/c/src/a', manifest: { id: 'same', version: '1.0.0' } },
    { folder: '/c/src/b', manifest: { id: 'same', version: '2.0.0' } },
  ];
  assert.throws(() => assertUniqueIds(sources), /Feature id "same" is used by both \/c\/src\/a\/devcontainer-feature\.json and \/c\/src\/b\/devcontainer-feature\.json/);
});

test('legacy id clashing with another id is rejected', () => {
  const sources = [
    { folder: '/c/src/old', manifest: { id: 'old' } },
    { folder: '/c/src/new', manifest: { id: 'new', legacyIds: ['old'] } },
  ];
  assert.throws(() => assertUniqueIds(sources), /Feature id "old" is used by both/);
  assert.doesNotThrow(() => assertUniqueIds([{ folder: '/c/src/new', manifest: { id: 'new', legacyIds: ['new', 'older'] } }]));
});

test('exact version tag is pushed first', async () => {
  const registry = new FakeRegistry({ auth: 'none' });
  const host = await registry.start();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-order-'));
  try {
    fs.writeFileSync(path.join(folder, 'devcontainer-feature.json'), JSON.stringify({ id: 'tool', version: '1.2.3', name: 'Tool' }));
    fs.writeFileSync(path.join(folder, 'install.sh'), '#!/bin/sh\n', { mode: 0o755 });
    const result = await publishFeatures({ target: folder, registry: host, namespace: 'team/features', logger: createLogger('error', () => undefined) });
    assert.deepEqual((result.tool as { publishedTags: string[] }).publishedTags, ['1', '1.2', '1.2.3', 'latest']);
    const pushes = registry.requests.filter((request) => request.startsWith('PUT /v2/team/features/tool/manifests/'));
    assert.deepEqual(
      pushes.map((request) => request.split('/').pop()),
      ['1.2.3', '1', '1.2', 'latest'],
    );
  } finally {
    await registry.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
