import type Dockerode from 'dockerode';
import type { Engine } from '../engine/client';
import { ConfigurationError } from '../errors';
import { applyRunArgs, parseRunArgs } from '../config/runArgs';
import type { LoadedConfig } from '../config/types';

/**
 * Publishes `appPort` entries: a number N as 127.0.0.1:N:N, so the port is
 * reachable only from this host, and a string in `docker run -p` syntax as
 * written.
 */
export function withAppPorts(loaded: LoadedConfig, createOptions: Dockerode.ContainerCreateOptions): Dockerode.ContainerCreateOptions {
  const appPort = loaded.config.appPort as number | string | (number | string)[] | undefined;
  if (appPort === undefined) {
    return createOptions;
  }
  const entries = Array.isArray(appPort) ? appPort : [appPort];
  const args = entries.flatMap((entry) => ['-p', typeof entry === 'number' ? `127.0.0.1:${entry}:${entry}` : entry]);
  try {
    return applyRunArgs(createOptions, parseRunArgs(args, { file: loaded.configFile }));
  } catch (error) {
    throw new ConfigurationError(
      `Invalid "appPort" in ${loaded.configFile}: ${(error as Error).message}`,
      { file: loaded.configFile, jsonPath: 'appPort' },
      { cause: error },
    );
  }
}

interface HostRequirements {
  cpus?: number;
  memory?: string;
  storage?: string;
  gpu?: boolean | 'optional' | { cores?: number; memory?: string };
}

/**
 * Checks `hostRequirements` against what the engine reports (CPU count,
 * memory) and requests GPUs when they are required or optional and the
 * engine has the NVIDIA runtime. An unmet requirement is a warning, as in
 * the reference CLI, because the container may still be usable.
 * NOTE: `storage` is not checked; the Engine API does not report free space
 * for the data root.
 */
export async function applyHostRequirements(
  engine: Engine,
  loaded: LoadedConfig,
  createOptions: Dockerode.ContainerCreateOptions,
): Promise<Dockerode.ContainerCreateOptions> {
  const requirements = loaded.config.hostRequirements as HostRequirements | undefined;
  if (!requirements) {
    return createOptions;
  }
  const logger = engine.logger.child('up');
  const info = (await engine.docker.info()) as { NCPU?: number; MemTotal?: number; Runtimes?: Record<string, unknown> };

  if (requirements.cpus !== undefined && info.NCPU !== undefined && info.NCPU < requirements.cpus) {
    logger.warn(`hostRequirements.cpus is ${requirements.cpus}, but the engine has ${info.NCPU} CPUs.`);
  }
  const memory = requirements.memory === undefined ? undefined : parseSize(requirements.memory, loaded.configFile, 'hostRequirements.memory');
  if (memory !== undefined && info.MemTotal !== undefined && info.MemTotal < memory) {
    logger.warn(`hostRequirements.memory is ${requirements.memory}, but the engine has ${Math.floor(info.MemTotal / 2 ** 20)} MiB.`);
  }

  const gpu = requirements.gpu;
  if (gpu === undefined || gpu === false) {
    return createOptions;
  }
  const hasGpuRuntime = info.Runtimes !== undefined && 'nvidia' in info.Runtimes;
  if (!hasGpuRuntime) {
    if (gpu !== 'optional') {
      logger.warn('hostRequirements.gpu asks for a GPU, but the engine has no NVIDIA runtime; starting without GPUs.');
    }
    return createOptions;
  }
  return {
    ...createOptions,
    HostConfig: {
      ...createOptions.HostConfig,
      DeviceRequests: [...(createOptions.HostConfig?.DeviceRequests ?? []), { Driver: '', Count: -1, Capabilities: [['gpu']] }],
    },
  };
}

/** Parses sizes such as `8gb`, `512mb` or `4G` into bytes (binary multiples). */
export function parseSize(value: string, file: string, jsonPath: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)b?$/i.exec(value.trim());
  if (!match) {
    throw new ConfigurationError(`Invalid size "${value}" for "${jsonPath}" in ${file}: use a number with kb, mb, gb or tb.`, { file, jsonPath });
  }
  const power = ' kmgt'.indexOf(match[2].toLowerCase() || ' ');
  return Math.round(Number(match[1]) * 1024 ** power);
}
