import type Dockerode from 'dockerode';
import type { Engine } from '../engine/client';
import { inspectContainer } from '../engine/containers';
import { configMetadata, type MergedMetadata, type MetadataEntry, type UserEnvProbe, readMetadataLabel } from '../config/metadata';
import type { LoadedConfig } from '../config/types';
import { inspectImage } from '../engine/images';
import type { LifecycleContext } from '../lifecycle/run';
import { containerMetadataEntries, mergeContainerMetadata, remoteUserOf } from './containerMetadata';
import { remoteEnvironment } from './environment';
import { type DueCommandsOptions, runDueLifecycleCommands } from './lifecycle';

/** A started dev container with the settings processes in it run with. */
export interface RunningContainer {
  engine: Engine;
  info: Dockerode.ContainerInspectInfo;
  merged: MergedMetadata;
  remoteUser: string;
  /** Probed user environment plus remoteEnv, for every process the runtime starts. */
  remoteEnv: Record<string, string>;
  /** Workspace folder inside the container; the working folder of processes. */
  workspaceFolder: string;
}

export interface DescribeOptions {
  engine: Engine;
  containerId: string;
  /**
   * The current configuration: its workspace folder is the processes' working
   * folder, and its metadata entry replaces the one recorded on the container.
   */
  loaded?: LoadedConfig;
  /** Working folder of processes when it is not the configuration's workspace folder. */
  workspaceFolder?: string;
  /** userEnvProbe when the metadata sets none (`--default-user-env-probe`). */
  defaultUserEnvProbe?: UserEnvProbe;
  /** Variables added on top of remoteEnv (`--remote-env NAME=value`). */
  extraRemoteEnv?: Record<string, string>;
  signal?: AbortSignal;
}

/** Reads a running container's merged settings and computes its remote user and environment. */
export async function describeRunningContainer(options: DescribeOptions): Promise<RunningContainer> {
  const { engine } = options;
  const info = await inspectContainer(engine, options.containerId);
  const merged = mergeContainerMetadata(await containerEntriesOf(engine, info), {
    loaded: options.loaded,
    defaultUserEnvProbe: options.defaultUserEnvProbe,
  });
  const remoteUser = remoteUserOf(merged, info.Config.User);
  const remoteEnv = await remoteEnvironment({ engine, info, merged, remoteUser, signal: options.signal });
  return {
    engine,
    info,
    merged,
    remoteUser,
    remoteEnv: { ...remoteEnv, ...(options.extraRemoteEnv ?? {}) },
    workspaceFolder: options.workspaceFolder ?? options.loaded?.containerWorkspaceFolder ?? (info.Config.WorkingDir || '/'),
  };
}

export { remoteUserOf };

export interface UserCommandsOptions extends Omit<DueCommandsOptions, 'onWaitForReached'> {
  /** Resolve once `waitFor` is reached; the promise in the result settles with the rest. */
  returnAtWaitFor?: boolean;
  signal?: AbortSignal;
}

/**
 * Runs the lifecycle commands that are due in a running container. A failed
 * command leaves the container running, so its state can be inspected, and
 * the next run reruns the commands that did not finish.
 */
export async function runUserCommands(
  running: RunningContainer,
  options: UserCommandsOptions,
): Promise<{ remaining: Promise<void> }> {
  const context: LifecycleContext = {
    engine: running.engine,
    containerId: running.info.Id,
    remoteUser: running.remoteUser,
    workspaceFolder: running.workspaceFolder,
    remoteEnv: running.remoteEnv,
    startedAt: running.info.State.StartedAt,
    signal: options.signal,
  };

  let waitForReached: () => void = () => undefined;
  const atWaitFor = new Promise<void>((resolve) => (waitForReached = resolve));
  const remaining = runDueLifecycleCommands(context, running.merged, {
    skipPostAttach: options.skipPostAttach,
    stopAfter: options.stopAfter,
    afterPostCreate: options.afterPostCreate,
    onWaitForReached: () => waitForReached(),
  });
  if (options.returnAtWaitFor) {
    await Promise.race([atWaitFor, remaining]);
    remaining.catch(() => undefined);
  } else {
    await remaining;
  }
  return { remaining };
}

/**
 * Metadata for a container with the current devcontainer.json: the label's
 * image and Feature entries (or, for a container without the label, its
 * image's), then the config's own entry, so an edited config takes effect
 * without a rebuild.
 */
export async function metadataFor(
  engine: Engine,
  info: Dockerode.ContainerInspectInfo,
  loaded: LoadedConfig | undefined,
): Promise<MetadataEntry[]> {
  const entries = await containerEntriesOf(engine, info);
  return loaded ? [...entries, configMetadata(loaded.config)] : entries;
}

/** Reads the label's image and Feature entries, or the image's for a container without the label. */
async function containerEntriesOf(engine: Engine, info: Dockerode.ContainerInspectInfo): Promise<MetadataEntry[]> {
  return containerMetadataEntries(info.Config.Labels) ?? readMetadataLabel((await inspectImage(engine, info.Image))?.labels);
}
