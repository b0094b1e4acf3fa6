import { substituteDeep, substituteString } from '../config/substitute';
import type { LoadedConfig } from '../config/types';
import type { Logger } from '../log';

/**
 * Applies the compose rules for the workspace to a loaded configuration:
 * the compose files mount the workspace, so there is no workspace mount, and
 * `workspaceFolder` defaults to `/`, as in the reference CLI. Variables are
 * substituted again with that folder. Other configurations are returned
 * unchanged.
 */
export function withComposeWorkspace(loaded: LoadedConfig, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  if (loaded.raw.dockerComposeFile === undefined) return loaded;
  const local = { localWorkspaceFolder: loaded.workspaceFolder, devcontainerId: loaded.devcontainerId, env };
  const containerWorkspaceFolder = loaded.raw.workspaceFolder ? substituteString(loaded.raw.workspaceFolder, local) : '/';
  return {
    ...loaded,
    config: substituteDeep(loaded.raw, { ...local, containerWorkspaceFolder }),
    containerWorkspaceFolder,
    workspaceMount: undefined,
  };
}

/** Properties of image and Dockerfile configurations that compose configurations set in the compose file instead. */
const singleContainerProperties = ['image', 'build', 'dockerFile', 'runArgs', 'appPort', 'workspaceMount'];

/** Warns about devcontainer.json properties that have no effect on a compose configuration. */
export function warnIgnoredProperties(loaded: LoadedConfig, logger: Logger): void {
  for (const name of singleContainerProperties) {
    if (loaded.raw[name] !== undefined) {
      logger.warn(`"${name}" in ${loaded.configFile} has no effect with dockerComposeFile; set the equivalent on the service in the compose file.`);
    }
  }
}
