import * as vscode from 'vscode';
import { confirmBrowserAttach, type BrowserSessionStore, openSessionInBrowser } from './attach';
import { pickDevContainerTarget } from './configPicker';
import { reportFailure } from './failures';
import type { ContainerLog } from './log';
import { withContainerProgress } from './progress';
import type { BrowserSession } from '../runtime/server/session';
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
 * Brings the chosen configuration's container up and opens its editor:
 * check trust, pick the configuration, confirm the browser fallback on a
 * desktop host, start the session under a progress notification, open it.
 */
async function openInContainer(services: CommandServices, mode: OpenMode): Promise<void> {
  if (!(await ensureWorkspaceTrusted(mode.title))) {
    return;
  }

  const target = await pickDevContainerTarget();
  if (!target) {
    return;
  }

  if (!(await confirmBrowserAttach())) {
    return;
  }

  try {
    const progressTitle = mode.removeExistingContainer
      ? vscode.l10n.t('Rebuilding the dev container')
      : vscode.l10n.t('Opening the folder in a dev container');
    const session = await withContainerProgress(progressTitle, services.log, ({ logger, signal }) =>
      services.sessions.start({
        target,
        removeExistingContainer: mode.removeExistingContainer,
        buildNoCache: mode.buildNoCache,
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
  } catch (error) {
    await reportFailure(error, services.log);
  }
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
