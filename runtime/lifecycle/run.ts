import { Writable } from 'node:stream';
import { EnvironmentError } from '../errors';
import type { Engine } from '../engine/client';
import { execCapture, runExec } from '../engine/exec';
import type { LifecycleCommand } from '../config/types';
import type { LifecycleCommandName } from '../config/metadata';

export interface LifecycleContext {
  engine: Engine;
  containerId: string;
  remoteUser: string;
  workspaceFolder: string;
  remoteEnv: Record<string, string>;
  signal?: AbortSignal;
}

/** Folder in the container that records which once-per-container commands ran. */
const markerFolder = '/var/lib/devcontainer-open';

/**
 * Runs each contribution of a lifecycle command in order, as the remote user
 * in the workspace folder. The object form runs its named commands in
 * parallel. A failure raises with the exit code and the output tail.
 */
export async function runLifecycleCommand(
  context: LifecycleContext,
  name: LifecycleCommandName,
  commands: LifecycleCommand[],
): Promise<void> {
  for (const command of commands) {
    if (typeof command === 'string' || Array.isArray(command)) {
      await runOne(context, name, command);
    } else {
      await Promise.all(
        Object.entries(command).map(([label, part]) => runOne(context, `${name}:${label}`, part)),
      );
    }
  }
}

async function runOne(context: LifecycleContext, label: string, command: string | string[]): Promise<void> {
  const logger = context.engine.logger.child('lifecycle');
  const argv = typeof command === 'string' ? ['/bin/sh', '-c', command] : command;
  if (argv.length === 0) {
    return;
  }
  logger.info(`Running ${label}: ${typeof command === 'string' ? command : JSON.stringify(command)}`);

  const tail: string[] = [];
  const output = lineWriter((line) => {
    logger.info(`${label}: ${line}`);
    tail.push(line);
    if (tail.length > 20) tail.shift();
  });
  const started = Date.now();
  const exitCode = await runExec(context.engine, context.containerId, {
    cmd: argv,
    user: context.remoteUser,
    workingDir: context.workspaceFolder,
    env: context.remoteEnv,
    stdout: output,
    stderr: output,
    signal: context.signal,
  });
  // Flushes a last line that had no newline.
  await new Promise<void>((resolve) => output.end(resolve));
  if (exitCode !== 0) {
    throw new EnvironmentError(
      `The ${label} failed with exit code ${exitCode}: ${argv.join(' ')}` +
        (tail.length > 0 ? `\n${tail.join('\n')}` : ''),
      { objectId: context.containerId, status: exitCode, outputTail: tail.join('\n') },
    );
  }
  logger.info(`${label} finished in ${Date.now() - started} ms`);
}

/** Names of the markers present, that is, the once-per-container commands that ran. */
export async function readMarkers(context: LifecycleContext): Promise<Set<string>> {
  const result = await execCapture(context.engine, context.containerId, {
    cmd: ['/bin/sh', '-c', 'ls -1 "$0" 2>/dev/null || true', markerFolder],
    user: 'root',
  });
  return new Set(result.stdout.split('\n').filter((name) => name.length > 0));
}

export async function writeMarker(context: LifecycleContext, name: string): Promise<void> {
  await execCapture(context.engine, context.containerId, {
    cmd: ['/bin/sh', '-c', 'mkdir -p "$0" && touch "$0/$1"', markerFolder, name],
    user: 'root',
  });
}

/** Creates a writable that calls `onLine` for each complete line written to it. */
function lineWriter(onLine: (line: string) => void): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) onLine(line.replace(/\r$/, ''));
      callback();
    },
    final(callback) {
      if (pending.length > 0) onLine(pending);
      callback();
    },
  });
}
