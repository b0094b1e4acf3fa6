import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import { EnvironmentError } from '../errors';

/**
 * Upper bounds for one Feature archive, so a hostile archive cannot fill the
 * disk. NOTE: these are estimates of what a Feature needs (the largest public
 * Features are a few hundred KiB), not measured limits.
 */
const maxUnpackedBytes = 256 * 1024 * 1024;
const maxEntries = 20_000;

export interface ExtractOptions {
  /** Names the archive in errors: the Feature reference or URL. */
  label: string;
}

/**
 * Unpacks a Feature archive (tar, gzip-compressed or not) into an empty
 * folder. Entries with absolute paths or `..` components, symbolic links whose
 * target is absolute or leaves the folder, hard links to outside, and device
 * or FIFO entries are rejected, and so are hard links to symbolic links. Nothing is
 * ever written through a symbolic link, and after unpacking every symbolic and
 * hard link is resolved once more to catch chains
 * of links that leave the folder. On rejection the folder is left partly
 * filled: callers unpack into a temporary folder and delete it.
 */
export async function extractFeatureArchive(data: Buffer, destination: string, options: ExtractOptions): Promise<void> {
  const reject = (reason: string): never => {
    throw new EnvironmentError(
      `Feature archive ${options.label} was rejected: ${reason}. The archive may be malicious; ask its publisher to fix it.`,
      { objectId: options.label },
    );
  };
  const root = path.resolve(destination);
  await fs.mkdir(root, { recursive: true });

  let tarBytes: Buffer;
  try {
    tarBytes = isGzip(data) ? zlib.gunzipSync(data, { maxOutputLength: maxUnpackedBytes }) : data;
  } catch (error) {
    return reject(`it could not be decompressed (${(error as Error).message})`);
  }
  // The unpacked files are never larger than the tar stream that contains them.
  if (tarBytes.length > maxUnpackedBytes) reject(`it is larger than ${maxUnpackedBytes} bytes`);

  const extract = tar.extract();
  Readable.from([tarBytes]).pipe(extract);
  let entries = 0;
  const links: string[] = [];
  for await (const entry of extract) {
    const { header } = entry;
    if (++entries > maxEntries) reject(`it has more than ${maxEntries} entries`);
    const name = safeEntryName(header.name, reject);
    if (name === '') {
      entry.resume();
      continue;
    }
    const target = path.join(root, name);
    await assertNoLinkOnPath(root, path.dirname(target), name, reject);
    await assertNotLink(target, name, reject);

    switch (header.type) {
      case 'directory':
        await fs.mkdir(target, { recursive: true, mode: 0o755 });
        entry.resume();
        break;
      case 'file':
      case 'contiguous-file':
        await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
        await writeEntry(entry, target, (header.mode ?? 0o644) & 0o777);
        break;
      case 'symlink': {
        const linkTarget = header.linkname ?? '';
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(name), linkTarget));
        if (path.posix.isAbsolute(linkTarget) || resolved === '..' || resolved.startsWith('../')) {
          reject(`symbolic link "${header.name}" points to "${linkTarget}", outside the Feature folder`);
        }
        await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
        await fs.rm(target, { force: true, recursive: true });
        await fs.symlink(linkTarget, target);
        links.push(name);
        entry.resume();
        break;
      }
      case 'link': {
        const source = safeEntryName(header.linkname ?? '', reject);
        const sourcePath = path.join(root, source);
        await assertNoLinkOnPath(root, path.dirname(sourcePath), source, reject);
        // link(2) does not follow a symbolic link, so a hard link to one is a
        // second symbolic link whose relative target now resolves from another
        // folder and could leave the Feature folder.
        const sourceStat = await fs.lstat(sourcePath).catch(() => undefined);
        if (sourceStat?.isSymbolicLink()) {
          reject(`hard link "${header.name}" points to the symbolic link "${source}"; a Feature archive may only hard-link regular files`);
        }
        await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o755 });
        await fs.rm(target, { force: true });
        await fs.link(sourcePath, target).catch(() => reject(`hard link "${header.name}" points to "${header.linkname}", which is not an earlier file of the archive`));
        // Checked again after unpacking, in case the name became a link some other way.
        links.push(name);
        entry.resume();
        break;
      }
      default:
        reject(`entry "${header.name}" is a ${header.type}, which a Feature never needs`);
    }
  }
  await assertLinksStayInside(root, links, reject);
}

function isGzip(data: Buffer): boolean {
  return data.length > 2 && data[0] === 0x1f && data[1] === 0x8b;
}

/** Returns the entry's path relative to the folder, or rejects an absolute or `..` path. */
function safeEntryName(raw: string, reject: (reason: string) => never): string {
  if (raw.includes('\0') || raw.startsWith('/') || /^[a-zA-Z]:/.test(raw) || raw.includes('\\')) {
    reject(`entry "${raw}" has an absolute or non-POSIX path`);
  }
  const parts = raw.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) {
    reject(`entry "${raw}" contains "..", which would leave the Feature folder`);
  }
  return parts.join('/');
}

async function writeEntry(entry: AsyncIterable<unknown>, target: string, mode: number): Promise<void> {
  await fs.rm(target, { force: true });
  const handle = await fs.open(target, 'wx', mode);
  try {
    for await (const chunk of entry) {
      await handle.write(chunk as Buffer);
    }
  } finally {
    await handle.close();
  }
  await fs.chmod(target, mode);
}

/** Rejects when any folder between the root and `folder` is a symbolic link. */
async function assertNoLinkOnPath(root: string, folder: string, name: string, reject: (reason: string) => never): Promise<void> {
  let current = root;
  for (const part of path.relative(root, folder).split(path.sep).filter(Boolean)) {
    current = path.join(current, part);
    const stat = await fs.lstat(current).catch(() => undefined);
    if (!stat) return;
    if (stat.isSymbolicLink()) reject(`entry "${name}" would be written through the symbolic link "${path.relative(root, current)}"`);
  }
}

async function assertNotLink(target: string, name: string, reject: (reason: string) => never): Promise<void> {
  const stat = await fs.lstat(target).catch(() => undefined);
  if (stat?.isSymbolicLink()) reject(`entry "${name}" would replace or write through a symbolic link of the same name`);
}

/** Resolves every link entry; one whose real target is outside the folder rejects the archive. */
async function assertLinksStayInside(root: string, links: string[], reject: (reason: string) => never): Promise<void> {
  const realRoot = await fs.realpath(root);
  for (const name of links) {
    const real = await fs.realpath(path.join(root, name)).catch(() => undefined);
    // A dangling link passed the lexical check above and resolves to nothing.
    if (real === undefined) continue;
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
      reject(`link "${name}" resolves to ${real}, outside the Feature folder`);
    }
  }
}
