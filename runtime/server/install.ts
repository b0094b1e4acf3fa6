import { createReadStream, existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import * as tar from 'tar-fs';
import type { Engine } from '../engine/client';
import { engineError } from '../engine/client';
import { execCapture } from '../engine/exec';
import { EnvironmentError, throwIfAborted } from '../errors';
import type { Logger } from '../log';
import { elfInterpreter } from './elfInterpreter';

/** The code-server release whose VS Code server the browser mode runs. */
export const codeServerVersion = '4.96.4';

/** Parent of the versioned server folders in the container. */
const serverRoot = '/opt/devcontainer-open/server';

/** Written as the last tar entry, so it exists only after a complete copy. */
const installedMarker = '.installed';

export interface ServerInstallation {
  /** Folder of the code-server package in the container. */
  folder: string;
  /** The node binary copied beside it, which runs the server and the forwarder. */
  node: string;
}

export interface InstallServerOptions {
  engine: Engine;
  containerId: string;
  logger: Logger;
  signal?: AbortSignal;
  /** Host cache that contains `code-server-VERSION`. The default is DEVCONTAINERS_CACHE, else /var/cache/open-devcontainers. */
  cacheFolder?: string;
}

/**
 * Copies code-server and the host's own node binary into the container
 * through the Engine API, unless an earlier call already did. The container
 * needs no network for this, and the cache is not bind-mounted.
 *
 * The node binary is the one running this process, so the native modules in
 * the cache (built for it) load. It runs only where the container's C library
 * matches the host's, as with a Debian bookworm host and container.
 */
export async function installServer(options: InstallServerOptions): Promise<ServerInstallation> {
  const logger = options.logger.child('server');
  const folderName = `code-server-${codeServerVersion}`;
  const installation: ServerInstallation = {
    folder: `${serverRoot}/${folderName}`,
    node: `${serverRoot}/${folderName}/node`,
  };

  if (await isInstalled(options, installation)) {
    logger.info(`code-server ${codeServerVersion} is already in container ${options.containerId.slice(0, 12)}`);
    return installation;
  }

  const source = cachedPackageFolder(options.cacheFolder);
  await checkDynamicLoader({ ...options, binary: process.execPath });
  await createContainerFolder({ ...options, folder: serverRoot });
  throwIfAborted(options.signal);

  const started = Date.now();
  const bytes = await putFolderArchive({
    ...options,
    destination: serverRoot,
    description: 'code-server',
    archive: {
      source,
      folderName,
      ignore: ['.complete'],
      files: [
        { name: 'node', hostPath: process.execPath, mode: 0o755 },
        { name: installedMarker, content: `code-server ${codeServerVersion}\nnode ${process.version}\n`, mode: 0o644 },
      ],
    },
  });
  const megabytes = (bytes / 1024 / 1024).toFixed(0);
  logger.info(
    `Copied code-server ${codeServerVersion} and node (${megabytes} MiB) into container ` +
      `${options.containerId.slice(0, 12)} in ${Date.now() - started} ms`,
  );
  return installation;
}

/** Finds the cached code-server folder and checks that the install script completed it. */
function cachedPackageFolder(cacheFolder: string | undefined): string {
  const cache = cacheFolder ?? process.env.DEVCONTAINERS_CACHE ?? '/var/cache/open-devcontainers';
  const folder = path.join(cache, `code-server-${codeServerVersion}`);
  if (!existsSync(path.join(folder, '.complete'))) {
    throw new EnvironmentError(
      `code-server ${codeServerVersion} is missing from the cache: ${folder} has no .complete file. ` +
        'Install it with scripts/setup/code-server.sh, or point DEVCONTAINERS_CACHE at the cache that holds it.',
      { objectId: folder },
    );
  }
  return folder;
}

async function isInstalled(options: InstallServerOptions, installation: ServerInstallation): Promise<boolean> {
  const result = await execCapture(options.engine, options.containerId, {
    cmd: ['test', '-f', `${installation.folder}/${installedMarker}`],
    user: 'root',
    signal: options.signal,
  });
  return result.exitCode === 0;
}

/** The engine, container and cancellation that the copy helpers below share. */
export interface ContainerTarget {
  engine: Engine;
  containerId: string;
  signal?: AbortSignal;
}

/**
 * Fails before a copy when the container lacks the dynamic loader that a
 * host binary names, as in musl or busybox images, where the copied binary
 * would fail to start with only "No such file or directory".
 */
export async function checkDynamicLoader(options: ContainerTarget & { binary: string }): Promise<void> {
  const loader = elfInterpreter(options.binary);
  if (loader === undefined) {
    return;
  }
  const result = await execCapture(options.engine, options.containerId, {
    cmd: ['test', '-e', loader],
    user: 'root',
    signal: options.signal,
  });
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `Container ${options.containerId.slice(0, 12)} has no ${loader}, the dynamic loader that node ` +
        `(${options.binary}) needs to run the editor's server there. ` +
        'Use a glibc-based image, such as debian or ubuntu.',
      { objectId: options.containerId, status: result.exitCode },
    );
  }
}

/** Creates a folder in the container as root, because the Engine API extracts archives only into existing folders. */
export async function createContainerFolder(options: ContainerTarget & { folder: string }): Promise<void> {
  const result = await execCapture(options.engine, options.containerId, {
    cmd: ['mkdir', '-p', options.folder],
    user: 'root',
    signal: options.signal,
  });
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `Creating ${options.folder} in container ${options.containerId.slice(0, 12)} failed with exit code ${result.exitCode}: ${result.stderr.trim()}`,
      { objectId: options.containerId, status: result.exitCode, outputTail: result.stderr },
    );
  }
}

/** A file added to an archive after the folder: copied from the host, or given as text. */
export type ArchiveFile = { name: string; mode: number } & ({ hostPath: string } | { content: string });

export interface FolderArchive {
  /** Host folder whose contents go under `folderName/`. */
  source: string;
  folderName: string;
  /** Top-level entries of `source` to leave out. */
  ignore?: string[];
  /** Files added under `folderName/` after the folder, in this order. A completion marker goes last. */
  files: ArchiveFile[];
}

export interface PutFolderArchiveOptions extends ContainerTarget {
  /** Existing folder in the container that the archive is extracted into. */
  destination: string;
  archive: FolderArchive;
  /** Names what is copied in error messages, such as `code-server`. */
  description: string;
}

/**
 * Streams one tar archive into the container through the Engine API: the
 * host folder under FOLDER_NAME/, then the extra files. Every entry is owned
 * by root, readable by every user and writable by none but root, whatever
 * the source's owner and this process's umask. Returns the size in bytes.
 */
export async function putFolderArchive(options: PutFolderArchiveOptions): Promise<number> {
  const { source, folderName } = options.archive;
  const ignored = new Set((options.archive.ignore ?? []).map((name) => path.join(source, name)));
  const pack = tar.pack(source, {
    ignore: (name) => ignored.has(name),
    map: (header) => ({
      ...header,
      name: header.name === '.' ? folderName : `${folderName}/${header.name}`,
      mode: (header.mode & ~0o022) | (header.type === 'directory' ? 0o555 : 0o444),
      uid: 0,
      gid: 0,
    }),
    finalize: false,
    finish: (stream) => addFiles(stream, folderName, options.archive.files),
  });

  const counter = new ByteCounter();
  pack.on('error', (error) => counter.destroy(error));
  pack.pipe(counter);

  const container = options.engine.docker.getContainer(options.containerId);
  options.engine.logger.debug(`PUT /containers/${options.containerId.slice(0, 12)}/archive`);
  try {
    await container.putArchive(counter, { path: options.destination, abortSignal: options.signal });
  } catch (error) {
    pack.destroy();
    throwIfAborted(options.signal);
    throw engineError(options.engine, `Copying ${options.description} into ${options.destination}`, error, options.containerId);
  }
  return counter.bytes;
}

/** Appends the files one after the other, then finalizes the archive. */
function addFiles(stream: tar.Pack, folderName: string, files: ArchiveFile[]): void {
  const [file, ...rest] = files;
  if (file === undefined) {
    stream.finalize();
    return;
  }
  const header = { name: `${folderName}/${file.name}`, mode: file.mode, uid: 0, gid: 0, mtime: new Date() };
  if ('content' in file) {
    stream.entry(header, file.content, (error) => (error ? stream.destroy(error) : addFiles(stream, folderName, rest)));
    return;
  }
  const entry = stream.entry({ ...header, size: statSync(file.hostPath).size }, (error) => {
    if (error) {
      stream.destroy(error);
      return;
    }
    addFiles(stream, folderName, rest);
  });
  const binary = createReadStream(file.hostPath);
  binary.on('error', (error) => stream.destroy(error));
  binary.pipe(entry);
}

/** A pass-through stream that counts the bytes sent to the engine. */
class ByteCounter extends Transform {
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}
