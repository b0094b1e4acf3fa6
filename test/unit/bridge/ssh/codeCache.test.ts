import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const codeCacheModule = path.resolve(__dirname, '../../../../runtime/bridge/ssh/codeCache.ts');

/** Loads `file` through requireWithCodeCache in a new process, whose exit writes the cache, and returns what it printed. */
function loadInChild(file: string, cacheHome: string): string {
  const script = `const { requireWithCodeCache } = require(${JSON.stringify(codeCacheModule)}); process.stdout.write(JSON.stringify(requireWithCodeCache(${JSON.stringify(file)})));`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, XDG_CACHE_HOME: cacheHome }, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

test('code cache loads a bundle like require', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'code-cache-test-'));
  try {
    const bundle = path.join(folder, 'bundle-test.js');
    fs.writeFileSync(bundle, "module.exports = { value: 'first', file: __filename, folder: __dirname, builtin: typeof require('node:fs').statSync };");
    const expected = JSON.stringify({ value: 'first', file: bundle, folder, builtin: 'function' });
    assert.equal(loadInChild(bundle, folder), expected);

    const cacheFolder = path.join(folder, 'devcontainer-open', 'code-cache');
    const written = fs.readdirSync(cacheFolder);
    assert.equal(written.length, 1);
    assert.match(written[0], /^bundle_test\.js_[0-9a-f]{8}-\d+-\d+-v[^-]+-[^-]+\.cache$/);
    assert.equal(fs.statSync(path.join(cacheFolder, written[0])).mode & 0o777, 0o600);
    // The second run reads the cache and must give the same exports.
    assert.equal(loadInChild(bundle, folder), expected);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('code cache ignores a stale cache', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'code-cache-test-'));
  try {
    const bundle = path.join(folder, 'bundle.js');
    fs.writeFileSync(bundle, "module.exports = 'old';");
    assert.equal(loadInChild(bundle, folder), '"old"');

    // Same length, so V8 alone would run the cached code of the old text.
    fs.writeFileSync(bundle, "module.exports = 'new';");
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(bundle, later, later);
    assert.equal(loadInChild(bundle, folder), '"new"');

    const cacheFolder = path.join(folder, 'devcontainer-open', 'code-cache');
    assert.equal(fs.readdirSync(cacheFolder).length, 1, 'the old cache is removed');
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});
