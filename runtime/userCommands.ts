import { connectEngine, type Engine } from './engine/client';
import { loadConfig } from './config/load';
import type { UserEnvProbe } from './config/metadata';
import { EnvironmentError } from './errors';
import type { Logger } from './log';
import { locateContainers } from './locate';
import { describeRunningContainer, runUserCommands, type UserCommandsOptions } from './up/running';

export interface RunUserCommandsOptions {
  workspaceFolder?: string;
  configFile?: string;
  containerId?: string;
  idLabels?: string[];
  skipPostAttach?: boolean;
  stopAfter?: UserCommandsOptions['stopAfter'];
  defaultUserEnvProbe?: UserEnvProbe;
  extraRemoteEnv?: Record<string, string>;
  logger: Logger;
  signal?: AbortSignal;
  engine?: Engine;
}

/**
 * Runs the lifecycle commands that are due in a workspace's running dev
 * container (`run-user-commands`), with the current devcontainer.json.
 */
export async function runDevContainerUserCommands(options: RunUserCommandsOptions): Promise<{ containerId: string }> {
  const loaded = options.containerId && !options.workspaceFolder
    ? undefined
    : await loadConfig({ workspaceFolder: options.workspaceFolder ?? process.cwd(), configFile: options.configFile });
  const engine = options.engine ?? (await connectEngine({ logger: options.logger }));
  const [container] = await locateContainers({ engine, loaded, containerId: options.containerId, idLabels: options.idLabels });
  if (!container || container.state !== 'running') {
    throw new EnvironmentError(
      container
        ? `Container ${container.id.slice(0, 12)} is ${container.state}. Start it with \`up\` first.`
        : 'No dev container found. Run `up` first, or name the container with --container-id.',
      { endpoint: engine.endpoint, objectId: container?.id },
    );
  }

  const running = await describeRunningContainer({
    engine,
    containerId: container.id,
    loaded,
    defaultUserEnvProbe: options.defaultUserEnvProbe,
    extraRemoteEnv: options.extraRemoteEnv,
    signal: options.signal,
  });
  await runUserCommands(running, {
    skipPostAttach: options.skipPostAttach ?? false,
    stopAfter: options.stopAfter,
    signal: options.signal,
  });
  return { containerId: container.id };
}
