import type { Engine } from '../engine/client';
import { engineError } from '../engine/client';
import { projectContainers, projectLabel, serviceLabel } from './containers';

/** The containers and networks of a compose project at one moment, to tell later which ones `up` created. */
export interface ProjectSnapshot {
  projectName: string;
  containerIds: Set<string>;
  /** Services that had a container, running or not. */
  services: Set<string>;
  networkIds: Set<string>;
}

/** Records which containers and networks of a compose project exist now. */
export async function snapshotProject(engine: Engine, projectName: string): Promise<ProjectSnapshot> {
  const containers = await projectContainers(engine, projectName);
  const networks = await projectNetworks(engine, projectName);
  return {
    projectName,
    containerIds: new Set(containers.map((info) => info.Id)),
    services: new Set(containers.map((info) => info.Labels?.[serviceLabel] ?? '')),
    networkIds: new Set(networks.map((network) => network.Id)),
  };
}

/**
 * Removes what a failed `up` created after the snapshot: containers that did
 * not exist before (killed, not stopped, so cleanup after a cancel finishes
 * at once), and networks that did not exist before and that no container
 * uses any more. Containers and networks that existed before stay, so a
 * failed `up` never removes a project someone else started. A new container
 * loses its anonymous volumes only when its service had no container before,
 * because Compose moves the volumes of a recreated container to the new one.
 * Returns the ids of the removed containers.
 */
export async function removeCreatedSince(engine: Engine, snapshot: ProjectSnapshot): Promise<string[]> {
  const created = (await projectContainers(engine, snapshot.projectName)).filter((info) => !snapshot.containerIds.has(info.Id));
  await Promise.all(
    created.map((info) => {
      const service = info.Labels?.[serviceLabel] ?? '';
      return removeContainerById(engine, info.Id, snapshot.projectName, !snapshot.services.has(service));
    }),
  );
  for (const network of await projectNetworks(engine, snapshot.projectName)) {
    if (!snapshot.networkIds.has(network.Id)) await removeNetworkIfUnused(engine, network, snapshot.projectName);
  }
  return created.map((info) => info.Id);
}

/**
 * Removes containers of a compose project through the Engine API, without
 * the compose files: for projects whose files are broken or gone.
 */
export async function removeContainersByLabel(engine: Engine, projectName: string, ids: string[]): Promise<void> {
  await Promise.all(ids.map((id) => removeContainerById(engine, id, projectName, true)));
}

/** Removes the networks of a compose project that no container uses. */
export async function removeUnusedProjectNetworks(engine: Engine, projectName: string): Promise<void> {
  for (const network of await projectNetworks(engine, projectName)) {
    await removeNetworkIfUnused(engine, network, projectName);
  }
}

/** Stops containers in parallel with a short timeout, through the Engine API. */
export async function stopContainersById(engine: Engine, ids: string[], timeoutSeconds: number): Promise<void> {
  await Promise.all(
    ids.map(async (id) => {
      engine.logger.debug(`POST /containers/${id.slice(0, 12)}/stop`);
      try {
        await engine.docker.getContainer(id).stop({ t: timeoutSeconds });
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 304 || status === 404) return;
        throw engineError(engine, `Stopping container ${id.slice(0, 12)}`, error, id);
      }
    }),
  );
}

async function removeContainerById(engine: Engine, id: string, projectName: string, anonymousVolumes: boolean): Promise<void> {
  engine.logger.debug(`DELETE /containers/${id.slice(0, 12)}`);
  try {
    await engine.docker.getContainer(id).remove({ force: true, v: anonymousVolumes });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return;
    throw engineError(engine, `Removing container ${id.slice(0, 12)} of compose project ${projectName}`, error, id);
  }
}

async function projectNetworks(engine: Engine, projectName: string): Promise<{ Id: string; Name: string }[]> {
  engine.logger.debug('GET /networks');
  try {
    return await engine.docker.listNetworks({ filters: { label: [`${projectLabel}=${projectName}`] } });
  } catch (error) {
    throw engineError(engine, `Listing the networks of compose project ${projectName}`, error);
  }
}

/**
 * Removes a network unless a container is still attached. Docker rejects
 * that with 403, Podman 4.3 with 500 and "in use" in the message.
 */
async function removeNetworkIfUnused(engine: Engine, network: { Id: string; Name: string }, projectName: string): Promise<void> {
  engine.logger.debug(`DELETE /networks/${network.Name}`);
  try {
    await engine.docker.getNetwork(network.Id).remove();
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404 || status === 403 || status === 409) return;
    if (status === 500 && /in use|active endpoints/i.test(String((error as Error).message))) return;
    throw engineError(engine, `Removing network ${network.Name} of compose project ${projectName}`, error, network.Id);
  }
}
