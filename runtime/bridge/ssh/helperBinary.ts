import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as tar from 'tar-stream';
import { engineError } from '../../engine/client';
import { execCapture } from '../../engine/exec';
import { EnvironmentError } from '../../errors';
import { elfInterpreter } from '../../server/elfInterpreter';
import type { SshTarget } from './target';

/** Folder in the container for the host binaries the SSH proxy copies in. */
export const helperFolder = '/opt/devcontainer-open/bin';

export interface HelperBinary {
  /** File name in the helper folder. */
  name: string;
  /** Path of the binary on the host. */
  source: string;
  /** Reason for the copy, the start of its error messages, such as "SFTP needs an sftp-server". */
  purpose: string;
  /** Debian package that provides `source` on the host. */
  hostPackage: string;
  /** Package to install in the image instead, named in the message when the copy cannot run there. */
  imageAlternative: string;
}

const installs = new Map<string, Promise<string>>();

/**
 * Returns the path of a host binary copied into the container's helper
 * folder, copying it through the Engine API on the first call. Later calls
 * in this process reuse the first call's result.
 */
export function ensureHelperBinary(target: SshTarget, helper: HelperBinary): Promise<string> {
  const key = `${target.containerId}/${helper.name}`;
  let install = installs.get(key);
  if (!install) {
    install = installHelperBinary(target, helper);
    installs.set(key, install);
    install.catch(() => installs.delete(key));
  }
  return install;
}

async function installHelperBinary(target: SshTarget, helper: HelperBinary): Promise<string> {
  const destination = `${helperFolder}/${helper.name}`;
  const present = await execCapture(target.engine, target.containerId, { cmd: ['test', '-x', destination], user: 'root' });
  if (present.exitCode === 0) {
    return destination;
  }

  const content = await readHostBinary(helper);
  await checkDynamicLoader(target, helper);
  await runAsRoot(target, ['mkdir', '-p', helperFolder], `Creating ${helperFolder}`);

  // A copy cut short must not look installed, so the archive writes a
  // temporary name that a rename replaces the final one with.
  const partialName = `.${helper.name}.partial-${randomBytes(4).toString('hex')}`;
  await putFile(target, partialName, content);
  await runAsRoot(target, ['mv', '-f', `${helperFolder}/${partialName}`, destination], `Moving ${helper.name} into place`);
  target.engine.logger.info(`Copied ${helper.source} to ${destination} in container ${target.containerId.slice(0, 12)}`);
  return destination;
}

async function readHostBinary(helper: HelperBinary): Promise<Buffer> {
  try {
    return await fs.readFile(helper.source);
  } catch (error) {
    throw new EnvironmentError(
      `${helper.purpose}: reading ${helper.source} on this host failed (${(error as Error).message}). ` +
        `Install ${helper.hostPackage} on the host.`,
      { objectId: helper.source },
      { cause: error },
    );
  }
}

/**
 * Fails before the copy when the container lacks the dynamic loader the host
 * binary names (a musl or busybox image for a glibc binary), where the copy
 * would fail to start with only "No such file or directory".
 */
async function checkDynamicLoader(target: SshTarget, helper: HelperBinary): Promise<void> {
  const loader = elfInterpreter(helper.source);
  if (loader === undefined) {
    return;
  }
  const result = await execCapture(target.engine, target.containerId, { cmd: ['test', '-e', loader], user: 'root' });
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `${helper.purpose}: container ${target.containerId.slice(0, 12)} has no ${loader}, the C library loader that ` +
        `the host's ${helper.source} needs, so a copy of it cannot run there. ` +
        `Install ${helper.imageAlternative} in the image, or use a glibc-based image such as debian or ubuntu.`,
      { objectId: target.containerId, containerId: target.containerId },
    );
  }
}

async function runAsRoot(target: SshTarget, cmd: string[], action: string): Promise<void> {
  const result = await execCapture(target.engine, target.containerId, { cmd, user: 'root' });
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `${action} in container ${target.containerId.slice(0, 12)} failed with exit code ${result.exitCode}: ${result.stderr.trim()}`,
      { objectId: target.containerId, status: result.exitCode, outputTail: result.stderr },
    );
  }
}

/** Streams a one-file tar archive into the helper folder: mode 755, owned by root. */
async function putFile(target: SshTarget, name: string, content: Buffer): Promise<void> {
  const pack = tar.pack();
  pack.entry({ name, mode: 0o755, uid: 0, gid: 0, mtime: new Date() }, content);
  pack.finalize();
  const container = target.engine.docker.getContainer(target.containerId);
  target.engine.logger.debug(`PUT /containers/${target.containerId.slice(0, 12)}/archive`);
  try {
    await container.putArchive(pack as unknown as NodeJS.ReadableStream, { path: helperFolder });
  } catch (error) {
    throw engineError(target.engine, `Copying ${name} into ${helperFolder}`, error, target.containerId);
  }
}
