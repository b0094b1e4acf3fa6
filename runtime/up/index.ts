import { connectEngine, type Engine } from '../engine/client';
import {
  createContainer,
  findContainer,
  inspectContainer,
  removeContainer,
  startAndCheck,
} from '../engine/containers';
import { loadConfig, identityLabels } from '../config/load';
import { configMetadata, type MetadataEntry, metadataLabel, mergeMetadata, type UserEnvProbe } from '../config/metadata';
import { applyRunArgs, parseRunArgs } from '../config/runArgs';
import type Dockerode from 'dockerode';
import { execCapture } from '../engine/exec';
import { lockDevContainer } from './lock';
import { parseNameValuePairs } from '../config/nameValue';
import type { LockfileMode } from '../features/lockfile';
import keepPathScript from './keep-path.sh';
import type { LoadedConfig } from '../config/types';
import { ConfigurationError, EnvironmentError, throwIfAborted } from '../errors';
import type { Logger } from '../log';
import { runInitializeCommand } from '../lifecycle/host';
import { describeRunningContainer, remoteUserOf, runUserCommands, type UserCommandsOptions } from './running';
import { containerCreateOptions } from './container';
import { applyHostRequirements, withAppPorts } from './hostProperties';
import { type DotfilesOptions, dotfilesStep } from '../attach/dotfiles';
import { withEditorServerVolume } from '../server/vscode/volume';

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
  /** Fail unless the container exists already (`--expect-existing-container`). */
  expectExistingContainer?: boolean;
  /** `--id-label name=value`: find the container by these labels, and add them to a new one. */
  idLabels?: string[];
  /** Mount the Git root that contains the workspace; see LoadConfigOptions. Default true. */
  mountGitRoot?: boolean;
  /** Use of devcontainer-lock.json for Features; default `update`. */
  lockfileMode?: LockfileMode;
  /** Run no lifecycle command in the container (`--skip-post-create`). */
  skipLifecycle?: boolean;
  stopAfter?: UserCommandsOptions['stopAfter'];
  defaultUserEnvProbe?: UserEnvProbe;
  extraRemoteEnv?: Record<string, string>;
  /** A dotfiles repository to install after postCreateCommand (`--dotfiles-repository` and the flags beside it). */
  dotfiles?: DotfilesOptions;
  /**
   * Mount a named volume for the desktop editor's servers in a new container
   * (`true` for the default volume, or the volume's name), so a rebuilt
   * container finds the server installed. Off by default, which leaves the
   * container as the reference CLI would create it. Compose configurations
   * ignore it.
   */
  editorServerVolume?: boolean | string;
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
  /** The compose project of a compose configuration's container. */
  composeProjectName?: string;
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

  const loaded = await loadConfig({
    workspaceFolder: options.workspaceFolder,
    configFile: options.configFile,
    mountGitRoot: options.mountGitRoot,
  });
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

  const unlock = await lockDevContainer(loaded.devcontainerId, { logger, signal: options.signal });
  try {
    const { containerId, created } =
      loaded.config.dockerComposeFile === undefined
        ? await acquireContainer(engine, loaded, options)
        : await (await import('../compose/up')).acquireComposeContainer({
            ...options,
            engine,
            loaded,
            checkNewContainer: async (id, metadata) => {
              await checkRemoteUser(engine, id, metadata);
              await keepImagePath(engine, id);
            },
          });
    try {
      return await finishUp({ engine, loaded, containerId, created, options, started });
    } catch (error) {
      if (error instanceof EnvironmentError && error.details.containerId === undefined) {
        error.details.containerId = containerId;
      }
      throw error;
    }
  } finally {
    await unlock();
  }
}

/** Finds, starts, or builds and creates the workspace's container. */
async function acquireContainer(
  engine: Engine,
  loaded: LoadedConfig,
  options: UpOptions,
): Promise<{ containerId: string; created: boolean }> {
  const logger = options.logger.child('up');
  const labels = containerLabels(loaded, options.idLabels);
  const lookup = options.idLabels && options.idLabels.length > 0 ? parseNameValuePairs(options.idLabels, '--id-label') : identityLabels(loaded.workspaceFolder, loaded.configFile);

  let existing = await findContainer(engine, lookup);
  if (!existing && options.expectExistingContainer) {
    throw new EnvironmentError(
      `No dev container found for ${loaded.workspaceFolder}, and --expect-existing-container was given. Run \`up\` without it first.`,
      { endpoint: engine.endpoint },
    );
  }
  // The container is removed only once the new image is ready, so a failing
  // lockfile check or build leaves the existing container in place.
  const replaced = options.removeExistingContainer ? existing : undefined;
  if (replaced) existing = undefined;

  if (existing) {
    if (existing.state !== 'running') {
      logger.info(`Starting container ${existing.id.slice(0, 12)}`);
      await startAndCheck(engine, existing.id);
    } else {
      logger.info(`Reusing running container ${existing.id.slice(0, 12)}`);
    }
    return { containerId: existing.id, created: false };
  }

  // Building is rare on warm runs, so its modules (tar, Features, registries) load only here.
  const { prepareImage } = await import('./image');
  const { updateRemoteUserUid } = await import('./uid');
  const prepared = await prepareImage({
    engine,
    loaded,
    noCache: options.buildNoCache,
    lockfileMode: options.lockfileMode,
    signal: options.signal,
  });
  throwIfAborted(options.signal);
  if (replaced) {
    logger.info(`Removing container ${replaced.id.slice(0, 12)}`);
    await removeContainer(engine, replaced.id);
  }
  const metadata = [...prepared.metadata, configMetadata(loaded.config)];
  const labelMetadata = [...prepared.metadata, configMetadata(loaded.config, loaded.raw)];
  const image = await updateRemoteUserUid({ engine, loaded, image: prepared, metadata, signal: options.signal });
  const createOptions = await applyHostRequirements(
    engine,
    loaded,
    withAppPorts(loaded, withRunArgs(loaded, containerCreateOptions(loaded, image, metadata))),
  );
  const createRequest = withEditorServerVolume(createOptions, options.editorServerVolume);
  // The identity and metadata labels win over a `--label` in runArgs.
  createRequest.Labels = { ...createRequest.Labels, ...labels, [metadataLabel]: JSON.stringify(labelMetadata) };
  const containerId = await createContainer(engine, createRequest);
  logger.info(`Created container ${containerId.slice(0, 12)}`);
  try {
    throwIfAborted(options.signal);
    await startAndCheck(engine, containerId);
    throwIfAborted(options.signal);
    await checkRemoteUser(engine, containerId, metadata);
    await keepImagePath(engine, containerId);
  } catch (error) {
    await removeContainer(engine, containerId);
    throw error;
  }
  return { containerId, created: true };
}

/**
 * Applies devcontainer.json's runArgs to the create request. An
 * `--entrypoint` there would replace the keep-alive command that
 * overrideCommand installs, so the two together are rejected.
 */
function withRunArgs(loaded: LoadedConfig, createOptions: Dockerode.ContainerCreateOptions): Dockerode.ContainerCreateOptions {
  const runArgs = loaded.config.runArgs ?? [];
  if (runArgs.length === 0) {
    return createOptions;
  }
  const parsed = parseRunArgs(runArgs, { file: loaded.configFile });
  if (parsed.entrypoint !== undefined && (loaded.config.overrideCommand ?? true)) {
    throw new ConfigurationError(
      `"runArgs" in ${loaded.configFile} sets --entrypoint, which overrideCommand would replace. ` +
        'Set "overrideCommand": false to use that entrypoint, or remove --entrypoint.',
      { file: loaded.configFile, jsonPath: 'runArgs' },
    );
  }
  return applyRunArgs(createOptions, parsed);
}

/** Returns the container's labels: the spec's identity labels plus any `--id-label`. */
function containerLabels(loaded: LoadedConfig, idLabels: string[] | undefined): Record<string, string> {
  return { ...identityLabels(loaded.workspaceFolder, loaded.configFile), ...parseNameValuePairs(idLabels ?? [], '--id-label') };
}

/**
 * Checks that the remote user exists in a new container, because every
 * later exec as that user would fail with a less clear message.
 */
async function checkRemoteUser(engine: Engine, containerId: string, metadata: MetadataEntry[]): Promise<void> {
  const info = await inspectContainer(engine, containerId);
  const remoteUser = remoteUserOf(mergeMetadata(metadata), info.Config.User);
  if (remoteUser === 'root' || remoteUser === '0') {
    return;
  }
  const result = await execCapture(engine, containerId, { cmd: ['id', '-u'], user: remoteUser });
  if (result.exitCode !== 0) {
    throw new ConfigurationError(
      `The remote user "${remoteUser}" does not exist in the container: ${(result.stderr || result.stdout).trim()}. ` +
        'Create the user in the image (for example with useradd in the Dockerfile) or change "remoteUser" or "containerUser".',
      { file: String(info.Config.Labels['devcontainer.config_file'] ?? ''), jsonPath: 'remoteUser' },
    );
  }
}

/**
 * Patches the container's /etc/profile so that login shells, which the user
 * environment probe and terminals start, keep the image's PATH.
 */
async function keepImagePath(engine: Engine, containerId: string): Promise<void> {
  const result = await execCapture(engine, containerId, { cmd: ['/bin/sh', '-c', keepPathScript], user: 'root' });
  if (result.exitCode !== 0) {
    engine.logger.warn(`Could not patch /etc/profile to keep the image's PATH (exit code ${result.exitCode}): ${result.stderr.trim()}`);
  }
}

interface FinishOptions {
  engine: Engine;
  loaded: LoadedConfig;
  containerId: string;
  created: boolean;
  options: UpOptions;
  started: number;
}

/** Runs the due lifecycle commands in the started container and assembles the result. */
async function finishUp({ engine, loaded, containerId, created, options, started }: FinishOptions): Promise<UpResult> {
  const logger = options.logger.child('up');
  const running = await describeRunningContainer({
    engine,
    containerId,
    loaded,
    defaultUserEnvProbe: options.defaultUserEnvProbe,
    extraRemoteEnv: options.extraRemoteEnv,
    signal: options.signal,
  });
  const { remaining: remainingLifecycle } = options.skipLifecycle
    ? { remaining: Promise.resolve() }
    : await runUserCommands(running, {
        skipPostAttach: options.skipPostAttach ?? false,
        stopAfter: options.stopAfter,
        returnAtWaitFor: options.returnAtWaitFor,
        afterPostCreate: dotfilesStep({ running, dotfiles: options.dotfiles, logger: options.logger, signal: options.signal }),
        signal: options.signal,
      });
  const { remoteUser, remoteEnv } = running;

  logger.info(`Container ${containerId.slice(0, 12)} ready in ${Date.now() - started} ms`);
  return {
    containerId,
    remoteUser,
    remoteWorkspaceFolder: loaded.containerWorkspaceFolder,
    configFile: loaded.configFile,
    remoteEnv,
    created,
    remainingLifecycle,
    composeProjectName: running.info.Config.Labels?.['com.docker.compose.project'],
    engine,
    loaded,
  };
}
