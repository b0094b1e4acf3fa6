import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ConfigurationError, EnvironmentError } from '../../../../runtime/errors';
import {
  defaultServerDownloadUrlTemplate,
  expandServerUrlTemplate,
  parseClientProduct,
  readClientProduct,
  serverArchOf,
} from '../../../../runtime/server/vscode/product';

const commit = 'b7ef8f9bd70cb5b342fa8ec8a0086bad676d8124';

/** The fields of VS Code 1.96.4's product.json that select the server. It has no download template. */
const vscodeProduct = {
  nameShort: 'Code',
  applicationName: 'code',
  version: '1.96.4',
  quality: 'stable',
  commit,
  serverApplicationName: 'code-server',
  serverDataFolderName: '.vscode-server',
};

/** VSCodium's product.json names its own release archives. */
const vscodiumProduct = {
  nameShort: 'VSCodium',
  applicationName: 'codium',
  version: '1.96.4',
  release: '25023',
  quality: 'stable',
  commit,
  serverApplicationName: 'codium-server',
  serverDataFolderName: '.vscodium-server',
  serverDownloadUrlTemplate:
    'https://github.com/VSCodium/vscodium/releases/download/${version}.${release}/vscodium-reh-${os}-${arch}-${version}.${release}.tar.gz',
};

test('product of VS Code gets default template', () => {
  const product = parseClientProduct(vscodeProduct, 'product.json');
  assert.equal(product.commit, commit);
  assert.equal(product.quality, 'stable');
  assert.equal(product.serverApplicationName, 'code-server');
  assert.equal(product.serverDataFolderName, '.vscode-server');
  assert.equal(product.serverDownloadUrlTemplate, defaultServerDownloadUrlTemplate);
  assert.equal(
    expandServerUrlTemplate(product.serverDownloadUrlTemplate, { product, arch: 'x64' }),
    `https://update.code.visualstudio.com/commit:${commit}/server-linux-x64/stable`,
  );
});

test('template expands every variable', () => {
  const product = parseClientProduct(vscodiumProduct, 'product.json');
  assert.equal(product.release, '25023');
  assert.equal(
    expandServerUrlTemplate(product.serverDownloadUrlTemplate, { product, arch: 'arm64' }),
    'https://github.com/VSCodium/vscodium/releases/download/1.96.4.25023/vscodium-reh-linux-arm64-1.96.4.25023.tar.gz',
  );
  assert.equal(expandServerUrlTemplate('${commit}/${quality}/${os}', { product, arch: 'armhf', os: 'alpine' }), `${commit}/stable/alpine`);
});

test('template keeps unknown variables', () => {
  const product = parseClientProduct(vscodeProduct, 'product.json');
  assert.equal(expandServerUrlTemplate('https://x/${commit}/${flavor}', { product, arch: 'x64' }), `https://x/${commit}/\${flavor}`);
});

test('product without commit is rejected', () => {
  const { commit: _omitted, ...devBuild } = vscodeProduct;
  assert.throws(
    () => parseClientProduct(devBuild, '/opt/code/resources/app/product.json'),
    (error: unknown) =>
      error instanceof ConfigurationError &&
      /\/opt\/code\/resources\/app\/product\.json has no "commit"/.test(error.message) &&
      error.location?.jsonPath === 'commit',
  );
});

test('product with invalid fields is rejected', () => {
  assert.throws(() => parseClientProduct({ ...vscodeProduct, commit: 'not a commit' }, 'p.json'), ConfigurationError);
  assert.throws(() => parseClientProduct({ ...vscodeProduct, serverDataFolderName: '../etc' }, 'p.json'), /serverDataFolderName/);
  assert.throws(() => parseClientProduct({ ...vscodeProduct, serverApplicationName: 'a/b' }, 'p.json'), /serverApplicationName/);
  assert.throws(() => parseClientProduct([], 'p.json'), /does not contain a JSON object/);
});

test('product defaults follow the client names', () => {
  const product = parseClientProduct({ commit, applicationName: 'code-oss' }, 'p.json');
  assert.equal(product.quality, 'stable');
  assert.equal(product.serverApplicationName, 'code-oss-server');
  assert.equal(product.serverDataFolderName, '.vscode-server');
});

test('product file read errors name the path', async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'product-test-'));
  try {
    const missing = path.join(folder, 'missing.json');
    await assert.rejects(readClientProduct(missing), (error: unknown) => error instanceof EnvironmentError && error.message.includes(missing));
    const broken = path.join(folder, 'broken.json');
    fs.writeFileSync(broken, '{ "commit": ');
    await assert.rejects(readClientProduct(broken), (error: unknown) => error instanceof ConfigurationError && error.message.includes(broken));
    const valid = path.join(folder, 'product.json');
    fs.writeFileSync(valid, JSON.stringify(vscodeProduct));
    assert.equal((await readClientProduct(valid)).commit, commit);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('container machine maps to server arch', () => {
  assert.equal(serverArchOf('x86_64\n'), 'x64');
  assert.equal(serverArchOf('aarch64'), 'arm64');
  assert.equal(serverArchOf('armv7l'), 'armhf');
  assert.throws(() => serverArchOf('riscv64'), (error: unknown) => error instanceof EnvironmentError && /riscv64/.test(error.message));
});
