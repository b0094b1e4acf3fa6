import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, test } from 'node:test';
import { findConfigFiles, resolveConfigFile } from '../../../runtime/config/discover';
import { ConfigurationError } from '../../../runtime/errors';

const folders: string[] = [];

function workspace(files: string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'discover-'));
  folders.push(root);
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), '{}');
  }
  return root;
}

afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

test('discovery lists configs in spec order', async () => {
  const root = workspace([
    '.devcontainer/python/devcontainer.json',
    '.devcontainer.json',
    '.devcontainer/devcontainer.json',
    '.devcontainer/go/devcontainer.json',
  ]);
  const found = (await findConfigFiles(root)).map((file) => path.relative(root, file));
  assert.deepEqual(found, [
    '.devcontainer/devcontainer.json',
    '.devcontainer.json',
    '.devcontainer/go/devcontainer.json',
    '.devcontainer/python/devcontainer.json',
  ]);
});

test('discovery ignores deeper subfolders', async () => {
  const root = workspace(['.devcontainer/a/b/devcontainer.json']);
  assert.deepEqual(await findConfigFiles(root), []);
});

test('resolve prefers the standard location', async () => {
  const root = workspace(['.devcontainer.json', '.devcontainer/go/devcontainer.json']);
  assert.equal(await resolveConfigFile(root), path.join(root, '.devcontainer.json'));
});

test('resolve takes a single subfolder config', async () => {
  const root = workspace(['.devcontainer/go/devcontainer.json']);
  assert.equal(await resolveConfigFile(root), path.join(root, '.devcontainer/go/devcontainer.json'));
});

test('resolve rejects several subfolder configs', async () => {
  const root = workspace(['.devcontainer/go/devcontainer.json', '.devcontainer/rust/devcontainer.json']);
  await assert.rejects(resolveConfigFile(root), (error: Error) => {
    assert.ok(error instanceof ConfigurationError);
    assert.match(error.message, /go\/devcontainer\.json, \.devcontainer\/rust\/devcontainer\.json/);
    assert.match(error.message, /--config/);
    return true;
  });
});

test('resolve reports a missing config', async () => {
  const root = workspace([]);
  await assert.rejects(resolveConfigFile(root), /No dev container configuration found/);
});

test('resolve honours an explicit config path', async () => {
  const root = workspace(['custom/dc.json']);
  assert.equal(await resolveConfigFile(root, 'custom/dc.json'), path.join(root, 'custom/dc.json'));
  await assert.rejects(resolveConfigFile(root, 'missing.json'), /not found: .*missing\.json/);
});
