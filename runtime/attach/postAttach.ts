import type { Engine } from '../engine/client';
import type { LoadedConfig } from '../config/types';
import { type LifecycleContext, runLifecycleCommand } from '../lifecycle/run';
import type { Logger } from '../log';
import { describeRunningContainer } from '../up/running';

export interface PostAttachOptions {
  engine: Engine;
  containerId: string;
  /** The current configuration; without it, the metadata recorded on the container applies. */
  loaded?: LoadedConfig;
  /** Variables added on top of the remote environment. */
  extraRemoteEnv?: Record<string, string>;
  logger: Logger;
  signal?: AbortSignal;
}

/**
 * Runs postAttachCommand, and nothing else, in a running dev container, for
 * each new editor connection to it, such as the start of an SSH session.
 * Returns false when the configuration has none. A failure raises with
 * the command's origin and exit code.
 */
export async function runPostAttachCommand(options: PostAttachOptions): Promise<boolean> {
  const running = await describeRunningContainer({
    engine: options.engine,
    containerId: options.containerId,
    loaded: options.loaded,
    extraRemoteEnv: options.extraRemoteEnv,
    signal: options.signal,
  });
  const steps = running.merged.lifecycle.postAttachCommand;
  if (steps.length === 0) {
    options.logger.child('attach').debug('No postAttachCommand to run');
    return false;
  }
  const context: LifecycleContext = {
    engine: running.engine,
    containerId: running.info.Id,
    remoteUser: running.remoteUser,
    workspaceFolder: running.workspaceFolder,
    remoteEnv: running.remoteEnv,
    startedAt: running.info.State.StartedAt,
    signal: options.signal,
  };
  await runLifecycleCommand(context, 'postAttachCommand', steps);
  return true;
}
