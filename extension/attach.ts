import * as vscode from 'vscode';
import { CancelledError, type Logger } from '../runtime/index';
import { type BrowserSession, type BrowserSessionOptions, startBrowserSession } from '../runtime/server/session';
import type { ContainerLog } from './log';
import type { DevContainerLocation } from './resolver/authority';

export interface OpenSessionRequest {
  location: DevContainerLocation;
  removeExistingContainer: boolean;
  buildNoCache: boolean;
  logger: Logger;
  signal: AbortSignal;
}

/**
 * The browser sessions this window started, one per configuration file.
 * Disposing the store closes every session, which stops its loopback bridge.
 */
export class BrowserSessionStore implements vscode.Disposable {
  private readonly sessions = new Map<string, BrowserSession>();
  private closing: Promise<void> | undefined;

  constructor(private readonly log: ContainerLog) {}

  /**
   * Brings the container up and starts its web editor behind a new loopback
   * bridge. An earlier session for the same configuration is closed first,
   * because a rebuild replaces the container it was bridged to.
   */
  async start(request: OpenSessionRequest): Promise<BrowserSession> {
    const key = request.location.configFile;
    await this.close(key);

    const options: BrowserSessionOptions = {
      workspaceFolder: request.location.workspaceFolder,
      configFile: request.location.configFile,
      removeExistingContainer: request.removeExistingContainer,
      buildNoCache: request.buildNoCache,
      logger: request.logger,
      signal: request.signal,
    };
    const session = await startBrowserSession(options);
    if (this.closing) {
      // The store was disposed while the session started, so nothing would
      // close it later.
      await session.close();
      throw new CancelledError('The window closed while the dev container was starting.');
    }

    // When the command runs twice at once, the session that finishes last is kept.
    await this.close(key);
    this.sessions.set(key, session);
    return session;
  }

  /**
   * Closes every session, and stops the containers whose configuration's
   * shutdownAction requests it (the default for image and Dockerfile
   * configurations). Repeated calls share one result.
   */
  closeAll(): Promise<void> {
    this.closing ??= Promise.all([...this.sessions.keys()].map((key) => this.close(key, { shutdown: true }))).then(() => undefined);
    return this.closing;
  }

  dispose(): void {
    void this.closeAll();
  }

  private async close(key: string, options: { shutdown?: boolean } = {}): Promise<void> {
    const session = this.sessions.get(key);
    if (!session) {
      return;
    }
    this.sessions.delete(key);

    try {
      await session.close();
      if (options.shutdown && session.shutdownAction === 'stopContainer') {
        await session.stopContainer();
        this.log.write({
          level: 'info',
          component: 'attach',
          message: `Stopped container ${session.containerId.slice(0, 12)} (shutdownAction stopContainer)`,
        });
      }
      this.log.write({
        level: 'info',
        component: 'attach',
        message: `Closed the browser session of container ${session.containerId.slice(0, 12)}`,
      });
    } catch (error) {
      this.log.write({
        level: 'warn',
        component: 'attach',
        message: `Closing the browser session of container ${session.containerId.slice(0, 12)} failed: ${String(error)}`,
      });
    }
  }
}

/**
 * Opens a session's URL in the browser. Returns false when the editor did not
 * open it (the user declined the prompt), after offering to try again.
 */
export async function openSessionInBrowser(session: BrowserSession): Promise<boolean> {
  const uri = await externalUriFor(vscode.Uri.parse(session.url));
  if (await vscode.env.openExternal(uri)) {
    return true;
  }

  const openAgain = vscode.l10n.t('Open in Browser');
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t('The dev container is running, but its editor was not opened in the browser.'),
    openAgain,
  );
  return choice === openAgain && (await vscode.env.openExternal(uri));
}

/**
 * Maps the session's loopback URL to one the user's browser can reach. A web
 * host may serve it through its own port proxy: code-server 4.96 maps
 * `http://127.0.0.1:<port>/...` to `<its origin>/proxy/<port>/` and drops the
 * path and query, which hold the connection token, so they are put back here.
 * The result already points at the host's origin, so `openExternal` does not
 * map it again.
 */
async function externalUriFor(uri: vscode.Uri): Promise<vscode.Uri> {
  const external = await vscode.env.asExternalUri(uri);
  if (external.query === uri.query) {
    return external;
  }
  if (external.path === uri.path) {
    return external.with({ query: uri.query });
  }

  const basePath = external.path.endsWith('/') ? external.path : `${external.path}/`;
  return external.with({ path: basePath + uri.path.replace(/^\//, ''), query: uri.query });
}
