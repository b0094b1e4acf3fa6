import { createReadStream, createWriteStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import * as zlib from 'node:zlib';
import * as tar from 'tar-fs';
import { CancelledError, ConfigurationError, EnvironmentError, throwIfAborted } from '../../errors';
import type { Logger } from '../../log';
import { expandServerUrlTemplate } from './product';
import type { ClientProduct, ServerArch } from './types';

/** Written into a cached server folder before it is renamed into place, so only complete copies have it. */
export const completeMarker = '.complete';

/** Milliseconds without a response or a new chunk of the body before a download fails. */
const defaultStallTimeoutMs = 30_000;

export interface CachedServerOptions {
  product: ClientProduct;
  /** Architecture of the container, which can differ from the host's. */
  arch: ServerArch;
  /** Host cache folder, by default `${DEVCONTAINERS_CACHE:-/var/cache/open-devcontainers}`. */
  cacheFolder?: string;
  /** A folder with the unpacked server, or a `.tar.gz` of it, used in place of the download. */
  source?: string;
  /** Milliseconds a download may stall before it fails, 30 000 when omitted. */
  stallTimeoutMs?: number;
  logger: Logger;
  signal?: AbortSignal;
}

export interface CachedServer {
  /** Host folder of the unpacked server: `bin/`, `out/`, `node`, `product.json`. */
  folder: string;
  /** Origin of the server in this call: the cache, a download, a local archive, or a local folder used as is. */
  origin: 'cache' | 'download' | 'archive' | 'folder';
}

/** Downloads that run in this process, by cache folder, so concurrent callers share one. */
const pending = new Map<string, Promise<CachedServer>>();

/**
 * Returns a host folder with the VS Code server for the client's commit and
 * the container's architecture. The server is downloaded once into
 * `<cache>/vscode-server/<quality>-<commit>-<arch>/`. A local folder source is
 * used in place, and a local archive source replaces the download.
 *
 * The download goes to a temporary file, is unpacked into a temporary folder
 * that gets the completion marker, and only then is renamed into place, so
 * an interrupted download or a concurrent caller never leaves a half cache.
 * NOTE: two processes that miss the cache at the same moment both download;
 * the first rename wins and the other copy is deleted.
 */
export async function ensureCachedServer(options: CachedServerOptions): Promise<CachedServer> {
  if (options.source !== undefined && (await isFolder(options.source))) {
    await checkServerFolder(options.source, options.product, options.source);
    return { folder: path.resolve(options.source), origin: 'folder' };
  }

  const folder = cachedServerFolder(options);
  if (await exists(path.join(folder, completeMarker))) {
    return { folder, origin: 'cache' };
  }
  let running = pending.get(folder);
  if (running === undefined) {
    running = fillCache(folder, options).finally(() => pending.delete(folder));
    pending.set(folder, running);
  }
  return running;
}

/** Returns the cache folder of one server build. */
export function cachedServerFolder(options: Pick<CachedServerOptions, 'cacheFolder' | 'product' | 'arch'>): string {
  const cache = options.cacheFolder ?? process.env.DEVCONTAINERS_CACHE ?? '/var/cache/open-devcontainers';
  const { quality, commit } = options.product;
  return path.join(cache, 'vscode-server', `${quality}-${commit}-${options.arch}`);
}

async function fillCache(folder: string, options: CachedServerOptions): Promise<CachedServer> {
  const logger = options.logger.child('server');
  const parent = path.dirname(folder);
  await fs.mkdir(parent, { recursive: true });
  const temporary = await fs.mkdtemp(path.join(parent, `.${path.basename(folder)}.partial-`));
  try {
    const started = Date.now();
    let archive: string;
    let label: string;
    if (options.source === undefined) {
      const url = expandServerUrlTemplate(options.product.serverDownloadUrlTemplate, { product: options.product, arch: options.arch });
      archive = path.join(temporary, 'server.tar.gz');
      const bytes = await download(url, archive, options);
      logger.info(`Downloaded the ${options.product.nameShort} server ${shortCommit(options.product)} (${mebibytes(bytes)} MiB) from ${url} in ${Date.now() - started} ms`);
      label = url;
    } else {
      archive = await checkArchiveSource(options.source);
      label = archive;
    }

    const unpacked = path.join(temporary, 'unpacked');
    await unpack(archive, unpacked, label, options.signal);
    const root = await serverRoot(unpacked);
    await checkServerFolder(root, options.product, label);
    await fs.writeFile(path.join(root, completeMarker), `${options.product.quality} ${options.product.commit} ${options.arch}\n`);
    throwIfAborted(options.signal);

    try {
      await fs.rename(root, folder);
    } catch (error) {
      // Another caller renamed its complete copy into place first.
      if (!(await exists(path.join(folder, completeMarker)))) {
        throw error;
      }
    }
    logger.info(`Cached the ${options.product.nameShort} server ${shortCommit(options.product)} in ${folder} after ${Date.now() - started} ms`);
    return { folder, origin: options.source === undefined ? 'download' : 'archive' };
  } finally {
    await fs.rm(temporary, { recursive: true, force: true });
  }
}

/** Streams a URL into a file, following redirects, and returns the number of bytes. */
async function download(url: string, file: string, options: CachedServerOptions): Promise<number> {
  const stallTimeoutMs = options.stallTimeoutMs ?? defaultStallTimeoutMs;
  const stall = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal;
  let timer = setTimeout(() => stall.abort(), stallTimeoutMs);
  const restartTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(), stallTimeoutMs);
  };
  const failure = (reason: string, extra: { status?: number; cause?: unknown } = {}) =>
    new EnvironmentError(
      `Downloading the VS Code server from ${url} failed: ${reason}. ` +
        'Check the network and proxy, or pass a local server folder or .tar.gz as the server source.',
      { objectId: url, status: extra.status },
      extra.cause === undefined ? undefined : { cause: extra.cause },
    );

  options.logger.child('server').debug(`GET ${url}`);
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal, redirect: 'follow', headers: { 'user-agent': 'devcontainer-open' } });
    } catch (error) {
      throw abortReason(options.signal, stall.signal, stallTimeoutMs, failure) ?? failure(causeMessage(error), { cause: error });
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw failure(`HTTP ${response.status} ${response.statusText}`.trim(), { status: response.status });
    }

    const counter = new ByteCounter(restartTimer);
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), counter, createWriteStream(file), { signal });
    } catch (error) {
      throw abortReason(options.signal, stall.signal, stallTimeoutMs, failure) ?? failure(`the response body broke off (${causeMessage(error)})`, { cause: error });
    }
    return counter.bytes;
  } finally {
    clearTimeout(timer);
  }
}

function abortReason(
  callerSignal: AbortSignal | undefined,
  stallSignal: AbortSignal,
  stallTimeoutMs: number,
  failure: (reason: string) => EnvironmentError,
): Error | undefined {
  if (callerSignal?.aborted) {
    return new CancelledError();
  }
  if (stallSignal.aborted) {
    return failure(`no data arrived for ${stallTimeoutMs / 1000} s (timed out)`);
  }
  return undefined;
}

/**
 * Unpacks a tar archive, gzip-compressed or not. tar-fs rejects entries that
 * leave the folder, symbolic links that point outside it, and writes through
 * symbolic links.
 */
async function unpack(archive: string, destination: string, label: string, signal: AbortSignal | undefined): Promise<void> {
  const handle = await fs.open(archive, 'r');
  const magic = Buffer.alloc(2);
  await handle.read(magic, 0, 2, 0);
  await handle.close();
  const isGzip = magic[0] === 0x1f && magic[1] === 0x8b;

  // `chown` is a tar-fs option that its type definitions lack. Files stay owned by this process's user.
  const extract = tar.extract(destination, { chown: false } as tar.ExtractOptions);
  try {
    if (isGzip) {
      await pipeline(createReadStream(archive), zlib.createGunzip(), extract, { signal });
    } else {
      await pipeline(createReadStream(archive), extract, { signal });
    }
  } catch (error) {
    throwIfAborted(signal);
    throw new EnvironmentError(
      `Unpacking the VS Code server archive ${label} failed: ${causeMessage(error)}. ` +
        'The file is damaged or is not a .tar.gz of a VS Code server; download it again.',
      { objectId: label },
      { cause: error },
    );
  }
}

/**
 * Returns the server's folder in an unpacked archive. Microsoft's archives
 * have one top folder (`vscode-server-linux-x64/`), and archives with the
 * server files at the top are accepted too.
 */
async function serverRoot(unpacked: string): Promise<string> {
  if (await exists(path.join(unpacked, 'product.json'))) {
    return unpacked;
  }
  const entries = await fs.readdir(unpacked, { withFileTypes: true });
  const folders = entries.filter((entry) => entry.isDirectory());
  if (folders.length === 1 && (await exists(path.join(unpacked, folders[0].name, 'product.json')))) {
    return path.join(unpacked, folders[0].name);
  }
  return unpacked;
}

/**
 * Checks that a folder is a VS Code server for the client's commit, because a
 * server of another commit rejects the client's connection.
 */
async function checkServerFolder(folder: string, product: ClientProduct, label: string): Promise<void> {
  const productFile = path.join(folder, 'product.json');
  let serverCommit: unknown;
  try {
    serverCommit = (JSON.parse(await fs.readFile(productFile, 'utf8')) as { commit?: unknown }).commit;
  } catch (error) {
    throw new ConfigurationError(
      `${label} is not a VS Code server: ${productFile} is missing or invalid (${causeMessage(error)}). ` +
        'Pass the unpacked server folder (with bin/, out/ and product.json) or its .tar.gz.',
      { file: productFile },
      { cause: error },
    );
  }
  if (serverCommit !== product.commit) {
    throw new ConfigurationError(
      `The VS Code server in ${label} is for commit ${String(serverCommit)}, but the ${product.nameShort} client is commit ${product.commit}. ` +
        'Use the server build of the same commit as the client.',
      { file: productFile, jsonPath: 'commit' },
    );
  }
  for (const required of ['node', path.join('out', 'server-main.js')]) {
    if (!(await exists(path.join(folder, required)))) {
      throw new ConfigurationError(`${label} is not a complete VS Code server: ${required} is missing from ${folder}.`, { file: folder });
    }
  }
}

async function checkArchiveSource(source: string): Promise<string> {
  try {
    const stat = await fs.stat(source);
    if (stat.isFile()) {
      return path.resolve(source);
    }
  } catch (error) {
    throw new ConfigurationError(
      `The VS Code server source ${source} was not found (${causeMessage(error)}). Pass an unpacked server folder or a .tar.gz of one.`,
      { file: source },
      { cause: error },
    );
  }
  throw new ConfigurationError(`The VS Code server source ${source} is neither a folder nor a file.`, { file: source });
}

async function isFolder(candidate: string): Promise<boolean> {
  try {
    return (await fs.stat(candidate)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

function causeMessage(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : (error as Error).message;
}

function shortCommit(product: ClientProduct): string {
  return `${product.version} (${product.commit.slice(0, 10)})`.trim();
}

function mebibytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

/** A pass-through stream that counts bytes and calls `onChunk` for each chunk, to restart the stall timer. */
class ByteCounter extends Transform {
  bytes = 0;

  constructor(private readonly onChunk: () => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.onChunk();
    callback(null, chunk);
  }
}
