import type Dockerode from 'dockerode';
import { toEngineMount } from '../engine/mounts';
import { type MetadataEntry, metadataLabel } from '../config/metadata';
import type { LoadedConfig } from '../config/types';
import { identityLabels } from '../config/load';
import { featureStartCommand, mergeMounts, mergeRunProperties } from '../features/containerProperties';
import type { PreparedImage } from './image';

/**
 * Keeps the container alive without running the image's entrypoint or
 * command, and exits at once on SIGTERM so stopping takes no grace period.
 */
const keepAliveScript = 'echo Container started\ntrap "exit 0" TERM\nwhile sleep 1000 & wait $!; do :; done';

/** Assembles the Engine API create request for a workspace's container. */
export function containerCreateOptions(
  loaded: LoadedConfig,
  image: PreparedImage,
  metadata: MetadataEntry[],
): Dockerode.ContainerCreateOptions {
  const config = loaded.config;
  const overrideCommand = config.overrideCommand ?? true;
  const env = { ...image.featureEnv, ...(config.containerEnv ?? {}) };

  // Image metadata, Features and devcontainer.json merged by the spec's rules.
  const { init, privileged, capAdd, securityOpt, mounts: metadataMounts, entrypoints } = mergeRunProperties(metadata);
  const mounts = [
    ...(loaded.workspaceMount === undefined
      ? []
      : [toEngineMount(loaded.workspaceMount, { file: loaded.configFile, jsonPath: 'workspaceMount' })]),
    ...mergeMounts(metadataMounts, config.mounts ?? []).map(({ mount, jsonPath }) =>
      toEngineMount(mount, { file: loaded.configFile, jsonPath }),
    ),
  ];
  const featureStart = featureStartCommand({
    entrypoints,
    overrideCommand,
    imageEntrypoint: image.imageCommand?.entrypoint ?? [],
    imageCmd: image.imageCommand?.cmd ?? [],
  });

  return {
    // The name, not the id, so `docker ps` shows what the container runs.
    Image: image.name,
    Labels: {
      ...identityLabels(loaded.workspaceFolder, loaded.configFile),
      [metadataLabel]: JSON.stringify(metadata),
    },
    Env: Object.entries(env).map(([name, value]) => `${name}=${value}`),
    User: config.containerUser,
    Entrypoint: featureStart?.Entrypoint ?? (overrideCommand ? ['/bin/sh', '-c', keepAliveScript, '-'] : undefined),
    Cmd: featureStart?.Cmd ?? (overrideCommand ? [] : undefined),
    HostConfig: {
      Mounts: mounts,
      Init: init || undefined,
      Privileged: privileged || undefined,
      CapAdd: capAdd.length > 0 ? capAdd : undefined,
      SecurityOpt: securityOpt.length > 0 ? securityOpt : undefined,
    },
  };
}
