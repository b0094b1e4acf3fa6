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
  const text = '{"image": "debian:bookworm", "remoteEnv": {"A": "1"}}';
  assert.equal(recordedDevcontainerId(workspaceFolder, configFile, text), undefined);

  await recordValidConfig({ workspaceFolder, configFile, devcontainerId: 'id-1', text });
  assert.equal(recordedDevcontainerId(workspaceFolder, configFile, text), 'id-1');
  assert.equal(recordedDevcontainerId(workspaceFolder, configFile, '{"image": "debian:bookworm", "remoteEnv": {"A": "2"}}'), undefined);
  assert.equal(recordedDevcontainerId('/other', configFile, text), undefined);
  assert.equal(recordedDevcontainerId(workspaceFolder, '/w/.devcontainer.json', text), undefined);
});

test('validation record tells apart values JSON merges', async () => {
  // 1e400 and -1e400 parse to Infinity and -Infinity, which JSON.stringify writes as null.
  const cases: [string, string][] = [
    ['{"image":"debian:bookworm","hostRequirements":{"cpus":1e400}}', '{"image":"debian:bookworm","hostRequirements":{"cpus":null}}'],
    ['{"image":"debian:bookworm","hostRequirements":{"cpus":-1e400}}', '{"image":"debian:bookworm","hostRequirements":{"cpus":null}}'],
    ['{"image":"debian:bookworm"}', '{"image":"debian:bookworm","__proto__":{"remoteUser":5}}'],
  ];
  for (const [recorded, edited] of cases) {
    await recordValidConfig({ workspaceFolder: '/edit', configFile: '/edit/c.json', devcontainerId: 'id-edit', text: recorded });
    assert.equal(recordedDevcontainerId('/edit', '/edit/c.json', recorded), 'id-edit', recorded);
    assert.equal(recordedDevcontainerId('/edit', '/edit/c.json', edited), undefined, edited);
  }
});

test('configuration without text is not recorded', async () => {
  await recordValidConfig({ workspaceFolder: '/no-text', configFile: '/no-text/c.json', devcontainerId: 'id-4' });
  assert.equal(recordedDevcontainerId('/no-text', '/no-text/c.json', ''), undefined);
});

test('validation record is private to the user', async () => {
  await recordValidConfig({ workspaceFolder: '/private', configFile: '/private/c.json', devcontainerId: 'id-2', text: '{}' });
  const folder = path.join(cacheHome, 'devcontainer-open', 'validated');
  for (const name of fs.readdirSync(folder)) {
    assert.equal(fs.statSync(path.join(folder, name)).mode & 0o077, 0, name);
  }
});

test('unreadable validation record counts as missing', async () => {
  await recordValidConfig({ workspaceFolder: '/broken', configFile: '/broken/c.json', devcontainerId: 'id-3', text: '{}' });
  const folder = path.join(cacheHome, 'devcontainer-open', 'validated');
  for (const name of fs.readdirSync(folder)) {
    fs.writeFileSync(path.join(folder, name), 'not json');
  }
  assert.equal(recordedDevcontainerId('/broken', '/broken/c.json', '{}'), undefined);
});
