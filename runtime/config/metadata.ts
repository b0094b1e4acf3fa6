import type { DevContainerConfig, LifecycleCommand } from './types';

/**
 * One entry of the `devcontainer.metadata` label: the properties an image,
 * a Feature or devcontainer.json contributes. The label contains a JSON array of
 * these, base image first and devcontainer.json last.
 */
export type MetadataEntry = Partial<
  Pick<
    DevContainerConfig,
    | 'remoteUser'
    | 'containerUser'
    | 'remoteEnv'
    | 'containerEnv'
    | 'overrideCommand'
    | 'init'
    | 'privileged'
    | 'capAdd'
    | 'securityOpt'
    | 'mounts'
    | 'onCreateCommand'
    | 'updateContentCommand'
    | 'postCreateCommand'
    | 'postStartCommand'
    | 'postAttachCommand'
    | 'customizations'
  >
> & { id?: string };

export const metadataLabel = 'devcontainer.metadata';

export const lifecycleCommandNames = [
  'onCreateCommand',
  'updateContentCommand',
  'postCreateCommand',
  'postStartCommand',
  'postAttachCommand',
] as const;
export type LifecycleCommandName = (typeof lifecycleCommandNames)[number];

/** Reads the metadata label of an image or container; tolerates a single object. */
export function readMetadataLabel(labels: Record<string, string> | undefined): MetadataEntry[] {
  const text = labels?.[metadataLabel];
  if (!text) {
    return [];
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (Array.isArray(value)) {
      return value.filter((entry) => entry && typeof entry === 'object') as MetadataEntry[];
    }
    return value && typeof value === 'object' ? [value as MetadataEntry] : [];
  } catch {
    return [];
  }
}

/** Extracts the metadata entry that devcontainer.json itself contributes. */
export function configMetadata(config: DevContainerConfig): MetadataEntry {
  const entry: MetadataEntry = {};
  const keys: (keyof MetadataEntry)[] = [
    'remoteUser',
    'containerUser',
    'remoteEnv',
    'overrideCommand',
    'init',
    'privileged',
    'capAdd',
    'securityOpt',
    'onCreateCommand',
    'updateContentCommand',
    'postCreateCommand',
    'postStartCommand',
    'postAttachCommand',
    'customizations',
  ];
  for (const key of keys) {
    if (config[key] !== undefined) {
      (entry as Record<string, unknown>)[key] = config[key];
    }
  }
  return entry;
}

/** The merged view of a metadata array that the runtime acts on. */
export interface MergedMetadata {
  remoteUser?: string;
  containerUser?: string;
  remoteEnv: Record<string, string | null>;
  /** Every contribution of each lifecycle command, in run order. */
  lifecycle: Record<LifecycleCommandName, LifecycleCommand[]>;
}

/**
 * Merges metadata entries following the spec's image-metadata rules:
 * single values take the last entry that sets them, environment maps merge
 * with later entries winning, and lifecycle commands accumulate in order.
 */
export function mergeMetadata(entries: MetadataEntry[]): MergedMetadata {
  const merged: MergedMetadata = {
    remoteEnv: {},
    lifecycle: {
      onCreateCommand: [],
      updateContentCommand: [],
      postCreateCommand: [],
      postStartCommand: [],
      postAttachCommand: [],
    },
  };
  for (const entry of entries) {
    if (entry.remoteUser !== undefined) merged.remoteUser = entry.remoteUser;
    if (entry.containerUser !== undefined) merged.containerUser = entry.containerUser;
    Object.assign(merged.remoteEnv, entry.remoteEnv ?? {});
    for (const name of lifecycleCommandNames) {
      const command = entry[name];
      if (command !== undefined && !isEmptyCommand(command)) {
        merged.lifecycle[name].push(command);
      }
    }
  }
  return merged;
}

function isEmptyCommand(command: LifecycleCommand): boolean {
  if (typeof command === 'string') return command.trim().length === 0;
  if (Array.isArray(command)) return command.length === 0;
  return Object.keys(command).length === 0;
}
