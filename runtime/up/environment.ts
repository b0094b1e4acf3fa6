import type Dockerode from 'dockerode';
import type { Engine } from '../engine/client';
import type { MergedMetadata } from '../config/metadata';
import { combineRemoteEnvironment } from './userEnvMerge';
import { probeUserEnv } from './userEnv';

export { mergePath } from './userEnvMerge';

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

  return combineRemoteEnvironment(probed, containerEnvList, options.remoteUser, options.merged.remoteEnv);
}

