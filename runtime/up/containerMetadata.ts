import { configMetadata, type MergedMetadata, type MetadataEntry, type UserEnvProbe, mergeMetadata, readMetadataLabel } from '../config/metadata';
import { substituteString } from '../config/substitute';
import type { LoadedConfig } from '../config/types';

// The engine-free steps of describing a running container, shared by the
// full runtime and the CLI's warm path.

/**
 * Returns the image and Feature entries of a container's metadata label,
 * without the config's own entry, which the runtime writes last on the
 * containers it creates. Returns undefined for a container without the
 * label, whose metadata is then its image's.
 */
export function containerMetadataEntries(labels: Record<string, string> | undefined): MetadataEntry[] | undefined {
  const entries = readMetadataLabel(labels);
  if (entries.length === 0) {
    return undefined;
  }
  return labels?.['devcontainer.config_file'] !== undefined ? entries.slice(0, -1) : entries;
}

export interface MergeOptions {
  /** The current configuration. Its entry goes last, and remoteEnv is substituted with its values. */
  loaded?: LoadedConfig;
  /** userEnvProbe when the metadata sets none (`--default-user-env-probe`). */
  defaultUserEnvProbe?: UserEnvProbe;
}

/** Merges a container's metadata entries with the current configuration's entry. */
export function mergeContainerMetadata(entries: MetadataEntry[], options: MergeOptions): MergedMetadata {
  const { loaded } = options;
  const merged = mergeMetadata(loaded ? [...entries, configMetadata(loaded.config)] : entries);
  if (loaded) {
    // Image labels keep remoteEnv as written, so `${localEnv:...}` resolves here, on this host.
    const variables = {
      localWorkspaceFolder: loaded.workspaceFolder,
      containerWorkspaceFolder: loaded.containerWorkspaceFolder,
      devcontainerId: loaded.devcontainerId,
      env: process.env,
    };
    for (const [name, value] of Object.entries(merged.remoteEnv)) {
      if (value !== null) merged.remoteEnv[name] = substituteString(value, variables);
    }
  }
  if (merged.userEnvProbe === undefined && options.defaultUserEnvProbe !== undefined) {
    merged.userEnvProbe = options.defaultUserEnvProbe;
  }
  return merged;
}

/** Picks the remote user in the spec's order: remoteUser, containerUser, then the image's user. */
export function remoteUserOf(merged: MergedMetadata, imageUser: string | undefined): string {
  return merged.remoteUser ?? merged.containerUser ?? (imageUser || 'root');
}
