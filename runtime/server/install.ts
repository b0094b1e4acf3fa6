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
  await checkDynamicLoader(options);
  await createServerRoot(options);
  throwIfAborted(options.signal);

  const started = Date.now();
  const bytes = await copyIntoContainer(options, { source, folderName });
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

/**
 * Fails before the copy when the container lacks the dynamic loader that the
 * host's node binary names, as in musl or busybox images, where the copied
 * node would fail to start with only "No such file or directory".
 */
async function checkDynamicLoader(options: InstallServerOptions): Promise<void> {
  const loader = elfInterpreter(process.execPath);
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
        `(${process.execPath}) needs to run the editor's server there. ` +
        'Use a glibc-based image, such as debian or ubuntu, for the browser mode.',
      { objectId: options.containerId, status: result.exitCode },
    );
  }
}

/** Creates the folder the archive goes into, because the Engine API extracts only into existing folders. */
async function createServerRoot(options: InstallServerOptions): Promise<void> {
  const result = await execCapture(options.engine, options.containerId, {
    cmd: ['mkdir', '-p', serverRoot],
    user: 'root',
    signal: options.signal,
  });
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `Creating ${serverRoot} in container ${options.containerId.slice(0, 12)} failed with exit code ${result.exitCode}: ${result.stderr.trim()}`,
      { objectId: options.containerId, status: result.exitCode, outputTail: result.stderr },
    );
  }
}

/**
 * Streams one tar archive into the container: the cached package under
 * FOLDER_NAME/, then FOLDER_NAME/node, then the marker. Returns its size in bytes.
 */
async function copyIntoContainer(
  options: InstallServerOptions,
  archive: { source: string; folderName: string },
): Promise<number> {
  const { folderName } = archive;
  const pack = tar.pack(archive.source, {
    ignore: (name) => name === path.join(archive.source, '.complete'),
    // Owned by root, readable by every user and writable by none but root,
    // whatever the cache's owner and this process's umask.
    map: (header) => ({
      ...header,
      name: header.name === '.' ? folderName : `${folderName}/${header.name}`,
      mode: (header.mode & ~0o022) | (header.type === 'directory' ? 0o555 : 0o444),
      uid: 0,
      gid: 0,
    }),
    finalize: false,
    finish: (stream) => addNodeAndMarker(stream, folderName),
  });

  const counter = new ByteCounter();
  pack.on('error', (error) => counter.destroy(error));
  pack.pipe(counter);

  const container = options.engine.docker.getContainer(options.containerId);
  options.engine.logger.debug(`PUT /containers/${options.containerId.slice(0, 12)}/archive`);
  try {
    await container.putArchive(counter, { path: serverRoot, abortSignal: options.signal });
  } catch (error) {
    pack.destroy();
    throwIfAborted(options.signal);
    throw engineError(options.engine, `Copying code-server into ${serverRoot}`, error, options.containerId);
  }
  return counter.bytes;
}

function addNodeAndMarker(stream: tar.Pack, folderName: string): void {
  const nodePath = process.execPath;
  const header = {
    name: `${folderName}/node`,
    size: statSync(nodePath).size,
    mode: 0o755,
    uid: 0,
    gid: 0,
    mtime: new Date(),
  };
  const entry = stream.entry(header, (error) => {
    if (error) {
      stream.destroy(error);
      return;
    }
    const marker = `code-server ${codeServerVersion}\nnode ${process.version}\n`;
    stream.entry({ name: `${folderName}/${installedMarker}`, mode: 0o644, uid: 0, gid: 0 }, marker);
    stream.finalize();
  });
  const binary = createReadStream(nodePath);
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
