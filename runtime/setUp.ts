import { connectEngine, type Engine } from './engine/client';
import { loadConfig } from './config/load';
import type { UserEnvProbe } from './config/metadata';
import { EnvironmentError } from './errors';
import type { Logger } from './log';
import { locateContainers } from './locate';
import { describeRunningContainer, runUserCommands } from './up/running';

export interface SetUpOptions {
  /** The existing container to set up. */
  containerId: string;
  /** devcontainer.json to apply; without it only the image's metadata applies. */
  configFile?: string;
  workspaceFolder?: string;
  skipPostAttach?: boolean;
  defaultUserEnvProbe?: UserEnvProbe;
  extraRemoteEnv?: Record<string, string>;
  logger: Logger;
  signal?: AbortSignal;
  engine?: Engine;
}

export interface SetUpResult {
  containerId: string;
  remoteUser: string;
  remoteWorkspaceFolder: string;
}

/**
 * Sets up a container that another tool started as a dev container
 * (`set-up`): merges its image's metadata with devcontainer.json when given,
 * and runs the lifecycle commands that are due, as the remote user.
 */
export async function setUpContainer(options: SetUpOptions): Promise<SetUpResult> {
  const loaded = options.configFile
    ? await loadConfig({
        workspaceFolder: options.workspaceFolder ?? process.cwd(),
        configFile: options.configFile,
        requireContainerSource: false,
      })
    : undefined;
  const engine = options.engine ?? (await connectEngine({ logger: options.logger }));

  const [container] = await locateContainers({ engine, containerId: options.containerId });
  if (!container || container.state !== 'running') {
    throw new EnvironmentError(
      container
        ? `Container ${options.containerId} is ${container.state}. Start it, then run set-up again.`
        : `Container ${options.containerId} not found. Check the id with \`docker ps\`.`,
      { endpoint: engine.endpoint, objectId: options.containerId },
    );
  }

  const running = await describeRunningContainer({
    engine,
    containerId: container.id,
    loaded,
    // A container made elsewhere has no /workspaces mount unless the config sets workspaceFolder.
    workspaceFolder: loaded?.raw.workspaceFolder ? loaded.containerWorkspaceFolder : (await engine.docker.getContainer(container.id).inspect()).Config.WorkingDir || '/',
    defaultUserEnvProbe: options.defaultUserEnvProbe,
    extraRemoteEnv: options.extraRemoteEnv,
    signal: options.signal,
  });
  await runUserCommands(running, { skipPostAttach: options.skipPostAttach ?? false, signal: options.signal });
  return { containerId: container.id, remoteUser: running.remoteUser, remoteWorkspaceFolder: running.workspaceFolder };
}
