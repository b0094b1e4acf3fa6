import { connectEngine, type Engine } from './engine/client';
import { removeContainer, stopContainer } from './engine/containers';
import { loadConfig } from './config/load';
import type { Logger } from './log';
import { locateContainers } from './locate';
import { downComposeProject, stopComposeProject } from './compose/lifetime';

export interface LifetimeOptions {
  workspaceFolder?: string;
  configFile?: string;
  containerId?: string;
  idLabels?: string[];
  logger: Logger;
  engine?: Engine;
}

/** Stops the dev containers of a workspace (or the named container) and returns their ids. */
export async function stopDevContainers(options: LifetimeOptions): Promise<string[]> {
  const composeContainerIds = await stopComposeProject(options);
  if (composeContainerIds) return composeContainerIds;
  const { engine, containers } = await resolve(options);
  for (const container of containers) {
    if (container.state === 'running' || container.state === 'paused' || container.state === 'restarting') {
      options.logger.info(`Stopping container ${container.id.slice(0, 12)}`);
      await stopContainer(engine, container.id);
    }
  }
  return containers.map((container) => container.id);
}

/**
 * Removes the dev containers of a workspace (or the named container) with
 * their anonymous volumes, and returns their ids. Images and named volumes
 * stay, so the next `up` reuses the build cache and the data.
 */
export async function removeDevContainers(options: LifetimeOptions): Promise<string[]> {
  const composeContainerIds = await downComposeProject(options);
  if (composeContainerIds) return composeContainerIds;
  const { engine, containers } = await resolve(options);
  for (const container of containers) {
    options.logger.info(`Removing container ${container.id.slice(0, 12)}`);
    await removeContainer(engine, container.id, { anonymousVolumes: true });
  }
  return containers.map((container) => container.id);
}

async function resolve(options: LifetimeOptions) {
  const needsConfig = !options.containerId && !(options.idLabels && options.idLabels.length > 0);
  const loaded = needsConfig
    ? await loadConfig({ workspaceFolder: options.workspaceFolder ?? process.cwd(), configFile: options.configFile })
    : undefined;
  const engine = options.engine ?? (await connectEngine({ logger: options.logger }));
  const containers = await locateContainers({
    engine,
    loaded,
    containerId: options.containerId,
    idLabels: options.idLabels,
  });
  return { engine, containers };
}
