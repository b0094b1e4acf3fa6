import { docker } from '../support/engine';
import type { Side } from './sides';

/**
 * Removes what `up` made for one workspace copy: its containers (with their
 * anonymous volumes), the named volumes they mounted, and the images either
 * CLI built and tagged for that workspace basename. Ours tags
 * `devcontainer-<basename>-<id>`, the reference CLI 0.89.0 tags
 * `vsc-<basename>-<hash>` with `-uid` or `-features` suffixes.
 * Base images such as `debian:bookworm` are left alone.
 */
export async function removeSideResources(sides: Side[], basename: string): Promise<string[]> {
  const problems: string[] = [];
  // Both CLIs build identical Dockerfiles, so their images can share ids:
  // every container goes before any image.
  for (const side of sides) {
    problems.push(...(await removeSideContainers(side)));
  }
  await removeBuiltImages(basename, problems);
  await removeUntaggedStages(basename);
  return problems;
}

/** Removes one workspace copy's containers with their anonymous and named volumes. */
async function removeSideContainers(side: Side): Promise<string[]> {
  const problems: string[] = [];
  const volumes = new Set<string>();
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`devcontainer.local_folder=${side.workspaceFolder}`] },
  });

  for (const info of containers) {
    for (const mount of info.Mounts ?? []) {
      if (mount.Type === 'volume' && mount.Name) volumes.add(mount.Name);
    }
    await docker
      .getContainer(info.Id)
      .remove({ force: true, v: true })
      .catch((error: unknown) => problems.push(`container ${info.Id}: ${String(error)}`));
  }

  for (const name of volumes) {
    await docker
      .getVolume(name)
      .remove()
      .catch((error: unknown) => problems.push(`volume ${name}: ${String(error)}`));
  }

  return problems;
}

/** Label that every Dockerfile in the suite sets in its first stage, with the workspace basename. */
export const stageLabel = 'devcontainer.conformance';

/**
 * Removes untagged images left by builds of this workspace: the reference
 * CLI appends its own final stage to the Dockerfile, so the classic builder
 * also builds stages after `build.target`, and nothing tags them. Removal is
 * best effort because a concurrent build may still use such an image as its
 * parent, and the engine then rejects the removal.
 */
async function removeUntaggedStages(basename: string): Promise<void> {
  const images = await docker.listImages({ filters: { dangling: ['true'], label: [`${stageLabel}=${basename}`] } });
  for (const image of images) {
    await docker
      .getImage(image.Id)
      .remove()
      .catch(() => undefined);
  }
}

async function removeBuiltImages(basename: string, problems: string[]): Promise<void> {
  const escaped = basename.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const builtTag = new RegExp(`^(vsc-${escaped}-[0-9a-f]{16,}|devcontainer-${escaped}-[0-9a-z]{10})(-uid|-features)*:`);
  const images = await docker.listImages({ all: false });
  const tags = images.flatMap((image) => image.RepoTags ?? []).filter((tag) => builtTag.test(tag));
  // Derived images (`-uid`, `-features`) go before the images they build on.
  tags.sort((a, b) => b.length - a.length);
  for (const tag of tags) {
    await docker
      .getImage(tag)
      .remove()
      .catch((error: unknown) => problems.push(`image ${tag}: ${String(error)}`));
  }
}
