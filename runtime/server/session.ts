import { randomBytes } from 'node:crypto';
import { startPortForward } from '../bridge/portForward';
import { throwIfAborted } from '../errors';
import type { Logger } from '../log';
import { up } from '../up/index';
import { stopContainer } from '../engine/containers';
import { stopDevContainers } from '../lifetime';
import { effectiveShutdownAction } from '../compose/settings';
import { installServer } from './install';
import { waitForServer } from './ready';
import { startServer } from './start';

export interface BrowserSessionOptions {
  workspaceFolder: string;
  configFile?: string;
  /** Local port on 127.0.0.1 for the browser. A free one is picked when omitted or 0. */
  port?: number;
  removeExistingContainer?: boolean;
  /** Build the image without the engine's build cache. */
  buildNoCache?: boolean;
  logger: Logger;
  signal?: AbortSignal;
}

export interface BrowserSession {
  /** Workbench address with the connection token in it, on 127.0.0.1. */
  url: string;
  containerId: string;
  /**
   * Settles when the lifecycle commands after `waitFor` have run (the session
   * starts once `waitFor`'s command is done); rejects when one fails.
   */
  remainingLifecycle: Promise<void>;
  /** devcontainer.json's `shutdownAction`: what to do when the editor closes. */
  shutdownAction: 'none' | 'stopContainer';
  /** Stops forwarding the local port. The container and the server keep running. */
  close(): Promise<void>;
  /** Stops the container, for `shutdownAction: stopContainer` when the editor closes. */
  stopContainer(): Promise<void>;
}

/**
 * Serves the editor for a workspace's dev container to a local browser. It
 * brings the container up, copies code-server into it when missing, starts
 * its VS Code server with a fresh connection token, and forwards a local port
 * to it through the engine. The returned URL carries the token, so anyone who
 * has the URL can use the editor.
 */
export async function startBrowserSession(options: BrowserSessionOptions): Promise<BrowserSession> {
  const logger = options.logger.child('browse');
  const started = Date.now();

  const container = await up({
    workspaceFolder: options.workspaceFolder,
    configFile: options.configFile,
    removeExistingContainer: options.removeExistingContainer,
    buildNoCache: options.buildNoCache,
    returnAtWaitFor: true,
    logger: options.logger,
    signal: options.signal,
  });
  const { engine, containerId, remoteUser } = container;

  const installation = await installServer({ engine, containerId, logger: options.logger, signal: options.signal });

  // VS Code accepts tokens made of letters, digits, '-' and '_', so hex digits are safe.
  const token = randomBytes(32).toString('hex');
  options.logger.addSecret(token);
  const server = await startServer({
    engine,
    containerId,
    installation,
    remoteUser,
    remoteEnv: container.remoteEnv,
    workspaceFolder: container.remoteWorkspaceFolder,
    token,
    logger: options.logger,
    signal: options.signal,
  });

  await waitForServer({
    engine,
    containerId,
    user: remoteUser,
    node: installation.node,
    port: server.port,
    token,
    logFile: server.logFile,
    logger: options.logger,
    signal: options.signal,
  });
  throwIfAborted(options.signal);

  const forward = await startPortForward({
    engine,
    containerId,
    user: remoteUser,
    node: installation.node,
    containerPort: server.port,
    localPort: options.port,
    logger: options.logger,
  });

  logger.info(`Editor ready at http://127.0.0.1:${forward.localPort}/ after ${Date.now() - started} ms`);
  return {
    url: `http://127.0.0.1:${forward.localPort}/?tkn=${token}`,
    containerId,
    remainingLifecycle: container.remainingLifecycle,
    shutdownAction: effectiveShutdownAction(container.loaded.config) === 'none' ? 'none' : 'stopContainer',
    close: () => forward.close(),
    // stopCompose (the default for compose configurations) stops the project; stopContainer only the dev container.
    stopContainer: () =>
      effectiveShutdownAction(container.loaded.config) === 'stopCompose'
        ? stopDevContainers({ workspaceFolder: options.workspaceFolder, configFile: container.configFile, logger: options.logger, engine }).then(() => undefined)
        : stopContainer(engine, containerId),
  };
}
