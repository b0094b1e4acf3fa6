import Dockerode from 'dockerode';

export const docker = new Dockerode();

/** Containers (running or not) whose devcontainer.local_folder label is `folder`. */
export async function containersOf(folder: string): Promise<Dockerode.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`devcontainer.local_folder=${folder}`] } });
}

/** Removes the containers of a workspace and the images built for it. */
export async function removeWorkspaceContainers(folder: string): Promise<void> {
  const imageIds = new Set<string>();
  for (const info of await containersOf(folder)) {
    imageIds.add(info.ImageID);
    await docker.getContainer(info.Id).remove({ force: true, v: true });
  }
  for (const id of imageIds) {
    const image = await docker.getImage(id).inspect().catch(() => undefined);
    const built = image?.RepoTags?.some((tag) => tag.startsWith('devcontainer-')) ?? false;
    if (built) {
      await removeImageChain(id);
    }
  }
}

/**
 * Removes the tags the runtime gave a built image, and the Feature layer's
 * base. Only `devcontainer-` tags go: a Dockerfile that adds nothing has the
 * same image id as its base, and that base's own tags must stay.
 */
async function removeImageChain(id: string): Promise<void> {
  const image = await docker.getImage(id).inspect().catch(() => undefined);
  if (!image) return;
  const tags = (image.RepoTags ?? []).filter((tag) => tag.startsWith('devcontainer-'));
  for (const tag of tags) {
    await docker.getImage(tag).remove({ noprune: false }).catch(() => undefined);
  }
  for (const tag of tags) {
    if (tag.endsWith('-features:latest')) {
      const base = tag.replace(/-features:latest$/, ':latest');
      await docker.getImage(base).remove().catch(() => undefined);
    }
  }
}
