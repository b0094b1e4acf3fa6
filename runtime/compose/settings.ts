/**
 * Environment variables that change how compose configurations run. They
 * reach the runtime from the CLI's environment and from the editor's.
 */

/**
 * Forces the compose tool instead of detecting one: `docker compose`,
 * `docker-compose`, `podman-compose`, or the path of a compose executable.
 */
export const composeToolVariable = 'DEVCONTAINER_COMPOSE_TOOL';

/**
 * Set to `1` or `true` to keep the containers of a compose project whose
 * start failed, for inspection. By default `down` removes them.
 */
export const keepFailedProjectVariable = 'DEVCONTAINER_COMPOSE_KEEP_FAILED';

export function keepFailedProject(env: NodeJS.ProcessEnv): boolean {
  const value = (env[keepFailedProjectVariable] ?? '').trim().toLowerCase();
  return value === '1' || value === 'true' || value === 'yes';
}

/**
 * Returns the effective `shutdownAction` of a configuration. The Dev
 * Containers specification makes `stopCompose` the default for compose
 * configurations and `stopContainer` the default for the others.
 */
export function effectiveShutdownAction(config: { shutdownAction?: string; dockerComposeFile?: unknown }): 'none' | 'stopContainer' | 'stopCompose' {
  const action = config.shutdownAction;
  if (action === 'none' || action === 'stopContainer' || action === 'stopCompose') return action;
  return config.dockerComposeFile !== undefined ? 'stopCompose' : 'stopContainer';
}
