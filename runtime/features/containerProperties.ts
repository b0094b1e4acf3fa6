import type { MetadataEntry } from '../config/metadata';
import type { MountSpec } from '../config/types';
import { splitMountFields } from '../engine/mounts';

/** Run properties merged from the image metadata, the Features and devcontainer.json. */
export interface MergedRunProperties {
  init: boolean;
  privileged: boolean;
  capAdd: string[];
  securityOpt: string[];
  /** Mounts from metadata entries (image and Features), in order. */
  mounts: MountSpec[];
  /** Feature entrypoints, in install order, run when the container starts. */
  entrypoints: string[];
}

/**
 * Merges run properties by the spec's image-metadata rules: init and
 * privileged are true when any entry sets them, capAdd and securityOpt are
 * the union, and entrypoints and mounts are collected in order.
 */
export function mergeRunProperties(metadata: MetadataEntry[]): MergedRunProperties {
  const entries = metadata;
  return {
    init: entries.some((entry) => entry.init === true),
    privileged: entries.some((entry) => entry.privileged === true),
    capAdd: unique(entries.flatMap((entry) => entry.capAdd ?? [])),
    securityOpt: unique(entries.flatMap((entry) => entry.securityOpt ?? [])),
    mounts: entries.flatMap((entry) => entry.mounts ?? []),
    entrypoints: entries.map((entry) => entry.entrypoint).filter((value): value is string => typeof value === 'string' && value.length > 0),
  };
}

export interface MountWithSource {
  mount: MountSpec;
  /** JSON path for errors, e.g. `mounts[1]` or `mounts (from image or Feature metadata)`. */
  jsonPath: string;
}

/**
 * Combines metadata mounts with devcontainer.json's mounts. When two mounts
 * have the same target the later one wins, so devcontainer.json overrides a
 * Feature, and a later Feature an earlier one.
 */
export function mergeMounts(metadataMounts: MountSpec[], configMounts: MountSpec[]): MountWithSource[] {
  const all: MountWithSource[] = [
    ...metadataMounts.map((mount) => ({ mount, jsonPath: 'mounts (from image or Feature metadata)' })),
    ...configMounts.map((mount, index) => ({ mount, jsonPath: `mounts[${index}]` })),
  ];
  return all.filter((item, index) => {
    const target = mountTarget(item.mount);
    return target === undefined || !all.slice(index + 1).some((later) => mountTarget(later.mount) === target);
  });
}

function mountTarget(mount: MountSpec): string | undefined {
  if (typeof mount !== 'string') return typeof mount.target === 'string' ? mount.target : undefined;
  for (const field of splitMountFields(mount)) {
    const [key, ...rest] = field.split('=');
    if (['target', 'destination', 'dst'].includes(key.trim().toLowerCase())) return rest.join('=');
  }
  return undefined;
}

export interface StartCommandOptions {
  entrypoints: string[];
  overrideCommand: boolean;
  /** The image's own ENTRYPOINT and CMD, run after the Feature entrypoints when overrideCommand is false. */
  imageEntrypoint: string[];
  imageCmd: string[];
}

/**
 * Builds the container's Entrypoint and Cmd when Features contribute
 * entrypoints: a shell runs each entrypoint in order, then either the image's
 * own command (overrideCommand false) or a loop that keeps the container
 * alive and exits at once on SIGTERM. Returns undefined when there are no
 * Feature entrypoints, so the caller's default applies.
 */
export function featureStartCommand(options: StartCommandOptions): { Entrypoint: string[]; Cmd: string[] } | undefined {
  if (options.entrypoints.length === 0) return undefined;
  const script = [
    'echo Container started',
    'trap "exit 0" TERM',
    ...options.entrypoints,
    'exec "$@"',
    'while sleep 1000 & wait $!; do :; done',
  ].join('\n');
  const command = options.overrideCommand ? [] : [...options.imageEntrypoint, ...options.imageCmd];
  return { Entrypoint: ['/bin/sh', '-c', script, '-', ...command], Cmd: [] };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
