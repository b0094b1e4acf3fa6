import type { Engine } from '../engine/client';
import { execCapture, runExec } from '../engine/exec';
import type { LifecycleCommandName, LifecycleStep } from '../config/metadata';
import { runCommandParts } from './parts';

export interface LifecycleContext {
  engine: Engine;
  containerId: string;
  remoteUser: string;
  workspaceFolder: string;
  /** Environment of lifecycle processes: the probed user environment and remoteEnv. */
  remoteEnv: Record<string, string>;
  /** The container's `State.StartedAt`, which identifies the current start. */
  startedAt: string;
  signal?: AbortSignal;
}

/** Folder in the container that records which once-per-container commands ran. */
const markerFolder = '/var/lib/devcontainer-open';

/**
 * Runs each contribution of a lifecycle command in order, as the remote user
 * in the workspace folder. The object form runs its named commands in
 * parallel. A failure raises with the command's name, origin and exit code.
 */
export async function runLifecycleCommand(
  context: LifecycleContext,
  name: LifecycleCommandName,
  steps: LifecycleStep[],
): Promise<void> {
  const logger = context.engine.logger.child('lifecycle');
  for (const step of steps) {
    await runCommandParts({
      name,
      origin: step.origin,
      command: step.command,
      logger,
      runPart: (argv, output) =>
        runExec(context.engine, context.containerId, {
          cmd: argv,
          user: context.remoteUser,
          workingDir: context.workspaceFolder,
          env: context.remoteEnv,
          stdout: output,
          stderr: output,
          signal: context.signal,
        }),
    });
  }
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
