import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, before, test } from 'node:test';
import * as tar from 'tar-stream';
import { CancelledError, ConfigurationError, EnvironmentError } from '../../../../runtime/errors';
import { createLogger } from '../../../../runtime/log';
import { cachedServerFolder, completeMarker, ensureCachedServer } from '../../../../runtime/server/vscode/cache';
import { parseClientProduct } from '../../../../runtime/server/vscode/product';
import type { ClientProduct } from '../../../../runtime/server/vscode/types';

const commit = '0123456789abcdef0123456789abcdef01234567';
const logger = createLogger('error', () => undefined, 'test');

/** Builds a small archive laid out like a server release: one top folder with product.json, node and out/server-main.js. */
function serverArchive(archiveCommit: string, topFolder = 'vscode-server-linux-x64/'): Promise<Buffer> {
  const pack = tar.pack();
  pack.entry({ name: `${topFolder}product.json` }, JSON.stringify({ commit: archiveCommit }));
  pack.entry({ name: `${topFolder}node`, mode: 0o755 }, '#!/bin/sh\n');
  pack.entry({ name: `${topFolder}out/server-main.js` }, '// server\n');
  pack.entry({ name: `${topFolder}bin/code-server`, mode: 0o755 }, '#!/bin/sh\n');
  pack.finalize();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    pack.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    pack.on('end', () => resolve(zlib.gzipSync(Buffer.concat(chunks))));
    pack.on('error', reject);
  });
}

let server: http.Server;
let baseUrl = '';
let requests: string[] = [];
let good: Buffer;
let flat: Buffer;
let wrongCommit: Buffer;
let temporary = '';

before(async () => {
  good = await serverArchive(commit);
  flat = await serverArchive(commit, '');
  wrongCommit = await serverArchive('fedcba9876543210fedcba9876543210fedcba98');
  temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'server-cache-test-'));
  server = http.createServer((request, response) => {
    const url = request.url ?? '';
    requests.push(url);
    if (url.startsWith('/redirect/')) {
      response.writeHead(302, { location: url.replace('/redirect/', '/') });
      response.end();
    } else if (url.startsWith('/good/')) {
      response.end(good);
    } else if (url.startsWith('/flat/')) {
      response.end(flat);
    } else if (url.startsWith('/wrong/')) {
      response.end(wrongCommit);
    } else if (url.startsWith('/truncated/')) {
      // Announces the whole archive, sends half, then drops the connection.
      response.writeHead(200, { 'content-length': String(good.length) });
      response.write(good.subarray(0, good.length / 2), () => response.socket?.destroy());
    } else if (url.startsWith('/stall/')) {
      response.writeHead(200, { 'content-length': String(good.length) });
      response.write(good.subarray(0, 10));
    } else {
      response.writeHead(404, 'Not Found');
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(temporary, { recursive: true, force: true });
});

function productFor(route: string): ClientProduct {
  return parseClientProduct(
    { commit, quality: 'stable', version: '1.96.4', serverDownloadUrlTemplate: `${baseUrl}/${route}/\${commit}/server-\${os}-\${arch}/\${quality}` },
    'product.json',
  );
}

function cacheFolder(name: string): string {
  return path.join(temporary, name);
}

/** Lists what a failed fill left in the cache's vscode-server folder. */
function leftovers(cache: string): string[] {
  const folder = path.join(cache, 'vscode-server');
  return fs.existsSync(folder) ? fs.readdirSync(folder) : [];
}

test('download follows redirect and fills cache once', async () => {
  requests = [];
  const cache = cacheFolder('once');
  const product = productFor('redirect/good');
  const [first, second] = await Promise.all([
    ensureCachedServer({ product, arch: 'x64', cacheFolder: cache, logger }),
    ensureCachedServer({ product, arch: 'x64', cacheFolder: cache, logger }),
  ]);
  assert.equal(first.origin, 'download');
  assert.equal(second.folder, first.folder);
  assert.equal(first.folder, path.join(cache, 'vscode-server', `stable-${commit}-x64`));
  assert.ok(fs.existsSync(path.join(first.folder, completeMarker)));
  assert.ok(fs.existsSync(path.join(first.folder, 'out', 'server-main.js')));
  assert.deepEqual(requests, [`/redirect/good/${commit}/server-linux-x64/stable`, `/good/${commit}/server-linux-x64/stable`]);

  const third = await ensureCachedServer({ product, arch: 'x64', cacheFolder: cache, logger });
  assert.equal(third.origin, 'cache');
  assert.equal(requests.length, 2);
  assert.deepEqual(leftovers(cache), [`stable-${commit}-x64`]);
});

test('archive without top folder is accepted', async () => {
  const cache = cacheFolder('flat');
  const cached = await ensureCachedServer({ product: productFor('flat'), arch: 'arm64', cacheFolder: cache, logger });
  assert.ok(fs.existsSync(path.join(cached.folder, 'product.json')));
  assert.ok(fs.existsSync(path.join(cached.folder, completeMarker)));
});

test('HTTP error names URL and status', async () => {
  const cache = cacheFolder('missing');
  await assert.rejects(
    ensureCachedServer({ product: productFor('missing'), arch: 'x64', cacheFolder: cache, logger }),
    (error: unknown) =>
      error instanceof EnvironmentError &&
      error.details.status === 404 &&
      error.message.includes(`${baseUrl}/missing/${commit}/server-linux-x64/stable`) &&
      error.message.includes('HTTP 404'),
  );
  assert.deepEqual(leftovers(cache), []);
});

test('broken-off download leaves no cache', async () => {
  const cache = cacheFolder('truncated');
  await assert.rejects(
    ensureCachedServer({ product: productFor('truncated'), arch: 'x64', cacheFolder: cache, logger }),
    (error: unknown) => error instanceof EnvironmentError && error.message.includes('/truncated/'),
  );
  assert.deepEqual(leftovers(cache), []);
});

test('stalled download times out', async () => {
  const cache = cacheFolder('stall');
  const started = Date.now();
  await assert.rejects(
    ensureCachedServer({ product: productFor('stall'), arch: 'x64', cacheFolder: cache, stallTimeoutMs: 300, logger }),
    (error: unknown) => error instanceof EnvironmentError && /timed out/.test(error.message) && error.message.includes('/stall/'),
  );
  assert.ok(Date.now() - started < 5000);
  assert.deepEqual(leftovers(cache), []);
});

test('cancelled download leaves no cache', async () => {
  const cache = cacheFolder('cancelled');
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  await assert.rejects(
    ensureCachedServer({ product: productFor('stall'), arch: 'x64', cacheFolder: cache, signal: controller.signal, logger }),
    CancelledError,
  );
  assert.deepEqual(leftovers(cache), []);
});

test('server of another commit is rejected', async () => {
  const cache = cacheFolder('wrong');
  await assert.rejects(
    ensureCachedServer({ product: productFor('wrong'), arch: 'x64', cacheFolder: cache, logger }),
    (error: unknown) => error instanceof ConfigurationError && error.message.includes(`client is commit ${commit}`),
  );
  assert.deepEqual(leftovers(cache), []);
});

test('local archive and folder replace download', async () => {
  requests = [];
  const cache = cacheFolder('local');
  const archive = path.join(temporary, 'server.tar.gz');
  fs.writeFileSync(archive, good);
  const product = productFor('good');

  const fromArchive = await ensureCachedServer({ product, arch: 'x64', cacheFolder: cache, source: archive, logger });
  assert.equal(fromArchive.origin, 'archive');
  assert.equal(fromArchive.folder, cachedServerFolder({ cacheFolder: cache, product, arch: 'x64' }));

  const fromFolder = await ensureCachedServer({ product, arch: 'x64', cacheFolder: cacheFolder('unused'), source: fromArchive.folder, logger });
  assert.equal(fromFolder.origin, 'folder');
  assert.equal(fromFolder.folder, fromArchive.folder);
  assert.deepEqual(requests, []);

  // arm64 is not cached yet, so the missing source is read.
  await assert.rejects(
    ensureCachedServer({ product, arch: 'arm64', cacheFolder: cache, source: path.join(temporary, 'nothing-here'), logger }),
    (error: unknown) => error instanceof ConfigurationError && error.message.includes('nothing-here'),
  );
});
