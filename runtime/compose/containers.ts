import type Dockerode from 'dockerode';
import { EnvironmentError } from '../errors';
import { type Engine, engineError } from '../engine/client';
import { type ContainerSummary, containerLogTail, findContainer, inspectContainer } from '../engine/containers';
import type { ComposeProject } from './project';

/** Labels Docker Compose puts on every container it creates. */
export const projectLabel = 'com.docker.compose.project';
export const serviceLabel = 'com.docker.compose.service';

/** Finds the main service's container, running or not, by the labels Compose gives it. */
export function findMainContainer(engine: Engine, project: ComposeProject): Promise<ContainerSummary | undefined> {
  return findContainer(engine, { [projectLabel]: project.name, [serviceLabel]: project.service.name });
}

/** Lists every container of a compose project, running or not. */
export async function projectContainers(engine: Engine, projectName: string): Promise<Dockerode.ContainerInfo[]> {
  engine.logger.debug('GET /containers/json');
  try {
    return await engine.docker.listContainers({ all: true, filters: { label: [`${projectLabel}=${projectName}`] } });
  } catch (error) {
    throw engineError(engine, `Listing the containers of compose project ${projectName}`, error);
  }
}

/** Returns the services of a project that have a running container. */
export async function runningServices(engine: Engine, projectName: string): Promise<Set<string>> {
  const containers = await projectContainers(engine, projectName);
  return new Set(containers.filter((info) => info.State === 'running').map((info) => info.Labels?.[serviceLabel] ?? ''));
}

/**
 * Raises when the main container carries the identity labels of another
 * workspace or configuration file. Two configurations whose compose projects
 * got the same name would otherwise share, and rebuild, each other's containers.
 */
export function assertSameWorkspace(project: ComposeProject, container: ContainerSummary): void {
  const owner = container.labels['devcontainer.local_folder'];
  const ownerConfig = container.labels['devcontainer.config_file'];
  const { workspaceFolder, configFile } = project.loaded;
  if (owner === undefined || (owner === workspaceFolder && (ownerConfig === undefined || ownerConfig === configFile))) return;
  throw new EnvironmentError(
    `The compose project "${project.name}" already belongs to the dev container of ${owner === workspaceFolder ? ownerConfig : owner} ` +
      `(container ${container.id.slice(0, 12)}). ` +
      'Give this configuration its own project name: set COMPOSE_PROJECT_NAME in the .env file next to the first compose file, ' +
      'or "name:" in the compose file (Compose v2 only).',
    { objectId: container.id },
  );
}

/**
 * Checks that the main container is running after `up`; a container that
 * exited at once is reported with its exit code, `advice` and last output lines.
 */
export async function assertRunning(engine: Engine, project: ComposeProject, containerId: string, advice?: string): Promise<void> {
  const info = await inspectContainer(engine, containerId);
  if (info.State.Running) return;
  const tail = await containerLogTail(engine, containerId);
  throw new EnvironmentError(
    `The container of service "${project.service.name}" (compose project "${project.name}") is not running ` +
      `(state ${info.State.Status}, exit code ${info.State.ExitCode}). ` +
      'Check the service\'s command and entrypoint in the compose file, or set "overrideCommand": true in devcontainer.json.' +
      (advice ? ` ${advice}` : '') +
      (tail ? `\n${tail}` : ''),
    { endpoint: engine.endpoint, objectId: containerId, status: info.State.ExitCode, outputTail: tail },
  );
}

/** The dev container configuration a container belongs to, from its identity labels. */
export interface ContainerOwner {
  workspaceFolder: string;
  configFile?: string;
}

/** Reads a container's identity labels; undefined for a container no dev container configuration created. */
export function ownerOf(labels: Record<string, string> | undefined): ContainerOwner | undefined {
  const workspaceFolder = labels?.['devcontainer.local_folder'];
  if (workspaceFolder === undefined) return undefined;
  return { workspaceFolder, configFile: labels?.['devcontainer.config_file'] };
}

/**
 * Tells whether a container is the dev container of a configuration other
 * than `owner`: another workspace, or another devcontainer.json of the same
 * workspace that shares the compose project (for example
 * `.devcontainer/app` and `.devcontainer/worker` on one compose file).
 */
export function belongsToOtherConfig(labels: Record<string, string> | undefined, owner: ContainerOwner): boolean {
  const found = ownerOf(labels);
  if (!found) return false;
  if (found.workspaceFolder !== owner.workspaceFolder) return true;
  return found.configFile !== undefined && owner.configFile !== undefined && found.configFile !== owner.configFile;
}
