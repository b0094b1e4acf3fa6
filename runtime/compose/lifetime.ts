import { connectEngine, type Engine } from '../engine/client';
import { inspectContainer } from '../engine/containers';
import { loadConfig } from '../config/load';
import type { LoadedConfig } from '../config/types';
import type { Logger } from '../log';
import { locateContainers } from '../locate';
import { openComposeContext } from './context';
import { projectContainers, serviceLabel } from './containers';
import { removeStoredOverride } from './overrideFile';
import { runCompose } from './run';
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
 * Stops every container of the workspace's compose project (only
 * `runServices` and the main service when runServices is set) and returns
 * their ids. Returns undefined when the selection is not a compose
 * configuration, so the caller handles it.
 */
export async function stopComposeProject(options: ComposeLifetimeOptions): Promise<string[] | undefined> {
  const target = await composeTarget(options);
  if (!target) return undefined;
  const context = await openComposeContext({ loaded: target.loaded, engine: target.engine, logger: options.logger, signal: options.signal });
  const { project } = context;

  const selected = (await projectContainers(target.engine, project.name)).filter(
    (info) => !project.stopServices || project.stopServices.includes(info.Labels?.[serviceLabel] ?? ''),
  );
  if (selected.some((info) => info.State === 'running' || info.State === 'paused' || info.State === 'restarting')) {
    options.logger.info(`Stopping compose project ${project.name}`);
    await runCompose(context, ['stop', ...(project.stopServices ?? [])], { showOutput: true });
  }
  return selected.map((info) => info.Id);
}

/**
 * Removes every container of the workspace's compose project with their
 * anonymous volumes, and its networks, and returns the container ids.
 * Images and named volumes stay, so the next `up` reuses the build cache and
 * the data. Returns undefined when the selection is not a compose configuration.
 */
export async function downComposeProject(options: ComposeLifetimeOptions): Promise<string[] | undefined> {
  const target = await composeTarget(options);
  if (!target) return undefined;
  const context = await openComposeContext({ loaded: target.loaded, engine: target.engine, logger: options.logger, signal: options.signal });
  const { project } = context;

  const containers = await projectContainers(target.engine, project.name);
  if (containers.length > 0) {
    options.logger.info(`Removing compose project ${project.name}`);
    await removeComposeProject(context, { engine: target.engine, anonymousVolumes: true, showOutput: true });
  }
  await removeStoredOverride(project.loaded);
  return containers.map((info) => info.Id);
}

/**
 * Finds the compose configuration a selection names: the workspace's
 * devcontainer.json, or for `--container-id` and `--id-label` the one named
 * by the container's `devcontainer.config_file` label.
 */
async function composeTarget(options: ComposeLifetimeOptions): Promise<{ loaded: LoadedConfig; engine: Engine } | undefined> {
  const byContainer = options.containerId !== undefined || (options.idLabels?.length ?? 0) > 0;
  if (!byContainer) {
    const loaded = await loadConfig({ workspaceFolder: options.workspaceFolder ?? process.cwd(), configFile: options.configFile });
    if (loaded.config.dockerComposeFile === undefined) return undefined;
    return { loaded, engine: options.engine ?? (await connectEngine({ logger: options.logger })) };
  }

  const engine = options.engine ?? (await connectEngine({ logger: options.logger }));
  const [found] = await locateContainers({ engine, containerId: options.containerId, idLabels: options.idLabels });
  if (!found) return undefined;
  const labels = (await inspectContainer(engine, found.id)).Config.Labels ?? {};
  const workspaceFolder = labels['devcontainer.local_folder'];
  const configFile = labels['devcontainer.config_file'];
  if (labels['com.docker.compose.project'] === undefined || !workspaceFolder || !configFile) return undefined;
  const loaded = await loadConfig({ workspaceFolder, configFile });
  return loaded.config.dockerComposeFile === undefined ? undefined : { loaded, engine };
}
