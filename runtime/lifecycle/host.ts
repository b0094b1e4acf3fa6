import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { CancelledError, EnvironmentError } from '../errors';
import type { LifecycleCommand } from '../config/types';
import type { Logger } from '../log';
import { runCommandParts } from './parts';

export interface InitializeCommandOptions {
  command: LifecycleCommand;
  /** The local workspace folder, where the command runs. */
  workspaceFolder: string;
  configFile: string;
  logger: Logger;
  signal?: AbortSignal;
}

/**
 * Runs `initializeCommand` on the host, in the local workspace folder with
 * the host's environment, before any image is built or container started.
 */
export async function runInitializeCommand(options: InitializeCommandOptions): Promise<void> {
  await runCommandParts({
    name: 'initializeCommand',
    origin: 'devcontainer.json',
    command: options.command,
    logger: options.logger.child('initialize'),
    runPart: (argv, output) => spawnOnHost(argv, output, options),
  });
}

function spawnOnHost(argv: string[], output: Writable, options: InitializeCommandOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.workspaceFolder,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
    });
    child.stdout.pipe(output, { end: false });
    child.stderr.pipe(output, { end: false });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') {
        reject(new CancelledError());
        return;
      }
      reject(
        new EnvironmentError(
          `The initializeCommand from ${options.configFile} could not start ${argv[0]}: ${error.message}. ` +
            'Check that the program exists on the host.',
          {},
          { cause: error },
        ),
      );
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
