import type { DevContainerConfig, LifecycleCommand } from './types';

export type UserEnvProbe = 'none' | 'loginShell' | 'interactiveShell' | 'loginInteractiveShell';

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
    | 'userEnvProbe'
    | 'waitFor'
    | 'updateRemoteUserUID'
  >
> & {
  id?: string;
  forwardPorts?: (number | string)[];
  portsAttributes?: Record<string, unknown>;
  otherPortsAttributes?: Record<string, unknown>;
  shutdownAction?: string;
  hostRequirements?: Record<string, unknown>;
  entrypoint?: string;
};

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

/**
 * Extracts the metadata entry that devcontainer.json itself contributes, for
 * use in this run. For the label written on a container or image, pass the
 * unsubstituted config as `asWritten`, so host values that remoteEnv pulls
 * in with `${localEnv:...}` (tokens, say) are not stored where anyone who
 * can inspect the container reads them.
 */
export function configMetadata(config: DevContainerConfig, asWritten?: DevContainerConfig): MetadataEntry {
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
    'userEnvProbe',
    'waitFor',
    'updateRemoteUserUID',
    'containerEnv',
    'mounts',
    'forwardPorts',
    'portsAttributes',
    'otherPortsAttributes',
    'shutdownAction',
    'hostRequirements',
  ];
  for (const key of keys) {
    if (config[key] !== undefined) {
      (entry as Record<string, unknown>)[key] = config[key];
    }
  }
  if (asWritten?.remoteEnv !== undefined) {
    entry.remoteEnv = asWritten.remoteEnv;
  }
  return entry;
}

/** One contribution to a lifecycle command and where it comes from. */
export interface LifecycleStep {
  command: LifecycleCommand;
  /** `devcontainer.json`, `Feature "id"` or `image metadata`, for messages. */
  origin: string;
}

/** The merged view of a metadata array that the runtime acts on. */
export interface MergedMetadata {
  remoteUser?: string;
  containerUser?: string;
  remoteEnv: Record<string, string | null>;
  userEnvProbe?: UserEnvProbe;
  waitFor?: DevContainerConfig['waitFor'];
  updateRemoteUserUID?: boolean;
  /** Every contribution of each lifecycle command, in run order. */
  lifecycle: Record<LifecycleCommandName, LifecycleStep[]>;
}

/**
 * Merges metadata entries following the spec's image-metadata rules:
 * single values take the last entry that sets them, environment maps merge
 * with later entries winning, and lifecycle commands accumulate in order.
 * The last entry is taken to be devcontainer.json's own, as the runtime
 * writes it on the container.
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
  for (const [index, entry] of entries.entries()) {
    const origin = entry.id
      ? `Feature "${entry.id}"`
      : index === entries.length - 1
        ? 'devcontainer.json'
        : 'image metadata';
    if (entry.remoteUser !== undefined) merged.remoteUser = entry.remoteUser;
    if (entry.containerUser !== undefined) merged.containerUser = entry.containerUser;
    if (entry.userEnvProbe !== undefined) merged.userEnvProbe = entry.userEnvProbe;
    if (entry.waitFor !== undefined) merged.waitFor = entry.waitFor;
    if (entry.updateRemoteUserUID !== undefined) merged.updateRemoteUserUID = entry.updateRemoteUserUID;
    Object.assign(merged.remoteEnv, entry.remoteEnv ?? {});
    for (const name of lifecycleCommandNames) {
      const command = entry[name];
      if (command !== undefined && !isEmptyCommand(command)) {
        merged.lifecycle[name].push({ command, origin });
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
