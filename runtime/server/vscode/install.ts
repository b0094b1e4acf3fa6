import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { Engine } from '../../engine/client';
import { execCapture } from '../../engine/exec';
import { EnvironmentError, throwIfAborted } from '../../errors';
import type { Logger } from '../../log';
import { checkDynamicLoader, createContainerFolder, putFolderArchive } from '../install';
import { completeMarker, ensureCachedServer } from './cache';
import finishInstallScript from './finish-install.sh';
import { serverArchOf } from './product';
import probeScript from './probe-editor-server.sh';
import type { ClientProduct, ServerArch } from './types';
import { editorServerRoot } from './volume';

/** Written as the last tar entry, so a server folder has it only after a complete copy. */
const installedMarker = '.installed';

export interface InstallEditorServerOptions {
  engine: Engine;
  containerId: string;
  product: ClientProduct;
  /** A local folder or `.tar.gz` to use in place of the download. */
  serverSource?: string;
  /** Host cache folder, as in CachedServerOptions. */
  cacheFolder?: string;
  logger: Logger;
  signal?: AbortSignal;
}

export interface EditorServerInstallation {
  /** Server folder in the container. */
  folder: string;
  /** The node binary in the server folder. */
  node: string;
  arch: ServerArch;
  /** True when this call copied the server into the container, false when it was there already. */
  copied: boolean;
}

/**
 * Makes the VS Code server for the client's commit available in the
 * container: finds a complete copy already there (on the shared volume, or
 * from an earlier call), or fetches the server into the host cache and copies
 * it in through the Engine API, so the container needs no network.
 */
export async function installEditorServer(options: InstallEditorServerOptions): Promise<EditorServerInstallation> {
  const logger = options.logger.child('server');
  const { product } = options;
  const buildId = `${product.quality}-${product.commit}`;

  const probe = await probeContainer(options, buildId);
  const folderName = `${buildId}-${probe.arch}`;
  const folder = `${editorServerRoot}/${folderName}`;
  const installation = { folder, node: `${folder}/node`, arch: probe.arch };
  if (probe.installed.includes(folder)) {
    logger.info(`The ${product.nameShort} server ${product.commit.slice(0, 10)} is already in container ${options.containerId.slice(0, 12)}`);
    return { ...installation, copied: false };
  }

  const cached = await ensureCachedServer({
    product,
    arch: probe.arch,
    cacheFolder: options.cacheFolder,
    source: options.serverSource,
    logger: options.logger,
    signal: options.signal,
  });
  await checkDynamicLoader({ ...options, binary: path.join(cached.folder, 'node') });
  await createContainerFolder({ ...options, folder: editorServerRoot });
  throwIfAborted(options.signal);

  const started = Date.now();
  const partialName = `.${folderName}.partial-${randomBytes(4).toString('hex')}`;
  const bytes = await putFolderArchive({
    ...options,
    destination: editorServerRoot,
    description: `the ${product.nameShort} server`,
    archive: {
      source: cached.folder,
      folderName: partialName,
      ignore: [completeMarker],
      files: [{ name: installedMarker, content: `${product.quality} ${product.commit} ${probe.arch}\n`, mode: 0o644 }],
    },
  });
  await finishInstall(options, { partial: `${editorServerRoot}/${partialName}`, final: folder });
  logger.info(
    `Copied the ${product.nameShort} server ${product.commit.slice(0, 10)} (${(bytes / 1024 / 1024).toFixed(0)} MiB) ` +
      `into container ${options.containerId.slice(0, 12)} in ${Date.now() - started} ms`,
  );
  return { ...installation, copied: true };
}

/** Reads the container's architecture and its complete server folders of this build, in one exec. */
async function probeContainer(options: InstallEditorServerOptions, buildId: string): Promise<{ arch: ServerArch; installed: string[] }> {
  const result = await execCapture(options.engine, options.containerId, {
    cmd: ['/bin/sh', '-c', probeScript, 'probe-editor-server.sh'],
    user: 'root',
    env: { DEVCONTAINER_SERVER_ROOT: editorServerRoot, DEVCONTAINER_SERVER_ID: buildId },
    signal: options.signal,
  });
  const lines = result.stdout.split('\n');
  const machine = lines.find((line) => line.startsWith('machine='))?.slice('machine='.length);
  if (result.exitCode !== 0 || machine === undefined) {
    throw new EnvironmentError(
      `Reading the architecture of container ${options.containerId.slice(0, 12)} failed (exit code ${result.exitCode}): ` +
        `${(result.stderr || result.stdout).trim()}. The image needs /bin/sh and uname.`,
      { objectId: options.containerId, status: result.exitCode, outputTail: result.stderr },
    );
  }
  const installed = lines.filter((line) => line.startsWith('installed=')).map((line) => line.slice('installed='.length));
  return { arch: serverArchOf(machine), installed };
}

async function finishInstall(options: InstallEditorServerOptions, folders: { partial: string; final: string }): Promise<void> {
  const result = await execCapture(options.engine, options.containerId, {
    cmd: ['/bin/sh', '-c', finishInstallScript, 'finish-install.sh'],
    user: 'root',
    env: { DEVCONTAINER_PARTIAL_FOLDER: folders.partial, DEVCONTAINER_SERVER_FOLDER: folders.final },
    signal: options.signal,
  });
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `Moving the copied server to ${folders.final} in container ${options.containerId.slice(0, 12)} failed ` +
        `(exit code ${result.exitCode}): ${result.stderr.trim()}`,
      { objectId: options.containerId, status: result.exitCode, outputTail: result.stderr },
    );
  }
}
