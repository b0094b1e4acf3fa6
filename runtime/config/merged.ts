import { lifecycleCommandNames, type MetadataEntry } from './metadata';
import type { DevContainerConfig, LifecycleCommand } from './types';

/**
 * Builds the merged configuration that `read-configuration
 * --include-merged-configuration` prints: devcontainer.json with the image
 * and Feature metadata folded in by the spec's merge rules, in the shape the
 * reference CLI uses (lifecycle commands become `onCreateCommands` and so on,
 * customizations become one array per tool).
 */
/** `localhost:N` means port N of the container, written as the number, as the reference CLI does. */
function normalisePort(port: unknown): unknown {
  if (typeof port === 'string') {
    const match = /^localhost:(\d+)$/.exec(port);
    if (match) return Number(match[1]);
  }
  return port;
}

export function mergedConfiguration(config: DevContainerConfig, entries: MetadataEntry[]): Record<string, unknown> {
  const all = entries as Record<string, unknown>[];
  const merged: Record<string, unknown> = { ...config };
  for (const name of lifecycleCommandNames) {
    delete merged[name];
  }

  const last = (key: string) => [...all].reverse().find((entry) => entry[key] !== undefined)?.[key];
  for (const key of ['remoteUser', 'containerUser', 'userEnvProbe', 'waitFor', 'shutdownAction', 'overrideCommand', 'updateRemoteUserUID']) {
    const value = last(key);
    if (value !== undefined) merged[key] = value;
  }
  merged.init = all.some((entry) => entry.init === true);
  merged.privileged = all.some((entry) => entry.privileged === true);

  const union = (key: string) => [...new Set(all.flatMap((entry) => (Array.isArray(entry[key]) ? (entry[key] as unknown[]) : [])))];
  const forwardPorts = [...new Set(all.flatMap((entry) => (Array.isArray(entry.forwardPorts) ? (entry.forwardPorts as unknown[]) : [])).map(normalisePort))];
  if (forwardPorts.length > 0) merged.forwardPorts = forwardPorts;
  for (const key of ['capAdd', 'securityOpt']) {
    const values = union(key);
    if (values.length > 0) merged[key] = values;
  }
  const mounts = all.flatMap((entry) => (Array.isArray(entry.mounts) ? (entry.mounts as unknown[]) : []));
  if (mounts.length > 0) merged.mounts = mounts;

  const customizations: Record<string, unknown[]> = {};
  for (const entry of all) {
    for (const [tool, value] of Object.entries((entry.customizations ?? {}) as Record<string, unknown>)) {
      (customizations[tool] ??= []).push(value);
    }
  }
  if (Object.keys(customizations).length > 0) {
    merged.customizations = customizations;
  }

  for (const name of lifecycleCommandNames) {
    merged[`${name}s`] = all
      .map((entry) => entry[name] as LifecycleCommand | undefined)
      .filter((command): command is LifecycleCommand => command !== undefined);
  }
  merged.remoteEnv = Object.assign({}, ...all.map((entry) => entry.remoteEnv ?? {}));
  merged.containerEnv = Object.assign({}, ...all.map((entry) => entry.containerEnv ?? {}));
  merged.portsAttributes = Object.assign({}, ...all.map((entry) => entry.portsAttributes ?? {}));
  return merged;
}
