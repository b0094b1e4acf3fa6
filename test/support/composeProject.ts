import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { computeDevcontainerId } from '../../runtime/config/substitute';
import { containersOf, docker } from './engine';

const projectLabel = 'com.docker.compose.project';

/** A compose project that a workspace's dev container belongs to. */
export interface WorkspaceProject {
  name: string;
  /** The runtime's cache folder for the project's override file. */
  cacheFolder: string;
}

/** Describes the project a workspace's dev container uses, for cleanup when no container is left to ask. */
export function workspaceProject(folder: string, name: string, configFile = path.join(folder, '.devcontainer', 'devcontainer.json')): WorkspaceProject {
  const id = computeDevcontainerId({ 'devcontainer.local_folder': folder, 'devcontainer.config_file': configFile });
  const cacheBase = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return { name, cacheFolder: path.join(cacheBase, 'devcontainer-open', 'compose', id) };
}

/** Finds the compose projects of a workspace through its main containers' labels. */
export async function composeProjectsOf(folder: string): Promise<WorkspaceProject[]> {
  const projects = new Map<string, WorkspaceProject>();
  for (const info of await containersOf(folder)) {
    const name = info.Labels?.[projectLabel];
    if (name) projects.set(name, workspaceProject(folder, name, info.Labels['devcontainer.config_file']));
  }
  return [...projects.values()];
}

/** Stops every container of the projects, as `docker compose -p NAME stop` would. */
export async function stopComposeProjects(projects: WorkspaceProject[]): Promise<void> {
  for (const project of projects) {
    for (const info of await docker.listContainers({ filters: { label: [`${projectLabel}=${project.name}`] } })) {
      await docker.getContainer(info.Id).stop({ t: 2 }).catch(() => undefined);
    }
  }
}

/**
 * Removes what the projects left: containers with their anonymous volumes,
 * networks and volumes labelled with the project, the images compose built
 * for it (`<project>_<service>` or `<project>-<service>`), and the cached
 * override file.
 */
export async function removeComposeProjects(projects: WorkspaceProject[]): Promise<void> {
  for (const project of projects) {
    const filters = { label: [`${projectLabel}=${project.name}`] };
    for (const info of await docker.listContainers({ all: true, filters })) {
      await docker.getContainer(info.Id).remove({ force: true, v: true }).catch(() => undefined);
    }
    for (const network of await docker.listNetworks({ filters })) {
      await docker.getNetwork(network.Id).remove().catch(() => undefined);
    }
    const { Volumes: volumes } = await docker.listVolumes({ filters });
    for (const volume of volumes ?? []) {
      await docker.getVolume(volume.Name).remove().catch(() => undefined);
    }
    for (const image of await docker.listImages()) {
      for (const tag of image.RepoTags ?? []) {
        if (tag.startsWith(`${project.name}_`) || tag.startsWith(`${project.name}-`)) {
          await docker.getImage(tag).remove().catch(() => undefined);
        }
      }
    }
    fs.rmSync(project.cacheFolder, { recursive: true, force: true });
  }
}
