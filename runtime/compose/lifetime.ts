import { connectEngine, type Engine } from '../engine/client';
import { findContainer, inspectContainer, removeContainer } from '../engine/containers';
import { identityLabels, loadConfig } from '../config/load';
import { computeDevcontainerId } from '../config/substitute';
import type { LoadedConfig } from '../config/types';
import { messageOf } from '../errors';
import type { Logger } from '../log';
import { locateContainers } from '../locate';
import { removeContainersByLabel, removeUnusedProjectNetworks, stopContainersById } from './cleanup';
import { openComposeContext } from './context';
import { belongsToOtherConfig, type ContainerOwner, findMainContainer, projectContainers, projectLabel, serviceLabel } from './containers';
import { removeStoredOverride, removeStoredOverrideOf } from './overrideFile';
import { type ComposeContext, runCompose } from './run';
import { removeComposeProject } from './teardown';

/** The container selection of `stop` and `down`, as the CLI passes it. */
export interface ComposeLifetimeOptions {
  workspaceFolder?: string;
  configFile?: string;
  containerId?: string;
  idLabels?: string[];
  logger: Logger;
  engine?: Engine;
  signal?: AbortSignal;
}

/**
 * The compose project a selection names. `context` is missing when the
 * compose files cannot be read (broken, deleted, or the workspace folder
 * moved). The project is then found through its containers' labels.
 */
interface ComposeTarget {
  engine: Engine;
  projectName: string;
  owner: ContainerOwner;
  context?: ComposeContext;
  loaded?: LoadedConfig;
  /** The main container, when known without the compose files. */
  mainContainerId?: string;
}

/** Seconds `stop` without the compose files gives each container before the engine kills it. */
const stopTimeoutSeconds = 5;

/** Compose's default stop timeout in seconds, used when the runtime stops a project's containers itself. */
const composeStopTimeoutSeconds = 10;

/**
 * Stops the containers of the workspace's compose project (only
 * `runServices` and the main service when runServices is set) and returns
 * their ids. When the project also contains the dev container of another
 * configuration, only this configuration's main container stops, because
 * the other services may serve that dev container. Returns undefined when
 * the selection is not a compose configuration, so the caller handles it.
 */
export async function stopComposeProject(options: ComposeLifetimeOptions): Promise<string[] | undefined> {
  const target = await composeTarget(options);
  if (!target) return undefined;
  const { engine, projectName, context } = target;
  const containers = await projectContainers(engine, projectName);
  const shared = containers.some((info) => belongsToOtherConfig(info.Labels, target.owner));
  const active = (info: { State: string }) => info.State === 'running' || info.State === 'paused' || info.State === 'restarting';

  if (shared || !context) {
    const mainId = shared ? await mainContainerOf(target) : undefined;
    const selected = shared ? containers.filter((info) => info.Id === mainId) : containers;
    if (shared) options.logger.info(`Stopping only the main container of compose project ${projectName}: it also holds other configurations' dev containers`);
    else options.logger.info(`Stopping compose project ${projectName} by its containers' labels`);
    await stopContainersById(engine, selected.filter(active).map((info) => info.Id), stopTimeoutSeconds);
    return selected.map((info) => info.Id);
  }

  const { project } = context;
  const selected = containers.filter((info) => !project.stopServices || project.stopServices.includes(info.Labels?.[serviceLabel] ?? ''));
  if (selected.some(active)) {
    options.logger.info(`Stopping compose project ${project.name}`);
    if ((await context.tool()).flavor === 'podman-compose') {
      // podman-compose 1.0.3 stops one container after another, each with a
      // 10 s timeout; the Engine API stops them in parallel.
      await stopContainersById(engine, selected.filter(active).map((info) => info.Id), composeStopTimeoutSeconds);
    } else {
      await runCompose(context, ['stop', ...(project.stopServices ?? [])], { showOutput: true });
    }
  }
  return selected.map((info) => info.Id);
}

/**
 * Removes every container of the workspace's compose project with their
 * anonymous volumes, and its networks, and returns the container ids.
 * Images and named volumes stay, so the next `up` reuses the build cache and
 * the data. When the project also contains the dev container of another
 * configuration, only this configuration's main container is removed.
 * Returns undefined when the selection is not a compose configuration.
 */
export async function downComposeProject(options: ComposeLifetimeOptions): Promise<string[] | undefined> {
  const target = await composeTarget(options);
  if (!target) return undefined;
  const { engine, projectName, context } = target;
  const containers = await projectContainers(engine, projectName);
  const shared = containers.some((info) => belongsToOtherConfig(info.Labels, target.owner));

  let removed: string[];
  if (shared) {
    const mainId = await mainContainerOf(target);
    removed = mainId ? [mainId] : [];
    options.logger.info(`Removing only the main container of compose project ${projectName}: it also holds other configurations' dev containers`);
    for (const id of removed) await removeContainer(engine, id, { anonymousVolumes: true });
  } else if (context) {
    removed = containers.map((info) => info.Id);
    if (containers.length > 0) {
      options.logger.info(`Removing compose project ${projectName}`);
      await removeComposeProject(context, { engine, anonymousVolumes: true, showOutput: true });
    }
  } else {
    removed = containers.map((info) => info.Id);
    options.logger.info(`Removing compose project ${projectName} by its containers' labels`);
    await removeContainersByLabel(engine, projectName, removed);
    await removeUnusedProjectNetworks(engine, projectName);
  }

  if (target.loaded) await removeStoredOverride(target.loaded);
  else if (target.owner.configFile) await removeStoredOverrideOf(computeDevcontainerId(identityLabels(target.owner.workspaceFolder, target.owner.configFile)));
  return removed;
}

async function mainContainerOf(target: ComposeTarget): Promise<string | undefined> {
  if (target.mainContainerId) return target.mainContainerId;
  if (!target.context) return undefined;
  return (await findMainContainer(target.engine, target.context.project))?.id;
}

/**
 * Finds the compose project a selection names: through the workspace's
 * devcontainer.json, or for `--container-id` and `--id-label` through the
 * container's labels. When the compose files cannot be read, the project
 * comes from the `com.docker.compose.project` label of the configuration's
 * main container, so `stop` and `down` still work.
 */
async function composeTarget(options: ComposeLifetimeOptions): Promise<ComposeTarget | undefined> {
  const byContainer = options.containerId !== undefined || (options.idLabels?.length ?? 0) > 0;
  if (!byContainer) {
    const loaded = await loadConfig({ workspaceFolder: options.workspaceFolder ?? process.cwd(), configFile: options.configFile });
    if (loaded.config.dockerComposeFile === undefined) return undefined;
    const engine = options.engine ?? (await connectEngine({ logger: options.logger }));
    const owner = { workspaceFolder: loaded.workspaceFolder, configFile: loaded.configFile };
    try {
      const context = await openComposeContext({ loaded, engine, logger: options.logger, signal: options.signal });
      return { engine, projectName: context.project.name, owner, context, loaded };
    } catch (error) {
      const main = await findContainer(engine, identityLabels(loaded.workspaceFolder, loaded.configFile));
      const projectName = main?.labels[projectLabel];
      if (!main || !projectName) throw error;
      options.logger.warn(`Reading the compose files failed, so compose project ${projectName} is handled by its containers' labels: ${messageOf(error)}`);
      return { engine, projectName, owner, loaded, mainContainerId: main.id };
    }
  }

  const engine = options.engine ?? (await connectEngine({ logger: options.logger }));
  const [found] = await locateContainers({ engine, containerId: options.containerId, idLabels: options.idLabels });
  if (!found) return undefined;
  const labels = (await inspectContainer(engine, found.id)).Config.Labels ?? {};
  const projectName = labels[projectLabel];
  const workspaceFolder = labels['devcontainer.local_folder'];
  const configFile = labels['devcontainer.config_file'];
  if (projectName === undefined || !workspaceFolder || !configFile) return undefined;
  const owner = { workspaceFolder, configFile };
  try {
    const loaded = await loadConfig({ workspaceFolder, configFile });
    if (loaded.config.dockerComposeFile === undefined) return undefined;
    const context = await openComposeContext({ loaded, engine, logger: options.logger, signal: options.signal });
    return { engine, projectName: context.project.name, owner, context, loaded, mainContainerId: found.id };
  } catch (error) {
    options.logger.warn(`Reading the configuration of container ${found.id.slice(0, 12)} failed, so compose project ${projectName} is handled by its containers' labels: ${messageOf(error)}`);
    return { engine, projectName, owner, mainContainerId: found.id };
  }
}
