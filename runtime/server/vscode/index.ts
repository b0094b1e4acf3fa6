import { prepareContainerForEditor, type PreparedContainer } from '../../attach/index';
import { mergedConfiguration } from '../../config/merged';
import type { Engine } from '../../engine/client';
import { inspectContainer, stopContainer } from '../../engine/containers';
import { execCapture } from '../../engine/exec';
import { EnvironmentError } from '../../errors';
import { stopDevContainers } from '../../lifetime';
import { effectiveShutdownAction } from '../../compose/settings';
import { up, type UpResult } from '../../up/index';
import { metadataFor } from '../../up/running';
import { openServerConnection } from './connection';
import { type EditorServerInstallation, installEditorServer } from './install';
import linkScript from './link-in-home.sh';
import { readClientProduct } from './product';
import { startEditorServer } from './start';
import type { ClientProduct, InstalledEditorServer, PrepareEditorServerOptions, PreparedEditorServer } from './types';
import { defaultEditorServerVolume } from './volume';

/** Errors raised while fetching or copying the server, after the container came up. */
const serverInstallFailures = new WeakSet<object>();

/**
 * Returns whether `error` came from installing the server into a container
 * that is up, so a caller whose client can install the server itself (the
 * SSH hand-off) may go on without it.
 */
export function isServerInstallFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && serverInstallFailures.has(error);
}

/**
 * Prepares the desktop editor's VS Code server in a workspace's dev
 * container. It reads the client's product.json, brings the container up
 * with the editor server volume and installs the server of the client's
 * commit when missing. Then it prepares the container for the editor
 * (machine settings, extensions, .gitconfig, dotfiles, and the socket relay
 * for the SSH agent and git credentials). Last, it starts the server (or
 * finds it running) with a connection token. The result opens byte pipes to
 * the server for a resolver's managed connections, and `close()` stops the relay.
 *
 * With `startServer: false` nothing is started and no relay runs: the server
 * is installed and linked where Remote-SSH looks for it.
 */
export function prepareEditorServer(options: PrepareEditorServerOptions & { startServer: false }): Promise<InstalledEditorServer>;
// Last, so that `Parameters<typeof prepareEditorServer>` names the options of a started server.
export function prepareEditorServer(options: PrepareEditorServerOptions & { startServer?: true }): Promise<PreparedEditorServer>;
export async function prepareEditorServer(options: PrepareEditorServerOptions): Promise<InstalledEditorServer | PreparedEditorServer> {
  const logger = options.logger.child('editor-server');
  const started = Date.now();
  const startServer = options.startServer !== false;
  const product = await readClientProduct(options.clientProductPath);

  const container = await up({
    workspaceFolder: options.workspaceFolder,
    configFile: options.configFile,
    removeExistingContainer: options.removeExistingContainer,
    buildNoCache: options.buildNoCache,
    returnAtWaitFor: true,
    editorServerVolume: options.editorServerVolume ?? defaultEditorServerVolume,
    logger: options.logger,
    signal: options.signal,
  });
  const { engine, containerId, remoteUser } = container;
  const running = Date.now();

  const installation = await installEditorServer({
    engine,
    containerId,
    product,
    serverSource: options.serverSource,
    cacheFolder: options.cacheFolder,
    logger: options.logger,
    signal: options.signal,
  }).catch((error: unknown) => {
    if (typeof error === 'object' && error !== null) {
      serverInstallFailures.add(error);
    }
    throw error;
  });

  const prepared = await prepareContainer(options, container, installation, product, startServer);
  try {
    const agentSocket = await linkInHome({
      engine,
      containerId,
      remoteUser,
      remoteEnv: container.remoteEnv,
      installation,
      product,
      relaySocket: prepared.remoteEnv.SSH_AUTH_SOCK,
      signal: options.signal,
    });
    const installed = describeInstalled(options, container, installation, product, prepared);
    if (!startServer) {
      logger.info(`${product.nameShort} server installed and linked for Remote-SSH, not started, ${Date.now() - running} ms after the container was up`);
      return installed;
    }

    // Terminals and extensions in the editor inherit the server's environment, so they see the forwarded agent.
    const serverEnv = agentSocket === undefined ? container.remoteEnv : { ...container.remoteEnv, ...prepared.remoteEnv, SSH_AUTH_SOCK: agentSocket };
    const server = await startEditorServer({
      engine,
      containerId,
      installation,
      product,
      remoteUser,
      remoteEnv: serverEnv,
      port: options.port,
      logger: options.logger,
      signal: options.signal,
    });
    logger.info(
      `${product.nameShort} server ready ${Date.now() - running} ms after the container was up (${Date.now() - started} ms in all)`,
    );

    const session = { engine, containerId, user: remoteUser, node: installation.node, port: server.port, logger: options.logger };
    return {
      ...installed,
      port: server.port,
      connectionToken: server.connectionToken,
      reused: server.reused,
      connect: () => openServerConnection(session),
    };
  } catch (error) {
    await prepared.close();
    throw error;
  }
}

/**
 * Runs the attach steps in the container once the server is installed, so
 * the extension installs can use its CLI. The relay runs only when the
 * server is started here, because an SSH client forwards the agent itself.
 */
async function prepareContainer(
  options: PrepareEditorServerOptions,
  container: UpResult,
  installation: EditorServerInstallation,
  product: ClientProduct,
  startServer: boolean,
): Promise<PreparedContainer> {
  const info = await inspectContainer(container.engine, container.containerId);
  const merged = mergedConfiguration(container.loaded.config, await metadataFor(container.engine, info, container.loaded));
  return prepareContainerForEditor({
    engine: container.engine,
    containerId: container.containerId,
    remoteUser: container.remoteUser,
    mergedConfiguration: merged,
    remoteEnv: container.remoteEnv,
    serverDataFolderName: product.serverDataFolderName,
    // install.ts copies the release archive as it is, whose launcher takes `--install-extension`.
    serverCli: `${installation.folder}/bin/${product.serverApplicationName}`,
    node: startServer ? installation.node : undefined,
    hostHome: options.hostHome,
    dotfiles: options.dotfiles,
    sshAuthSock: startServer ? undefined : null,
    gitCredentials: startServer ? undefined : false,
    logger: options.logger,
    signal: options.signal,
  });
}

interface LinkInHomeOptions {
  engine: Engine;
  containerId: string;
  remoteUser: string;
  remoteEnv: Record<string, string>;
  installation: EditorServerInstallation;
  product: ClientProduct;
  /** The relay's SSH agent socket, when the host's agent is forwarded. */
  relaySocket: string | undefined;
  signal?: AbortSignal;
}

/**
 * Links the server where Remote-SSH looks for it, and the relay's agent
 * socket at a path that stays the same for the container and remote user
 * (link-in-home.sh). Returns that path for SSH_AUTH_SOCK, or undefined when
 * no agent is forwarded.
 *
 * The fixed path keeps a reused server working: a server that an earlier
 * attach started keeps its environment after a window reload, while each
 * relay listens in a new temporary folder. So the link is repointed at the
 * new relay's socket, and the server is not restarted.
 * NOTE: a server started while no agent was forwarded has no SSH_AUTH_SOCK,
 * and keeps running without one when a later attach forwards an agent.
 */
async function linkInHome(options: LinkInHomeOptions): Promise<string | undefined> {
  const result = await execCapture(options.engine, options.containerId, {
    cmd: ['/bin/sh', '-c', linkScript, 'link-in-home.sh'],
    user: options.remoteUser,
    env: {
      ...options.remoteEnv,
      DEVCONTAINER_SERVER_FOLDER: options.installation.folder,
      DEVCONTAINER_SERVER_COMMIT: options.product.commit,
      DEVCONTAINER_SERVER_DATA_FOLDER: options.product.serverDataFolderName,
      DEVCONTAINER_AGENT_SOCKET: options.relaySocket ?? '',
    },
    signal: options.signal,
  });
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      `Linking the ${options.product.nameShort} server into the home folder of ${options.remoteUser} in container ` +
        `${options.containerId.slice(0, 12)} failed (exit code ${result.exitCode}): ${result.stderr.trim()}`,
      { objectId: options.containerId, status: result.exitCode, outputTail: result.stderr },
    );
  }
  const line = result.stdout.split('\n').find((entry) => entry.startsWith('agent_socket='));
  return line === undefined ? undefined : line.slice('agent_socket='.length).trim();
}

function describeInstalled(
  options: PrepareEditorServerOptions,
  container: UpResult,
  installation: EditorServerInstallation,
  product: ClientProduct,
  prepared: PreparedContainer,
): InstalledEditorServer {
  const { engine, containerId } = container;
  const config = container.loaded.config;
  const shutdownAction = effectiveShutdownAction(config);
  return {
    containerId,
    remoteUser: container.remoteUser,
    remoteWorkspaceFolder: container.remoteWorkspaceFolder,
    serverFolder: installation.folder,
    node: installation.node,
    remoteSshServerFolder: `~/${product.serverDataFolderName}/bin/${product.commit}`,
    product,
    installed: installation.copied,
    remainingLifecycle: container.remainingLifecycle,
    shutdownAction,
    warnings: prepared.warnings,
    extensionFailures: prepared.extensionFailures,
    close: () => prepared.close(),
    stopContainer: async () => {
      if (shutdownAction === 'stopCompose') {
        await stopDevContainers({ workspaceFolder: options.workspaceFolder, configFile: container.configFile, logger: options.logger, engine });
      } else {
        await stopContainer(engine, containerId);
      }
    },
  };
}
