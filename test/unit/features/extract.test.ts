import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, test } from 'node:test';
import * as tar from 'tar-stream';
import { extractFeatureArchive } from '../../../runtime/features/extract';

type Entry = Partial<tar.Header> & { name: string; content?: string };

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'extract-test-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

/** Packs entries into a tar archive in memory. */
async function archive(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const { content, ...header } of entries) {
    if (content === undefined) pack.entry(header);
    else pack.entry(header, content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

let counter = 0;
function target(): string {
  return path.join(root, `case-${counter++}`, 'feature');
}

test('plain and gzip archives unpack', async () => {
  const data = await archive([
    { name: './devcontainer-feature.json', content: '{"id":"x"}' },
    { name: './install.sh', content: '#!/bin/sh\n', mode: 0o755 },
    { name: './lib/', type: 'directory' },
    { name: './lib/helper.sh', content: 'echo hi\n' },
    { name: './lib/link', type: 'symlink', linkname: 'helper.sh' },
  ]);
  for (const bytes of [data, zlib.gzipSync(data)]) {
    const folder = target();
    await extractFeatureArchive(bytes, folder, { label: 'test' });
    assert.equal(fs.readFileSync(path.join(folder, 'devcontainer-feature.json'), 'utf8'), '{"id":"x"}');
    assert.equal(fs.statSync(path.join(folder, 'install.sh')).mode & 0o777, 0o755);
    assert.equal(fs.readFileSync(path.join(folder, 'lib/link'), 'utf8'), 'echo hi\n');
  }
});

const malicious: { name: string; entries: Entry[]; reason: RegExp }[] = [
  { name: 'absolute path', entries: [{ name: '/tmp/evil', content: 'x' }], reason: /absolute/ },
  { name: 'dot-dot path', entries: [{ name: './../evil', content: 'x' }], reason: /"\.\."/ },
  { name: 'nested dot-dot path', entries: [{ name: 'a/b/../../../evil', content: 'x' }], reason: /"\.\."/ },
  { name: 'absolute symlink', entries: [{ name: 'etc', type: 'symlink', linkname: '/etc' }], reason: /outside/ },
  { name: 'escaping symlink', entries: [{ name: 'a/up', type: 'symlink', linkname: '../../outside' }], reason: /outside/ },
  {
    name: 'write through symlink',
    entries: [
      { name: 'dir', type: 'symlink', linkname: 'sub' },
      { name: 'sub/', type: 'directory' },
      { name: 'dir/file', content: 'x' },
    ],
    reason: /through the symbolic link/,
  },
  {
    name: 'symlink chain',
    entries: [
      { name: 'here', type: 'symlink', linkname: '.' },
      { name: 'escape', type: 'symlink', linkname: 'here/..' },
    ],
    reason: /resolves to .* outside/,
  },
  {
    // The hard link copies the symbolic link "sub/up" (target "..", the Feature
    // folder) to the top level, where the same target "..", leaves the folder.
    name: 'hard link to a symlink',
    entries: [
      { name: 'sub/', type: 'directory' },
      { name: 'sub/up', type: 'symlink', linkname: '..' },
      { name: 'up', type: 'link', linkname: 'sub/up' },
    ],
    reason: /hard link "up" points to the symbolic link "sub\/up"/,
  },
  { name: 'hard link outside', entries: [{ name: 'passwd', type: 'link', linkname: '../../../../etc/passwd' }], reason: /"\.\."/ },
  { name: 'device entry', entries: [{ name: 'null', type: 'character-device', devmajor: 1, devminor: 3 }], reason: /character-device/ },
  {
    name: 'overwrite a symlink',
    entries: [
      { name: 'install.sh', type: 'symlink', linkname: 'other' },
      { name: 'install.sh', content: 'x' },
    ],
    reason: /symbolic link of the same name/,
  },
];

for (const item of malicious) {
  test(`malicious archive: ${item.name}`, async () => {
    const folder = target();
    const outside = path.join(path.dirname(folder), 'outside');
    await assert.rejects(extractFeatureArchive(await archive(item.entries), folder, { label: 'evil.tgz' }), (error: Error) => {
      assert.equal(error.name, 'EnvironmentError');
      assert.match(error.message, /Feature archive evil\.tgz was rejected/);
      assert.match(error.message, item.reason);
      return true;
    });
    assert.equal(fs.existsSync(outside), false);
    assert.equal(fs.existsSync(path.join(path.dirname(folder), 'evil')), false);
  });
}

test('corrupt gzip is rejected', async () => {
  const bytes = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.from('not gzip at all')]);
  await assert.rejects(extractFeatureArchive(bytes, target(), { label: 'bad.tgz' }), /could not be decompressed/);
});
