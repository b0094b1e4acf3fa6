import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { utils } from 'ssh2';
import { loadHostKey, sshCacheFolder } from '../../../../runtime/bridge/ssh/hostKey';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh-host-key-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

test('host key is generated once and reused', async () => {
  const folder = path.join(root, 'reuse');
  const first = await loadHostKey(folder);
  const second = await loadHostKey(folder);
  assert.equal(second, first);

  const parsed = utils.parseKey(first);
  assert.ok(!(parsed instanceof Error), String(parsed));
  assert.equal(parsed.type, 'ssh-ed25519');

  const file = path.join(folder, 'host_ed25519_key');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(fs.readdirSync(folder), ['host_ed25519_key']);
});

test('host key is shared by concurrent first runs', async () => {
  const folder = path.join(root, 'concurrent');
  const keys = await Promise.all([loadHostKey(folder), loadHostKey(folder), loadHostKey(folder), loadHostKey(folder)]);
  assert.equal(new Set(keys).size, 1);
  assert.deepEqual(fs.readdirSync(folder), ['host_ed25519_key']);
});

test('host key folder follows XDG_CACHE_HOME', () => {
  assert.equal(sshCacheFolder({ XDG_CACHE_HOME: '/x/cache' }), '/x/cache/devcontainer-open/ssh');
  assert.equal(sshCacheFolder({}), path.join(os.homedir(), '.cache', 'devcontainer-open', 'ssh'));
});

test('unreadable host key folder raises', async () => {
  const blocker = path.join(root, 'file');
  fs.writeFileSync(blocker, '');
  await assert.rejects(loadHostKey(path.join(blocker, 'ssh')), /host key .* failed: .*XDG_CACHE_HOME/);
});
