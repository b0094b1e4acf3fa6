import type Dockerode from 'dockerode';
import type { RunArgsOptions } from './types';

/**
 * Merges runArgs settings into a create request and returns the new request,
 * leaving the input unchanged. Where both set something, runArgs wins. Lists
 * are appended, without duplicates for capabilities and security options.
 * Environment variables and maps keep the later entry per name, and scalar
 * settings replace what the request had.
 */
export function applyRunArgs(
  options: Dockerode.ContainerCreateOptions,
  runArgs: RunArgsOptions,
): Dockerode.ContainerCreateOptions {
  const hostConfig: Dockerode.HostConfig = { ...options.HostConfig };
  const result: Dockerode.ContainerCreateOptions = { ...options, HostConfig: hostConfig };

  if (runArgs.name === '') {
    // An empty name leaves the choice to the engine, as `docker run --name ""` does.
    delete result.name;
  } else if (runArgs.name !== undefined) {
    result.name = runArgs.name;
  }
  setIfDefined(result, 'Hostname', runArgs.hostname);
  setIfDefined(result, 'User', runArgs.user);
  setIfDefined(result, 'WorkingDir', runArgs.workingDir);
  setIfDefined(result, 'Entrypoint', runArgs.entrypoint);

  setIfDefined(result, 'Env', runArgs.env.length === 0 ? options.Env : mergeEnv(options.Env ?? [], runArgs.env));
  setIfDefined(result, 'Labels', mergeMap(options.Labels, runArgs.labels));
  setIfDefined(result, 'Volumes', mergeMap(options.Volumes, keySet(runArgs.anonymousVolumes)));
  setIfDefined(result, 'ExposedPorts', mergeMap(options.ExposedPorts, keySet(runArgs.exposedPorts)));
  applyNetworks(result, hostConfig, runArgs.networks);

  setIfDefined(hostConfig, 'Binds', appendList(hostConfig.Binds, runArgs.binds));
  setIfDefined(hostConfig, 'Mounts', appendList(hostConfig.Mounts, runArgs.mounts));
  setIfDefined(hostConfig, 'Tmpfs', mergeMap(hostConfig.Tmpfs, runArgs.tmpfs));
  setIfDefined(hostConfig, 'PortBindings', mergePortBindings(hostConfig.PortBindings, runArgs.portBindings));
  setIfDefined(hostConfig, 'ExtraHosts', appendList(hostConfig.ExtraHosts, runArgs.extraHosts));
  setIfDefined(hostConfig, 'CapAdd', appendUnique(hostConfig.CapAdd, runArgs.capAdd));
  setIfDefined(hostConfig, 'CapDrop', appendUnique(hostConfig.CapDrop, runArgs.capDrop));
  setIfDefined(hostConfig, 'SecurityOpt', appendUnique(hostConfig.SecurityOpt, runArgs.securityOpt));
  setIfDefined(hostConfig, 'Devices', appendList(hostConfig.Devices, runArgs.devices));
  setIfDefined(hostConfig, 'DeviceRequests', appendList(hostConfig.DeviceRequests, runArgs.deviceRequests));
  setIfDefined(hostConfig, 'Ulimits', mergeUlimits(hostConfig.Ulimits, runArgs.ulimits));
  setIfDefined(hostConfig, 'Sysctls', mergeMap(hostConfig.Sysctls, runArgs.sysctls));
  if (runArgs.unconfinedSystemPaths) {
    hostConfig.MaskedPaths = [];
    hostConfig.ReadonlyPaths = [];
  }

  setIfDefined(hostConfig, 'Privileged', runArgs.privileged);
  setIfDefined(hostConfig, 'Init', runArgs.init);
  setIfDefined(hostConfig, 'ShmSize', runArgs.shmSize);
  setIfDefined(hostConfig, 'Memory', runArgs.memory);
  setIfDefined(hostConfig, 'NanoCpus', runArgs.nanoCpus);
  setIfDefined(hostConfig, 'IpcMode', runArgs.ipcMode);
  setIfDefined(hostConfig, 'PidMode', runArgs.pidMode);
  setIfDefined(hostConfig, 'UsernsMode', runArgs.usernsMode);

  if (options.HostConfig === undefined && Object.keys(hostConfig).length === 0) {
    delete result.HostConfig;
  }
  return result;
}

function setIfDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) {
    target[key] = value;
  }
}

function keySet(keys: string[]): Record<string, object> {
  return Object.fromEntries(keys.map((key) => [key, {}]));
}

/** Keeps one entry per variable name: the last one, at its own position. */
function mergeEnv(base: string[], added: string[]): string[] {
  const entries = [...base, ...added];
  const lastIndexByName = new Map<string, number>();
  entries.forEach((entry, index) => lastIndexByName.set(nameOf(entry), index));
  return entries.filter((entry, index) => lastIndexByName.get(nameOf(entry)) === index);
}

function nameOf(entry: string): string {
  const equals = entry.indexOf('=');
  return equals < 0 ? entry : entry.slice(0, equals);
}

/** Leaves the field undefined when both sides are empty, so the request stays as small as it was. */
function appendList<T>(base: T[] | undefined, added: T[]): T[] | undefined {
  return added.length === 0 ? base : [...(base ?? []), ...added];
}

function appendUnique<T>(base: T[] | undefined, added: T[]): T[] | undefined {
  return added.length === 0 ? base : [...new Set([...(base ?? []), ...added])];
}

function mergeMap<T>(base: Record<string, T> | undefined, added: Record<string, T>): Record<string, T> | undefined {
  return Object.keys(added).length === 0 ? base : { ...base, ...added };
}

function mergePortBindings(
  base: Record<string, Dockerode.PortBinding[]> | undefined,
  added: Record<string, Dockerode.PortBinding[]>,
): Record<string, Dockerode.PortBinding[]> | undefined {
  if (Object.keys(added).length === 0) {
    return base;
  }
  const merged: Record<string, Dockerode.PortBinding[]> = { ...base };
  for (const [port, bindings] of Object.entries(added)) {
    merged[port] = [...(merged[port] ?? []), ...bindings];
  }
  return merged;
}

function mergeUlimits(base: Dockerode.Ulimit[] | undefined, added: Dockerode.Ulimit[]): Dockerode.Ulimit[] | undefined {
  if (added.length === 0) {
    return base;
  }
  const replaced = new Set(added.map((ulimit) => ulimit.Name));
  return [...(base ?? []).filter((ulimit) => !replaced.has(ulimit.Name)), ...added];
}

/** Sets the network mode to the first network. With several networks, each also gets an endpoint, as docker run sends them. */
function applyNetworks(
  result: Dockerode.ContainerCreateOptions,
  hostConfig: Dockerode.HostConfig,
  networks: string[],
): void {
  if (networks.length === 0) {
    return;
  }
  hostConfig.NetworkMode = networks[0];
  if (networks.length > 1) {
    const endpoints = { ...result.NetworkingConfig?.EndpointsConfig };
    for (const network of networks) {
      endpoints[network] = {};
    }
    result.NetworkingConfig = { ...result.NetworkingConfig, EndpointsConfig: endpoints };
  }
}
