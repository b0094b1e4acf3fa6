import type Dockerode from 'dockerode';
import type { Engine } from '../engine/client';
import type { MergedMetadata } from '../config/metadata';
import { resolveRemoteEnv } from './remoteEnv';
import { probeUserEnv } from './userEnv';

export interface RemoteEnvironmentOptions {
  engine: Engine;
  info: Dockerode.ContainerInspectInfo;
  merged: MergedMetadata;
  remoteUser: string;
  signal?: AbortSignal;
}

/**
 * Computes the environment for processes the runtime starts in the container
 * (lifecycle commands, `exec`, the editor server): the remote user's probed
 * shell environment, then remoteEnv on top. Variables the container already
 * has are left out unless the probe or remoteEnv changes them, since every
 * exec inherits them anyway.
 */
export async function remoteEnvironment(options: RemoteEnvironmentOptions): Promise<Record<string, string>> {
  const containerEnvList = options.info.Config.Env ?? [];
  const probed = await probeUserEnv({
    engine: options.engine,
    containerId: options.info.Id,
    startedAt: options.info.State.StartedAt,
    user: options.remoteUser,
    probe: options.merged.userEnvProbe ?? 'loginInteractiveShell',
    signal: options.signal,
  });

  const containerEnv = toMap(containerEnvList);
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(probed)) {
    if (containerEnv[name] !== value) {
      environment[name] = value;
    }
  }
  if (probed.PATH !== undefined && containerEnv.PATH !== undefined) {
    environment.PATH = mergePath(probed.PATH, containerEnv.PATH);
    if (environment.PATH === containerEnv.PATH) delete environment.PATH;
  }

  return { ...environment, ...resolveRemoteEnv(options.merged.remoteEnv, containerEnvList) };
}

/**
 * Keeps the login shell's PATH and appends the container's entries it
 * dropped. Debian's /etc/profile resets PATH, which would otherwise lose
 * folders that the image added with `ENV PATH=...`.
 * NOTE: the order of the appended entries follows the container's PATH; the
 * reference CLI's exact merge order was not compared.
 */
export function mergePath(shellPath: string, containerPath: string): string {
  const entries = shellPath.split(':').filter((entry) => entry.length > 0);
  for (const entry of containerPath.split(':')) {
    if (entry.length > 0 && !entries.includes(entry)) {
      entries.push(entry);
    }
  }
  return entries.join(':');
}

function toMap(list: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of list) {
    const equals = entry.indexOf('=');
    if (equals > 0) map[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return map;
}
