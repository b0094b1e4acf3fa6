import { connectEngine, type Engine } from '../engine/client';
import {
  createContainer,
  findContainer,
  inspectContainer,
  removeContainer,
  startAndCheck,
} from '../engine/containers';
import { loadConfig, identityLabels } from '../config/load';
import { configMetadata, type MergedMetadata, mergeMetadata, readMetadataLabel } from '../config/metadata';
import type { LoadedConfig } from '../config/types';
import { throwIfAborted } from '../errors';
import type { Logger } from '../log';
import type { LifecycleContext } from '../lifecycle/run';
import { runInitializeCommand } from '../lifecycle/host';
import { remoteEnvironment } from './environment';
import { runDueLifecycleCommands } from './lifecycle';
import { containerCreateOptions } from './container';
import { prepareImage } from './image';

export interface UpOptions {
  workspaceFolder: string;
  /** Path of devcontainer.json; found by discovery when omitted. */
  configFile?: string;
  removeExistingContainer?: boolean;
  buildNoCache?: boolean;
  /** Skip postAttachCommand, for callers that attach later themselves. */
  skipPostAttach?: boolean;
  /**
   * Return as soon as the lifecycle command that `waitFor` names has run;
   * the remaining commands go on and `remainingLifecycle` settles with them.
   * Without it, `up` returns after every due command.
   */
  returnAtWaitFor?: boolean;
  logger: Logger;
  signal?: AbortSignal;
  /** An engine connection to reuse; one is opened when omitted. */
  engine?: Engine;
}

export interface UpResult {
  containerId: string;
  remoteUser: string;
  remoteWorkspaceFolder: string;
  configFile: string;
  /** Environment for processes the editor or `exec` start in the container. */
  remoteEnv: Record<string, string>;
  /** True when this call created the container. */
  created: boolean;
  /** Settles when the lifecycle commands after `waitFor` have run; rejects if one fails. */
  remainingLifecycle: Promise<void>;
  engine: Engine;
  loaded: LoadedConfig;
}

/**
 * Brings a workspace's dev container up: reuses the container the labels
 * find (starting it when stopped) or builds the image and creates one, then
 * runs the lifecycle commands that are due. A newly created container that
 * fails to start is removed, so nothing half-made is left behind.
 */
export async function up(options: UpOptions): Promise<UpResult> {
  const logger = options.logger.child('up');
  const started = Date.now();

  const loaded = await loadConfig({ workspaceFolder: options.workspaceFolder, configFile: options.configFile });
  logger.info(`Using ${loaded.configFile}`);
  const engine = options.engine ?? (await connectEngine({ logger: options.logger }));
  throwIfAborted(options.signal);

  if (loaded.config.initializeCommand !== undefined) {
    await runInitializeCommand({
      command: loaded.config.initializeCommand,
      workspaceFolder: loaded.workspaceFolder,
      configFile: loaded.configFile,
      logger: options.logger,
      signal: options.signal,
    });
  }

  let existing = await findContainer(engine, identityLabels(loaded.workspaceFolder, loaded.configFile));
  if (existing && options.removeExistingContainer) {
    logger.info(`Removing container ${existing.id.slice(0, 12)}`);
    await removeContainer(engine, existing.id);
    existing = undefined;
  }

  let containerId: string;
  let created = false;
  if (existing) {
    containerId = existing.id;
    if (existing.state !== 'running') {
      logger.info(`Starting container ${containerId.slice(0, 12)}`);
      await startAndCheck(engine, containerId);
    } else {
      logger.info(`Reusing running container ${containerId.slice(0, 12)}`);
    }
  } else {
    const image = await prepareImage({ engine, loaded, noCache: options.buildNoCache, signal: options.signal });
    const metadata = [...image.metadata, configMetadata(loaded.config)];
    containerId = await createContainer(engine, containerCreateOptions(loaded, image, metadata));
    created = true;
    logger.info(`Created container ${containerId.slice(0, 12)}`);
    try {
      await startAndCheck(engine, containerId);
    } catch (error) {
      await removeContainer(engine, containerId);
      throw error;
    }
  }

  const info = await inspectContainer(engine, containerId);
  const merged = mergeMetadata(readMetadataLabel(info.Config.Labels));
  const remoteUser = remoteUserOf(merged, info.Config.User);
  const remoteEnv = await remoteEnvironment({ engine, info, merged, remoteUser, signal: options.signal });
  const lifecycle: LifecycleContext = {
    engine,
    containerId,
    remoteUser,
    workspaceFolder: loaded.containerWorkspaceFolder,
    remoteEnv,
    signal: options.signal,
  };

  // A failed lifecycle command leaves the container running, so its state can
  // be inspected; the next `up` reruns the commands that did not finish.
  let waitForReached: () => void = () => undefined;
  const atWaitFor = new Promise<void>((resolve) => (waitForReached = resolve));
  const remainingLifecycle = runDueLifecycleCommands(lifecycle, merged, {
    skipPostAttach: options.skipPostAttach ?? false,
    onWaitForReached: () => waitForReached(),
  });
  if (options.returnAtWaitFor) {
    await Promise.race([atWaitFor, remainingLifecycle]);
    remainingLifecycle.catch(() => undefined);
  } else {
    await remainingLifecycle;
  }

  logger.info(`Container ${containerId.slice(0, 12)} ready in ${Date.now() - started} ms`);
  return {
    containerId,
    remoteUser,
    remoteWorkspaceFolder: loaded.containerWorkspaceFolder,
    configFile: loaded.configFile,
    remoteEnv,
    created,
    remainingLifecycle,
    engine,
    loaded,
  };
}

/** Picks the remote user in the spec's order: remoteUser, containerUser, then the image's user. */
export function remoteUserOf(merged: MergedMetadata, imageUser: string | undefined): string {
  return merged.remoteUser ?? merged.containerUser ?? (imageUser || 'root');
}
