import type * as vscode from 'vscode';
import { BrowserSessionStore } from './attach';
import { registerCommands } from './commands';
import { ContainerLog } from './log';
import { offerReopenInContainer } from './notification';

let sessions: BrowserSessionStore | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = new ContainerLog();
  sessions = new BrowserSessionStore(log);

  // Subscriptions are disposed in order, so the log goes last and still
  // records the sessions closing.
  context.subscriptions.push(
    registerCommands({ log, sessions }),
    offerReopenInContainer(context.workspaceState, log),
    sessions,
    log,
  );
}

/** Waits for the browser sessions to close, which disposing only starts. */
export async function deactivate(): Promise<void> {
  await sessions?.closeAll();
  sessions = undefined;
}
