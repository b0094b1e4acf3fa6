import type { MetadataEntry } from '../config/metadata';
import { lifecycleCommandNames } from '../config/metadata';
import type { MountSpec } from '../config/types';
import type { FeatureNode } from './types';

/**
 * Builds the metadata entry a Feature contributes to the image label: its
 * run properties, customizations and lifecycle commands. `${devcontainerId}`
 * in its mounts is replaced, which the spec allows Features to use for
 * volume names that are unique to the dev container.
 */
export function featureMetadataEntry(node: FeatureNode, devcontainerId: string): MetadataEntry {
  const manifest = node.manifest;
  const entry: MetadataEntry = { id: node.userId };
  if (manifest.init !== undefined) entry.init = manifest.init;
  if (manifest.privileged !== undefined) entry.privileged = manifest.privileged;
  if (manifest.capAdd !== undefined) entry.capAdd = manifest.capAdd;
  if (manifest.securityOpt !== undefined) entry.securityOpt = manifest.securityOpt;
  if (manifest.entrypoint !== undefined) entry.entrypoint = manifest.entrypoint;
  if (manifest.mounts !== undefined) entry.mounts = manifest.mounts.map((mount) => substituteMount(mount, devcontainerId));
  if (manifest.customizations !== undefined) entry.customizations = manifest.customizations;
  for (const name of lifecycleCommandNames) {
    if (manifest[name] !== undefined) entry[name] = manifest[name];
  }
  return entry;
}

function substituteMount(mount: MountSpec, devcontainerId: string): MountSpec {
  const replace = (text: string) => text.replace(/\$\{devcontainerId\}/g, devcontainerId);
  if (typeof mount === 'string') return replace(mount);
  return Object.fromEntries(
    Object.entries(mount).map(([key, value]) => [key, typeof value === 'string' ? replace(value) : value]),
  ) as MountSpec;
}
