import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { buildLockfile, lockfilePath, readLockfile, saveLockfile } from '../../../runtime/features/lockfile';
import type { FeatureNode } from '../../../runtime/features/types';
import { parseOciReference } from '../../../runtime/oci/reference';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lockfile-test-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const digest = `sha256:${'b'.repeat(64)}`;
const nodes: FeatureNode[] = [
  {
    userId: 'ghcr.io/x/f/go:1',
    source: { kind: 'oci', reference: parseOciReference('ghcr.io/x/f/go:1') },
    options: {},
    manifest: { id: 'go', version: '1.3.0', dependsOn: { 'ghcr.io/x/f/common:2': {} } },
    folder: '/cache/go',
    digest,
    resolved: `ghcr.io/x/f/go@${digest}`,
    dependsOn: [],
    installsAfter: [],
    roundPriority: 0,
  },
  {
    userId: './local',
    source: { kind: 'local', folder: '/ws/local' },
    options: {},
    manifest: { id: 'local' },
    folder: '/ws/local',
    dependsOn: [],
    installsAfter: [],
    roundPriority: 0,
  },
];

test('lockfile lists OCI and tarball Features only', () => {
  assert.deepEqual(buildLockfile(nodes), {
    features: { 'ghcr.io/x/f/go:1': { version: '1.3.0', resolved: `ghcr.io/x/f/go@${digest}`, integrity: digest, dependsOn: ['ghcr.io/x/f/common:2'] } },
  });
});

test('lockfile path follows the config name', () => {
  assert.equal(lockfilePath('/ws/.devcontainer/devcontainer.json'), '/ws/.devcontainer/devcontainer-lock.json');
  assert.equal(lockfilePath('/ws/.devcontainer.json'), '/ws/.devcontainer-lock.json');
});

test('save, read, frozen and off modes', async () => {
  const configFile = path.join(root, 'devcontainer.json');
  const lockfile = buildLockfile(nodes);
  await assert.rejects(saveLockfile(configFile, lockfile, 'frozen'), /does not exist/);
  assert.equal(await saveLockfile(configFile, lockfile, 'off'), false);
  assert.equal(fs.existsSync(lockfilePath(configFile)), false);
  assert.equal(await saveLockfile(configFile, lockfile, 'update'), true);
  assert.deepEqual(await readLockfile(configFile), lockfile);
  assert.equal(await saveLockfile(configFile, lockfile, 'frozen'), false);
  await assert.rejects(saveLockfile(configFile, { features: {} }, 'frozen'), /does not match/);
});

test('no lockfile is written for local Features only', async () => {
  const configFile = path.join(root, 'local-only', 'devcontainer.json');
  fs.mkdirSync(path.dirname(configFile));
  assert.equal(await saveLockfile(configFile, { features: {} }, 'update'), false);
  assert.equal(fs.existsSync(lockfilePath(configFile)), false);
});

test('invalid lockfile is a configuration error', async () => {
  const configFile = path.join(root, 'bad', 'devcontainer.json');
  fs.mkdirSync(path.dirname(configFile));
  fs.writeFileSync(lockfilePath(configFile), '{"nope": 1}');
  await assert.rejects(readLockfile(configFile), { name: 'ConfigurationError', message: /not a valid lockfile/ });
});

test('frozen advice for local Features only', async () => {
  const configFile = path.join(root, 'frozen-local', 'devcontainer.json');
  fs.mkdirSync(path.dirname(configFile));
  await assert.rejects(saveLockfile(configFile, { features: {} }, 'frozen'), (error: Error) => {
    assert.match(error.message, /are all local folders, which the lockfile does not record/);
    assert.match(error.message, /Drop --frozen-lockfile, or create .*devcontainer-lock\.json containing \{"features": \{\}\}/);
    return true;
  });
  await assert.rejects(saveLockfile(configFile, buildLockfile(nodes), 'frozen'), /Run once without --frozen-lockfile to write it/);
});

test('frozen mismatch lists the changes', async () => {
  const configFile = path.join(root, 'frozen-changes', 'devcontainer.json');
  fs.mkdirSync(path.dirname(configFile));
  const recorded = {
    features: {
      'ghcr.io/x/f/go:1': { version: '1.2.0', resolved: `ghcr.io/x/f/go@sha256:${'a'.repeat(64)}`, integrity: `sha256:${'a'.repeat(64)}` },
      'ghcr.io/x/f/old:1': { version: '1.0.0', resolved: `ghcr.io/x/f/old@${digest}`, integrity: digest },
    },
  };
  fs.writeFileSync(lockfilePath(configFile), JSON.stringify(recorded));
  const next = buildLockfile(nodes);
  next.features['ghcr.io/x/f/new:1'] = { version: '3.0.0', resolved: `ghcr.io/x/f/new@${digest}`, integrity: digest };
  await assert.rejects(saveLockfile(configFile, next, 'frozen'), (error: Error) => {
    assert.match(error.message, /ghcr\.io\/x\/f\/go:1 resolves to 1\.3\.0, the lockfile records 1\.2\.0/);
    assert.match(error.message, /ghcr\.io\/x\/f\/new:1 is not in the lockfile/);
    assert.match(error.message, /ghcr\.io\/x\/f\/old:1 is in the lockfile but no longer used/);
    assert.match(error.message, /run once without --frozen-lockfile to update the lockfile/);
    return true;
  });
});
