import type Dockerode from 'dockerode';
import { toEngineMount } from '../engine/mounts';
import { type MetadataEntry, metadataLabel } from '../config/metadata';
import type { LoadedConfig } from '../config/types';
import { identityLabels } from '../config/load';
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

  const mounts = [
    toEngineMount(loaded.workspaceMount, { file: loaded.configFile, jsonPath: 'workspaceMount' }),
    ...(config.mounts ?? []).map((mount, index) =>
      toEngineMount(mount, { file: loaded.configFile, jsonPath: `mounts[${index}]` }),
    ),
  ];

  const featureFlags = metadata.filter((entry) => entry.id !== undefined);
  const init = config.init ?? featureFlags.some((entry) => entry.init === true);
  const privileged = config.privileged ?? featureFlags.some((entry) => entry.privileged === true);
  const capAdd = unique([...(config.capAdd ?? []), ...featureFlags.flatMap((entry) => entry.capAdd ?? [])]);
  const securityOpt = unique([
    ...(config.securityOpt ?? []),
    ...featureFlags.flatMap((entry) => entry.securityOpt ?? []),
  ]);

  return {
    Image: image.details.id,
    Labels: {
      ...identityLabels(loaded.workspaceFolder, loaded.configFile),
      [metadataLabel]: JSON.stringify(metadata),
    },
    Env: Object.entries(env).map(([name, value]) => `${name}=${value}`),
    User: config.containerUser,
    Entrypoint: overrideCommand ? ['/bin/sh', '-c', keepAliveScript, '-'] : undefined,
    Cmd: overrideCommand ? [] : undefined,
    HostConfig: {
      Mounts: mounts,
      Init: init || undefined,
      Privileged: privileged || undefined,
      CapAdd: capAdd.length > 0 ? capAdd : undefined,
      SecurityOpt: securityOpt.length > 0 ? securityOpt : undefined,
    },
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
