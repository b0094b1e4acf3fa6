import type { Engine } from '../engine/client';
import { engineError } from '../engine/client';
import { projectContainers, projectLabel } from './containers';
import { type ComposeContext, runCompose } from './run';

export interface RemoveProjectOptions {
  engine: Engine;
  /** Compose files added after the project's own, such as the override file. */
  extraFiles?: string[];
  /** True to remove the containers' anonymous volumes too. Named volumes always stay. */
  anonymousVolumes: boolean;
  /** Log the tool's output at info level. */
  showOutput?: boolean;
}

/**
 * Removes a compose project's containers and networks: with `rm` and `down`
 * for Docker Compose, and for podman-compose through the Engine API around
 * its `down`. podman-compose 1.0.3 has no `rm`, its `down` takes no
 * `--remove-orphans`, removes containers without their anonymous volumes and
 * leaves the networks, so the runtime removes those itself. Its `down` still
 * runs, for the pods that later podman-compose releases create.
 */
export async function removeComposeProject(context: ComposeContext, options: RemoveProjectOptions): Promise<void> {
  const tool = await context.tool();
  const commandOptions = { extraFiles: options.extraFiles, showOutput: options.showOutput };
  if (tool.flavor !== 'podman-compose') {
    // `rm -v` removes the anonymous volumes, which `down` without `-v` keeps. `down` then removes the networks.
    if (options.anonymousVolumes) await runCompose(context, ['rm', '--stop', '--force', '-v'], commandOptions);
    await runCompose(context, ['down', '--remove-orphans'], commandOptions);
    return;
  }

  await removeProjectContainers(options.engine, context.project.name, options.anonymousVolumes);
  await runCompose(context, ['down'], commandOptions);
  await removeProjectNetworks(options.engine, context.project.name);
}

async function removeProjectContainers(engine: Engine, projectName: string, anonymousVolumes: boolean): Promise<void> {
  for (const info of await projectContainers(engine, projectName)) {
    engine.logger.debug(`DELETE /containers/${info.Id.slice(0, 12)}`);
    try {
      await engine.docker.getContainer(info.Id).remove({ force: true, v: anonymousVolumes });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) continue;
      throw engineError(engine, `Removing container ${info.Id.slice(0, 12)} of compose project ${projectName}`, error, info.Id);
    }
  }
}

async function removeProjectNetworks(engine: Engine, projectName: string): Promise<void> {
  engine.logger.debug('GET /networks');
  let networks;
  try {
    networks = await engine.docker.listNetworks({ filters: { label: [`${projectLabel}=${projectName}`] } });
  } catch (error) {
    throw engineError(engine, `Listing the networks of compose project ${projectName}`, error);
  }
  for (const network of networks) {
    engine.logger.debug(`DELETE /networks/${network.Name}`);
    try {
      await engine.docker.getNetwork(network.Id).remove();
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) continue;
      throw engineError(engine, `Removing network ${network.Name} of compose project ${projectName}`, error, network.Id);
    }
  }
}
