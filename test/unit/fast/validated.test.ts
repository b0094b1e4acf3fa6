import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { recordedDevcontainerId, recordValidConfig } from '../../../runtime/fast/validated';

const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'fast-validated-'));
const previous = process.env.XDG_CACHE_HOME;
process.env.XDG_CACHE_HOME = cacheHome;
after(() => {
  process.env.XDG_CACHE_HOME = previous;
  fs.rmSync(cacheHome, { recursive: true, force: true });
});

const workspaceFolder = '/w';
const configFile = '/w/.devcontainer/devcontainer.json';

test('validation record matches the same configuration only', async () => {
  const raw = { image: 'debian:bookworm', remoteEnv: { A: '1' } };
  assert.equal(recordedDevcontainerId(workspaceFolder, configFile, raw), undefined);

  await recordValidConfig({ workspaceFolder, configFile, devcontainerId: 'id-1', raw });
  assert.equal(recordedDevcontainerId(workspaceFolder, configFile, { image: 'debian:bookworm', remoteEnv: { A: '1' } }), 'id-1');
  assert.equal(recordedDevcontainerId(workspaceFolder, configFile, { image: 'debian:bookworm', remoteEnv: { A: '2' } }), undefined);
  assert.equal(recordedDevcontainerId('/other', configFile, raw), undefined);
  assert.equal(recordedDevcontainerId(workspaceFolder, '/w/.devcontainer.json', raw), undefined);
});

test('validation record is private to the user', async () => {
  await recordValidConfig({ workspaceFolder: '/private', configFile: '/private/c.json', devcontainerId: 'id-2', raw: {} });
  const folder = path.join(cacheHome, 'devcontainer-open', 'validated');
  for (const name of fs.readdirSync(folder)) {
    assert.equal(fs.statSync(path.join(folder, name)).mode & 0o077, 0, name);
  }
});

test('unreadable validation record counts as missing', async () => {
  await recordValidConfig({ workspaceFolder: '/broken', configFile: '/broken/c.json', devcontainerId: 'id-3', raw: {} });
  const folder = path.join(cacheHome, 'devcontainer-open', 'validated');
  for (const name of fs.readdirSync(folder)) {
    fs.writeFileSync(path.join(folder, name), 'not json');
  }
  assert.equal(recordedDevcontainerId('/broken', '/broken/c.json', {}), undefined);
});
