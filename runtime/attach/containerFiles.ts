import { Readable } from 'node:stream';
import type { Engine } from '../engine/client';
import { execCapture } from '../engine/exec';
import { EnvironmentError } from '../errors';
import writeFileScript from './write-file.sh';

/** The container and user of a file read or write. */
export interface ContainerUser {
  engine: Engine;
  containerId: string;
  /** The user the exec runs as; `~/` paths are relative to that user's home. */
  user: string;
  signal?: AbortSignal;
}

/** Exit status of the read command when the file does not exist. */
const missingStatus = 3;

/**
 * Reads a text file in the container as `target.user`, or returns undefined
 * when it does not exist. The path goes through argv, never into the script.
 */
export async function readContainerFile(target: ContainerUser, file: string): Promise<string | undefined> {
  const script = `case $1 in "~/"*) set -- "$HOME/\${1#"~/"}" ;; esac; [ -f "$1" ] || exit ${missingStatus}; cat "$1"`;
  const result = await execCapture(target.engine, target.containerId, {
    cmd: ['/bin/sh', '-c', script, 'sh', file],
    user: target.user,
    signal: target.signal,
  });
  if (result.exitCode === missingStatus) {
    return undefined;
  }
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `Reading ${file} as user "${target.user}" in container ${target.containerId.slice(0, 12)} failed ` +
        `with exit code ${result.exitCode}: ${result.stderr.trim()}. Check that the user can read the file.`,
      { containerId: target.containerId, status: result.exitCode, outputTail: result.stderr.trim() },
    );
  }
  return result.stdout;
}

/**
 * Writes a file in the container as `target.user`, creating its folder. The
 * content reaches the container on the exec's stdin, so it is never part of
 * a command line or script.
 */
export async function writeContainerFile(
  target: ContainerUser,
  file: string,
  content: string | Buffer,
  mode?: string,
): Promise<void> {
  const result = await execCapture(target.engine, target.containerId, {
    cmd: ['/bin/sh', '-c', writeFileScript, 'sh', file, mode ?? ''],
    user: target.user,
    stdin: Readable.from([Buffer.from(content)]),
    signal: target.signal,
  });
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `Writing ${file} as user "${target.user}" in container ${target.containerId.slice(0, 12)} failed ` +
        `with exit code ${result.exitCode}: ${result.stderr.trim()}. Check that the user owns its folder.`,
      { containerId: target.containerId, status: result.exitCode, outputTail: result.stderr.trim() },
    );
  }
}

/** Returns the last `maxLength` characters of process output, trimmed, for messages. */
export function outputTail(output: string, maxLength = 2000): string {
  const trimmed = output.trim();
  return trimmed.length > maxLength ? `…${trimmed.slice(-maxLength)}` : trimmed;
}
