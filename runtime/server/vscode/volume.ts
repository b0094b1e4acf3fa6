import type Dockerode from 'dockerode';

/**
 * Folder in the container with one folder per installed editor server build.
 * `up` can mount a named volume here, so a rebuilt container finds the servers.
 */
export const editorServerRoot = '/opt/devcontainer-open/editor-servers';

/** Name of the named volume that `up` mounts at editorServerRoot when a caller requests it. */
export const defaultEditorServerVolume = 'devcontainer-open-editor-servers';

/**
 * Returns the create request with the editor server volume mounted. `true`
 * means the default volume name. The engine creates the volume on first use.
 */
export function withEditorServerVolume(
  createOptions: Dockerode.ContainerCreateOptions,
  volume: boolean | string | undefined,
): Dockerode.ContainerCreateOptions {
  if (volume === undefined || volume === false) {
    return createOptions;
  }
  const name = volume === true ? defaultEditorServerVolume : volume;
  const mounts = createOptions.HostConfig?.Mounts ?? [];
  return {
    ...createOptions,
    HostConfig: {
      ...createOptions.HostConfig,
      Mounts: [...mounts, { Type: 'volume', Source: name, Target: editorServerRoot }],
    },
  };
}
