import * as vscode from 'vscode';
import { type BrowserSessionStore, openSessionInBrowser } from './attach';
import { chooseAttachModeForWindow } from './attachChoice';
import type { AttachMode, ResolverApiState } from './attachMode';
import { pickDevContainerTarget } from './configPicker';
import { reportFailure } from './failures';
import type { ContainerLog } from './log';
import { withContainerProgress } from './progress';
import { authorityPrefix, decodeAuthority, type DevContainerLocation } from './resolver/authority';
import { openWithResolver } from './resolver/open';
import type { BrowserSession } from '../runtime/server/session';
import { openWithSsh } from './ssh/handoff';
import { ensureWorkspaceTrusted } from './trust';

/** Command ids, as contributed in package.json. */
export const CommandId = {
  reopenInContainer: 'openDevcontainers.reopenInContainer',
  rebuildContainer: 'openDevcontainers.rebuildContainer',
  rebuildContainerNoCache: 'openDevcontainers.rebuildContainerNoCache',
  showLog: 'openDevcontainers.showLog',
} as const;

export interface CommandServices {
  log: ContainerLog;
  sessions: BrowserSessionStore;
  /** Whether the resolver registered at activation. */
  resolverApi: ResolverApiState;
  globalState: vscode.Memento;
  /** Folder of this extension, which contains `dist/cli.js` for the SSH ProxyCommand. */
  extensionPath: string;
}

interface OpenMode {
  /** Command title, for messages. */
  title: string;
  removeExistingContainer: boolean;
  buildNoCache: boolean;
}

/** Registers the command palette commands. */
export function registerCommands(services: CommandServices): vscode.Disposable {
  const reopen: OpenMode = {
    title: vscode.l10n.t('Reopen in Container'),
    removeExistingContainer: false,
    buildNoCache: false,
  };
  const rebuild: OpenMode = {
    title: vscode.l10n.t('Rebuild Container'),
    removeExistingContainer: true,
    buildNoCache: false,
  };
  const rebuildNoCache: OpenMode = {
    title: vscode.l10n.t('Rebuild Container Without Cache'),
    removeExistingContainer: true,
    buildNoCache: true,
  };

  return vscode.Disposable.from(
    vscode.commands.registerCommand(CommandId.reopenInContainer, () => openInContainer(services, reopen)),
    vscode.commands.registerCommand(CommandId.rebuildContainer, () => openInContainer(services, rebuild)),
    vscode.commands.registerCommand(CommandId.rebuildContainerNoCache, () => openInContainer(services, rebuildNoCache)),
    vscode.commands.registerCommand(CommandId.showLog, () => services.log.show()),
  );
}

/**
 * Brings the chosen configuration's container up and attaches the editor:
 * check trust, pick the configuration, choose the attach mode, then open the
 * container in that mode under a progress notification.
 */
async function openInContainer(services: CommandServices, mode: OpenMode): Promise<void> {
  if (!(await ensureWorkspaceTrusted(mode.title))) {
    return;
  }

  const location = await currentDevContainerLocation();
  if (!location) {
    return;
  }

  const choice = await chooseAttachModeForWindow(services.resolverApi, services.globalState, services.log);
  if (choice.kind !== 'attach') {
    return;
  }

  try {
    await openInMode(choice.mode, services, mode, location);
  } catch (error) {
    await reportFailure(error, services.log);
  }
}

/**
 * Returns the configuration to open. In a window that the resolver opened,
 * it is the one the window's remote authority names, because the workspace
 * folders there are in the container. Otherwise the user picks one of the
 * workspace's configurations.
 */
async function currentDevContainerLocation(): Promise<DevContainerLocation | undefined> {
  // env.remoteAuthority is proposed API, so the authority is read from a
  // workspace folder; env.remoteName is its part before the '+'.
  if (vscode.env.remoteName === authorityPrefix) {
    const remoteFolder = vscode.workspace.workspaceFolders?.find((folder) => folder.uri.authority.startsWith(`${authorityPrefix}+`));
    if (remoteFolder) {
      return decodeAuthority(remoteFolder.uri.authority);
    }
  }

  const target = await pickDevContainerTarget();
  return target && { workspaceFolder: target.workspaceFolder.uri.fsPath, configFile: target.configFile };
}

async function openInMode(attachMode: AttachMode, services: CommandServices, mode: OpenMode, location: DevContainerLocation): Promise<void> {
  const progressTitle = mode.removeExistingContainer
    ? vscode.l10n.t('Rebuilding the dev container')
    : vscode.l10n.t('Opening the folder in a dev container');
  const request = {
    location,
    removeExistingContainer: mode.removeExistingContainer,
    buildNoCache: mode.buildNoCache,
    progressTitle,
    log: services.log,
  };

  switch (attachMode) {
    case 'resolver':
      await openWithResolver(request);
      break;
    case 'ssh':
      await openWithSsh({ ...request, extensionPath: services.extensionPath });
      break;
    case 'browser':
      await openInBrowser(services, request);
      break;
  }
}

async function openInBrowser(
  services: CommandServices,
  request: { location: DevContainerLocation; removeExistingContainer: boolean; buildNoCache: boolean; progressTitle: string },
): Promise<void> {
  const session = await withContainerProgress(request.progressTitle, services.log, ({ logger, signal }) =>
    services.sessions.start({
      location: request.location,
      removeExistingContainer: request.removeExistingContainer,
      buildNoCache: request.buildNoCache,
      logger,
      signal,
    }),
  );

  const opened = await openSessionInBrowser(session);
  services.log.write({
    level: 'info',
    component: 'attach',
    message: opened
      ? `Opened the editor of container ${session.containerId.slice(0, 12)} in the browser`
      : `The editor of container ${session.containerId.slice(0, 12)} was not opened in the browser`,
  });
  void showRemainingLifecycle(session, services.log);
}

/**
 * Shows progress while the lifecycle commands after `waitFor` run in the
 * background, and reports a failure among them like any other.
 */
async function showRemainingLifecycle(session: BrowserSession, log: ContainerLog): Promise<void> {
  let settled = false;
  const done = session.remainingLifecycle.then(
    () => (settled = true),
    () => (settled = true),
  );
  await Promise.resolve();
  if (!settled) {
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Running the remaining lifecycle commands in the dev container'),
      },
      () => done,
    );
  }
  try {
    await session.remainingLifecycle;
  } catch (error) {
    await reportFailure(error, log);
  }
}
