import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { execCapture } from '../engine/exec';
import { EnvironmentError } from '../errors';
import type { Logger } from '../log';
import type { ContainerUser } from './containerFiles';

/** Exit status of the copy command when the container has a .gitconfig already. */
const existsStatus = 3;

// `set -C` (noclobber) makes the redirection fail if the file appeared after the test.
const createScript = `[ -e "$HOME/.gitconfig" ] && exit ${existsStatus}; set -C; cat > "$HOME/.gitconfig"`;

/**
 * Copies the host user's `~/.gitconfig` into the remote user's home when the
 * container has none, so commits there carry the same name and email. An
 * existing file in the container is never overwritten. Returns true when it
 * copied the file.
 */
export async function copyGitConfig(target: ContainerUser, hostHome: string, logger: Logger): Promise<boolean> {
  const hostFile = path.join(hostHome, '.gitconfig');
  let content: Buffer;
  try {
    content = await fs.readFile(hostFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      logger.debug(`No ${hostFile} on the host to copy`);
      return false;
    }
    throw error;
  }

  const result = await execCapture(target.engine, target.containerId, {
    cmd: ['/bin/sh', '-c', createScript],
    user: target.user,
    stdin: Readable.from([content]),
    signal: target.signal,
  });
  if (result.exitCode === existsStatus) {
    logger.debug(`The container has a ~/.gitconfig for user "${target.user}" already; left it as it is`);
    return false;
  }
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `Copying ${hostFile} to ~/.gitconfig of user "${target.user}" in container ${target.containerId.slice(0, 12)} ` +
        `failed with exit code ${result.exitCode}: ${result.stderr.trim()}. Check that the user's home folder is writable.`,
      { containerId: target.containerId, status: result.exitCode, outputTail: result.stderr.trim() },
    );
  }
  logger.info(`Copied ${hostFile} to ~/.gitconfig of user "${target.user}"`);
  return true;
}
