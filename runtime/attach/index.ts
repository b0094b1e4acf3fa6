import * as os from 'node:os';
import type { Engine } from '../engine/client';
import { EnvironmentError, isCancellation, messageOf, throwIfAborted } from '../errors';
import type { Logger } from '../log';
import type { ContainerUser } from './containerFiles';
import { machineSettings, mergeVscodeExtensions, vscodeCustomizations } from './customizations';
import { type DotfilesOptions, installDotfiles } from './dotfiles';
import { type ExtensionFailure, installExtensions } from './extensions';
import { gitCredentialSocket, type HostGitOptions, installCredentialHelper } from './gitCredentials';
import { copyGitConfig } from './gitconfig';
import { type Relay, type RelaySocket, startRelay } from './relay/host';
import { writeMachineSettings } from './settings';
import { sshAgentSocket, sshAgentSocketName } from './sshAgent';

export interface PrepareContainerOptions {
  engine: Engine;
  containerId: string;
  remoteUser: string;
  /** The merged configuration, as `mergedConfiguration` in config/merged.ts builds it. */
  mergedConfiguration: Record<string, unknown>;
  /** The probed user environment plus remoteEnv, for the extension install and the dotfiles. */
  remoteEnv?: Record<string, string>;
  /** The server's data folder below the remote user's home, such as `.vscode-server`. */
  serverDataFolderName: string;
  /** Path of the server's CLI launcher in the container; without it, no extension is installed. */
  serverCli?: string;
  /** Path of a node binary in the container, which runs the socket relay; without it, nothing is forwarded. */
  node?: string;
  /** The host user's home folder, where `.gitconfig` is read; default the current user's. */
  hostHome?: string;
  dotfiles?: DotfilesOptions;
  /** The host's SSH agent socket to forward; default `SSH_AUTH_SOCK`, and `null` forwards none. */
  sshAuthSock?: string | null;
  /** Host git settings for credential requests from the container; forwarding is on by default, and `false` turns it off. */
  gitCredentials?: HostGitOptions | false;
  logger: Logger;
  /** Cancels the preparation. When it aborts later, the socket relay stops. */
  signal?: AbortSignal;
}

export interface PreparedContainer {
  /**
   * Variables for the editor server's environment: `SSH_AUTH_SOCK`, when the
   * host's agent is forwarded, points at the relay's socket.
   */
  remoteEnv: Record<string, string>;
  /** The extensions that failed to install, each also logged as a warning. */
  extensionFailures: ExtensionFailure[];
  /** Messages of the steps that failed and were skipped, each also logged as a warning. */
  warnings: string[];
  /** Settles when the socket relay ends, at once when none runs. */
  relayClosed: Promise<void>;
  /** Stops the socket relay. */
  close(): Promise<void>;
}

/**
 * Prepares a running dev container for a desktop editor once its server is
 * installed: machine settings, the host's .gitconfig, dotfiles, forwarding of
 * the host's SSH agent and git credentials, and extensions. The editor
 * works without any of them, so a step that fails is a warning and the
 * attach goes on. Cancellation raises.
 */
export async function prepareContainerForEditor(options: PrepareContainerOptions): Promise<PreparedContainer> {
  const logger = options.logger.child('attach');
  const started = Date.now();
  const target: ContainerUser = {
    engine: options.engine,
    containerId: options.containerId,
    user: options.remoteUser,
    signal: options.signal,
  };
  const warnings: string[] = [];
  const step: Step = async (description, action) => {
    throwIfAborted(options.signal);
    try {
      return await action();
    } catch (error) {
      if (isCancellation(error) || !(error instanceof EnvironmentError)) {
        throw error;
      }
      const message = `${description} failed: ${messageOf(error)}`;
      logger.warn(message);
      warnings.push(message);
      return undefined;
    }
  };

  // Three independent chains run at once, since each step is one or two
  // execs. .gitconfig comes before the credential helper, which adds to it.
  const settingsDone = step('Writing the machine settings', () =>
    writeMachineSettings(target, options.serverDataFolderName, machineSettings(options.mergedConfiguration), logger),
  );
  const relayStarted = (async () => {
    await step('Copying .gitconfig', async () => {
      await copyGitConfig(target, options.hostHome ?? os.homedir(), logger);
    });
    await installDotfilesStep(options, step, logger);
    return step('Forwarding the SSH agent and git credentials', () => startForwarding(options, target, logger));
  })();
  const extensionsInstalled = installExtensionsStep(options, target, step, logger);

  const [settingsResult, relayResult, extensionsResult] = await Promise.allSettled([settingsDone, relayStarted, extensionsInstalled]);
  const relay = relayResult.status === 'fulfilled' ? relayResult.value : undefined;
  for (const result of [settingsResult, relayResult, extensionsResult]) {
    if (result.status === 'rejected') {
      await relay?.close();
      throw result.reason;
    }
  }
  const extensionFailures = extensionsResult.status === 'fulfilled' ? extensionsResult.value : undefined;

  logger.info(`Prepared container ${options.containerId.slice(0, 12)} for the editor in ${Date.now() - started} ms`);
  const agentSocket = relay?.socketPaths[sshAgentSocketName];
  return {
    remoteEnv: agentSocket ? { SSH_AUTH_SOCK: agentSocket } : {},
    extensionFailures: extensionFailures ?? [],
    warnings,
    relayClosed: relay?.closed ?? Promise.resolve(),
    close: async () => {
      await relay?.close();
    },
  };
}

type Step = <T>(description: string, action: () => Promise<T>) => Promise<T | undefined>;

async function installDotfilesStep(options: PrepareContainerOptions, step: Step, logger: Logger): Promise<void> {
  const dotfiles = options.dotfiles;
  if (dotfiles === undefined || dotfiles.repository.trim() === '') {
    return;
  }
  await step('Installing the dotfiles', () =>
    installDotfiles({
      engine: options.engine,
      containerId: options.containerId,
      remoteUser: options.remoteUser,
      remoteEnv: options.remoteEnv ?? {},
      dotfiles,
      logger,
      signal: options.signal,
    }),
  );
}

async function installExtensionsStep(
  options: PrepareContainerOptions,
  target: ContainerUser,
  step: Step,
  logger: Logger,
): Promise<ExtensionFailure[] | undefined> {
  const extensions = mergeVscodeExtensions(vscodeCustomizations(options.mergedConfiguration));
  if (extensions.length === 0) {
    return undefined;
  }
  const serverCli = options.serverCli;
  if (serverCli === undefined) {
    logger.debug(`No server CLI given, so the ${extensions.length} extension(s) in customizations.vscode.extensions are not installed`);
    return undefined;
  }
  return step('Installing extensions', () =>
    installExtensions({
      target,
      serverCli,
      extensions,
      serverDataFolderName: options.serverDataFolderName,
      remoteEnv: options.remoteEnv ?? {},
      logger,
    }),
  );
}

/**
 * Starts the socket relay with a socket for the host's SSH agent and one for
 * git credentials, and installs the container's credential helper. Returns
 * undefined when there is nothing to forward or no node to run the relay.
 */
async function startForwarding(options: PrepareContainerOptions, target: ContainerUser, logger: Logger): Promise<Relay | undefined> {
  const sockets: RelaySocket[] = [];
  const agentSocket = options.sshAuthSock === undefined ? process.env.SSH_AUTH_SOCK : options.sshAuthSock;
  if (agentSocket) {
    sockets.push(sshAgentSocket(agentSocket, logger));
  } else {
    logger.debug('No SSH agent on the host (SSH_AUTH_SOCK is not set), so none is forwarded');
  }
  if (options.gitCredentials !== false) {
    sockets.push(gitCredentialSocket(options.gitCredentials ?? {}, logger));
  }
  if (sockets.length === 0) {
    return undefined;
  }
  if (options.node === undefined) {
    logger.debug('No node binary in the container given, so neither the SSH agent nor git credentials are forwarded');
    return undefined;
  }

  const relay = await startRelay({
    engine: options.engine,
    containerId: options.containerId,
    user: options.remoteUser,
    node: options.node,
    sockets,
    logger,
    signal: options.signal,
  });
  try {
    if (options.gitCredentials !== false) {
      await installCredentialHelper({ target, node: options.node, relayFolder: relay.folder, logger });
    }
  } catch (error) {
    await relay.close();
    throw error;
  }
  return relay;
}
