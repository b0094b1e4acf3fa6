import { loadConfig } from '../config/load';
import type { Engine } from '../engine/client';
import { messageOf } from '../errors';
import { imageNameFor } from '../up/image';

/** Names of the engine's volumes, taken before a test so cleanup never removes a volume that existed already. */
export async function listVolumeNames(engine: Engine): Promise<Set<string>> {
  const listed = await engine.docker.listVolumes();
  return new Set((listed.Volumes ?? []).map((volume) => volume.Name));
}

export interface RemoveTestResourcesOptions {
  engine: Engine;
  /** The test's workspace folder: its containers carry it in the `devcontainer.local_folder` label. */
  workspace: string;
  /** Volume names from before the test; only volumes missing there are removed. */
  volumesBefore: Set<string>;
}

/**
 * Removes what one `features test` run created: the containers labelled with
 * its workspace, their anonymous volumes, the named volumes they mount that
 * did not exist before the test (Feature-declared volumes), and the images
 * tagged with the workspace's image name. Finds them by label and name, not
 * from `up`'s result, so it also cleans up after a cancelled or failed `up`.
 * Returns one message per resource that could not be removed.
 */
export async function removeTestResources(options: RemoveTestResourcesOptions): Promise<string[]> {
  const { engine } = options;
  const problems: string[] = [];
  const containers = await engine.docker.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${options.workspace}`] } });
  const volumes = new Set<string>();
  for (const container of containers) {
    for (const mount of container.Mounts ?? []) {
      if (mount.Type === 'volume' && mount.Name && !options.volumesBefore.has(mount.Name)) volumes.add(mount.Name);
    }
    await engine.docker
      .getContainer(container.Id)
      .remove({ force: true, v: true })
      .catch((error: unknown) => problems.push(`container ${container.Id.slice(0, 12)}: ${messageOf(error)}`));
  }
  for (const volume of volumes) {
    await engine.docker
      .getVolume(volume)
      .remove()
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) problems.push(`volume ${volume}: ${messageOf(error)}`);
      });
  }
  problems.push(...(await removeWorkspaceImages(engine, options.workspace)));
  return problems;
}

/** Removes the images tagged `<imageNameFor(workspace)>` and its `-features` and `-uid` variants, newest first. */
async function removeWorkspaceImages(engine: Engine, workspace: string): Promise<string[]> {
  let prefix: string;
  try {
    prefix = imageNameFor(await loadConfig({ workspaceFolder: workspace, mountGitRoot: false }));
  } catch {
    // Without a readable devcontainer.json the test never reached a build.
    return [];
  }
  const images = (await engine.docker.listImages())
    .filter((image) => image.RepoTags?.some((tag) => tag === `${prefix}:latest` || tag.startsWith(`${prefix}-`)))
    .sort((a, b) => b.Created - a.Created);
  // A parent image cannot be removed while a child exists. Children are newer,
  // but creation times have one-second resolution, so a second pass retries.
  let problems: string[] = [];
  let remaining = images;
  for (let pass = 0; pass < 2 && remaining.length > 0; pass++) {
    problems = [];
    const failed: typeof images = [];
    for (const image of remaining) {
      await engine.docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch((error: { statusCode?: number }) => {
          if (error.statusCode === 404) return;
          failed.push(image);
          problems.push(`image ${image.RepoTags?.[0] ?? image.Id}: ${messageOf(error)}`);
        });
    }
    remaining = failed;
  }
  return problems;
}
