import * as path from 'node:path';
import * as vscode from 'vscode';
import { openContainerPortStream } from '../../runtime/bridge/stream';
import { connectEngine, type Engine, loadConfig, type Logger, prepareEditorServer, type PreparedEditorServer } from '../../runtime/index';
import type { ResolverApiState } from '../attachMode';
import { reportFailure } from '../failures';
import type { ContainerLog } from '../log';
import { withContainerProgress } from '../progress';
import { dotfilesSetting, serverSourceSetting } from '../settings';
import { attachProblems, showAttachWarnings } from './attachWarnings';
import { authorityPrefix, decodeAuthority, type DevContainerLocation } from './authority';
import { portsToForward } from './forwardPorts';
import { toMessagePassing } from './messagePassing';
import { toResolverError } from './resolverErrors';
import { startTunnelListener } from './tunnelListener';

/** A container whose server this window resolved, kept for reconnects, tunnels and canonical URIs. */
interface ResolvedContainer {
  location: DevContainerLocation;
  server: PreparedEditorServer;
  engine: Engine;
  logger: Logger;
}

/** Hosts that mean the container's own loopback interface. */
const loopbackHosts = new Set(['localhost', '127.0.0.1', '0.0.0.0', '::', '[::]']);

/**
 * Attempts and delay for opening the configured port forwards, which are
 * retried because `openTunnel` may fail while the window still connects.
 * NOTE: both numbers are estimates; no desktop build ran this path here.
 */
const forwardAttempts = 10;
const forwardRetryDelayMs = 3_000;

/**
 * Resolves `devcontainer-open+…` authorities: prepares the VS Code server in
 * the container and returns connections to it carried by engine execs. Port
 * forwards go through execs too, so no container port is published. Each
 * prepared container keeps a socket relay for the SSH agent and git
 * credentials, which runs until the next resolve of the same authority or
 * until the resolver is disposed with the extension host.
 */
export class DevContainerResolver implements vscode.RemoteAuthorityResolver, vscode.Disposable {
  private readonly resolved = new Map<string, Promise<ResolvedContainer>>();
  /** Authorities whose `forwardPorts` were opened; a reconnect keeps the forwards it had. */
  private readonly portsForwarded = new Set<string>();
  /** Authorities whose failed preparation steps were shown; a reconnect does not show them again. */
  private readonly warned = new Set<string>();
  private lastAuthority: string | undefined;

  constructor(
    private readonly log: ContainerLog,
    /** Path of the client's `product.json`, which names the server commit. */
    private readonly clientProductPath: string,
  ) {}

  async resolve(authority: string, context: vscode.RemoteAuthorityResolverContext): Promise<vscode.ResolverResult> {
    this.log.write({ level: 'info', component: 'resolver', message: `Resolving ${authority} (attempt ${context.resolveAttempt})` });

    let container: ResolvedContainer;
    const previous = this.resolved.get(authority);
    try {
      const pending = this.prepare(decodeAuthority(authority));
      this.resolved.set(authority, pending);
      this.lastAuthority = authority;
      container = await pending;
    } catch (error) {
      this.resolved.delete(authority);
      throw toResolverError(error, this.log);
    } finally {
      // The previous relay goes once the new preparation settled. After a success the new relay
      // has repointed the container's agent socket link, and after a failure the window cannot connect.
      void previous?.then((old) => this.close(old), () => undefined);
    }

    const { server } = container;
    server.remainingLifecycle.catch((error: unknown) => reportFailure(error, this.log));
    if (!this.warned.has(authority)) {
      this.warned.add(authority);
      showAttachWarnings(attachProblems(server), this.log);
    }
    if (!this.portsForwarded.has(authority)) {
      this.portsForwarded.add(authority);
      setTimeout(() => {
        this.forwardConfiguredPorts(container).catch((error: unknown) =>
          container.logger.warn(`Forwarding the ports of forwardPorts failed: ${String(error)}`),
        );
      }, 0);
    }

    const connect = async (): Promise<vscode.ManagedMessagePassing> =>
      toMessagePassing(await server.connect(), vscode.EventEmitter) as vscode.ManagedMessagePassing;
    const result = new vscode.ManagedResolvedAuthority(connect, server.connectionToken);
    const tunnelInformation: vscode.TunnelInformation = {
      tunnelFeatures: {
        elevation: false,
        privacyOptions: [{ id: 'private', label: vscode.l10n.t('Private'), themeIcon: 'lock' }],
      },
    };
    return Object.assign(result, tunnelInformation);
  }

  /**
   * Maps a URI in the container's workspace folder to the same file in the
   * local workspace folder, so Workspace Trust and the recent list treat the
   * window as that local folder.
   */
  async getCanonicalURI(uri: vscode.Uri): Promise<vscode.Uri | undefined> {
    const pending = this.resolved.get(uri.authority);
    const container = pending && (await pending.catch(() => undefined));
    if (!container) {
      return undefined;
    }
    // NOTE: the mapping is right while the container's workspace folder is a mount of
    // the local one, as with the default workspaceMount. A workspaceMount
    // that mounts another folder makes the mapped URI wrong.
    const relative = path.posix.relative(container.server.remoteWorkspaceFolder, uri.path);
    if (relative.startsWith('..') || path.posix.isAbsolute(relative)) {
      return undefined;
    }
    return vscode.Uri.file(path.join(container.location.workspaceFolder, ...relative.split('/').filter(Boolean)));
  }

  /** Forwards a port through a loopback listener whose connections each open an exec stream. */
  tunnelFactory = (options: vscode.TunnelOptions): Thenable<vscode.Tunnel> | undefined => {
    // A window has one remote authority: the one resolved last.
    const pending = this.lastAuthority === undefined ? undefined : this.resolved.get(this.lastAuthority);
    return pending?.then((container) => this.createTunnel(container, options));
  };

  /** Stops the socket relays of every prepared container. The extension host disposes the resolver when it stops. */
  dispose(): void {
    for (const pending of this.resolved.values()) {
      void pending.then((container) => this.close(container), () => undefined);
    }
    this.resolved.clear();
  }

  private async prepare(location: DevContainerLocation): Promise<ResolvedContainer> {
    const title = vscode.l10n.t('Connecting to the dev container');
    const server = await withContainerProgress(title, this.log, ({ logger, signal }) =>
      prepareEditorServer({
        workspaceFolder: location.workspaceFolder,
        configFile: location.configFile,
        clientProductPath: this.clientProductPath,
        serverSource: serverSourceSetting(),
        dotfiles: dotfilesSetting(),
        logger,
        signal,
      }),
    );
    const logger = this.log.createLogger().child('resolver');
    logger.addSecret(server.connectionToken);
    try {
      const engine = await connectEngine({ logger });
      return { location, server, engine, logger };
    } catch (error) {
      await server.close();
      throw error;
    }
  }

  private async close(container: ResolvedContainer): Promise<void> {
    try {
      await container.server.close();
    } catch (error) {
      container.logger.warn(`Stopping the socket relay in container ${container.server.containerId.slice(0, 12)} failed: ${String(error)}`);
    }
  }

  private async createTunnel(container: ResolvedContainer, options: vscode.TunnelOptions): Promise<vscode.Tunnel> {
    const { server, engine, logger } = container;
    const remoteHost = options.remoteAddress.host;
    const listener = await startTunnelListener({
      remoteHost,
      remotePort: options.remoteAddress.port,
      localPort: options.localAddressPort ?? options.remoteAddress.port,
      logger,
      // NOTE: a server that listens only on ::1 is not reached, because the
      // loopback names all map to 127.0.0.1.
      openStream: (host, port) =>
        openContainerPortStream({
          engine,
          containerId: server.containerId,
          user: server.remoteUser,
          node: server.node,
          host: loopbackHosts.has(host) ? '127.0.0.1' : host,
          port,
        }),
    });
    logger.info(`Forwarding 127.0.0.1:${listener.localPort} to ${remoteHost}:${options.remoteAddress.port} in container ${server.containerId.slice(0, 12)}`);

    const disposed = new vscode.EventEmitter<void>();
    let closing: Promise<void> | undefined;
    return {
      remoteAddress: options.remoteAddress,
      localAddress: { host: '127.0.0.1', port: listener.localPort },
      privacy: 'private',
      protocol: options.protocol,
      onDidDispose: disposed.event,
      dispose: () => {
        closing ??= listener.close().finally(() => {
          disposed.fire();
          disposed.dispose();
        });
        return closing;
      },
    };
  }

  /** Opens the ports of `forwardPorts`, labelled from `portsAttributes`. */
  private async forwardConfiguredPorts(container: ResolvedContainer): Promise<void> {
    const { logger, location } = container;
    const loaded = await loadConfig({ workspaceFolder: location.workspaceFolder, configFile: location.configFile });
    const { ports, invalid } = portsToForward(loaded.config.forwardPorts, loaded.config.portsAttributes);
    if (invalid.length > 0) {
      logger.warn(`Skipped forwardPorts entries that are not a port or "host:port": ${JSON.stringify(invalid)}`);
    }

    for (const port of ports) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await vscode.workspace.openTunnel({
            remoteAddress: { host: port.host, port: port.port },
            localAddressPort: port.port,
            label: port.label,
          });
          break;
        } catch (error) {
          if (attempt === forwardAttempts) {
            logger.warn(`Forwarding ${port.host}:${port.port} failed after ${attempt} attempts: ${String(error)}`);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, forwardRetryDelayMs));
        }
      }
    }
  }
}

/**
 * Registers the resolver and its label formatter when the editor allows the
 * proposed `resolvers` API for this extension, and reports whether it does.
 */
export function registerDevContainerResolver(log: ContainerLog): { state: ResolverApiState; registration: vscode.Disposable } {
  const none = { dispose: () => undefined };
  // The functions exist in every build but throw unless the proposal is enabled.
  if (typeof (vscode.workspace as { registerRemoteAuthorityResolver?: unknown }).registerRemoteAuthorityResolver !== 'function') {
    return { state: 'absent', registration: none };
  }

  const resolver = new DevContainerResolver(log, path.join(vscode.env.appRoot, 'product.json'));
  let registration: vscode.Disposable;
  try {
    registration = vscode.workspace.registerRemoteAuthorityResolver(authorityPrefix, resolver);
  } catch (error) {
    log.write({ level: 'debug', component: 'resolver', message: `The resolvers API is not enabled: ${String(error)}` });
    return { state: 'blocked', registration: none };
  }

  const formatter = vscode.workspace.registerResourceLabelFormatter({
    scheme: 'vscode-remote',
    authority: `${authorityPrefix}+*`,
    formatting: {
      label: '${path}',
      separator: '/',
      tildify: true,
      workspaceSuffix: vscode.l10n.t('Dev Container'),
    },
  });
  // extension.ts adds the registration to context.subscriptions, so the relays stop when the extension host does.
  return { state: 'allowed', registration: vscode.Disposable.from(registration, formatter, resolver) };
}
