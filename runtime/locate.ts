import type Dockerode from 'dockerode';
import { type Engine, engineError } from './engine/client';
import { identityLabels } from './config/load';
import type { LoadedConfig } from './config/types';
import { ConfigurationError } from './errors';
import { parseNameValuePairs } from './config/nameValue';

export interface LocateOptions {
  engine: Engine;
  /** The workspace's configuration; its identity labels find the container. */
  loaded?: LoadedConfig;
  /** `--container-id`: takes precedence over labels. */
  containerId?: string;
  /** `--id-label name=value`, repeatable: used instead of the workspace's labels. */
  idLabels?: string[];
}

export interface LocatedContainer {
  id: string;
  state: string;
}

/**
 * Finds the containers a command acts on, the way the reference CLI does:
 * by `--container-id`, else by `--id-label`, else by the workspace's
 * `devcontainer.local_folder` and `devcontainer.config_file` labels. Most
 * recent first.
 */
export async function locateContainers(options: LocateOptions): Promise<LocatedContainer[]> {
  const { engine } = options;
  if (options.containerId) {
    try {
      const info = await engine.docker.getContainer(options.containerId).inspect();
      return [{ id: info.Id, state: info.State.Status }];
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return [];
      throw engineError(engine, 'Inspecting the container', error, options.containerId);
    }
  }

  const labels = labelFilters(options);
  let found: Dockerode.ContainerInfo[];
  try {
    engine.logger.debug('GET /containers/json');
    found = await engine.docker.listContainers({ all: true, filters: { label: labels } });
  } catch (error) {
    throw engineError(engine, 'Listing containers', error);
  }
  return found.sort((a, b) => b.Created - a.Created).map((info) => ({ id: info.Id, state: info.State }));
}

function labelFilters(options: LocateOptions): string[] {
  if (options.idLabels && options.idLabels.length > 0) {
    // Parsing rejects malformed entries; the engine filter takes them as written.
    parseNameValuePairs(options.idLabels, '--id-label');
    return options.idLabels;
  }
  if (!options.loaded) {
    throw new ConfigurationError('Name the container: pass --workspace-folder, --container-id or --id-label.');
  }
  return Object.entries(identityLabels(options.loaded.workspaceFolder, options.loaded.configFile)).map(
    ([name, value]) => `${name}=${value}`,
  );
}
