import * as vscode from 'vscode';
import { BrowserSessionStore } from './attach';
import type { ResolverApiState } from './attachMode';
import { registerCommands } from './commands';
import { ContainerLog } from './log';
import { offerReopenInContainer } from './notification';
import { registerDevContainerResolver } from './resolver/resolver';
import { watchComposeToolSetting } from './settings';

let sessions: BrowserSessionStore | undefined;

/** The API that `activate` returns to other extensions and to tests. */
export interface ExtensionApi {
  /** Whether the remote authority resolver registered. */
  resolverApi: ResolverApiState;
}

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = new ContainerLog();
  sessions = new BrowserSessionStore(log);

  // The resolver registers first and synchronously, because the editor
  // activates this extension with onResolveRemoteAuthority and then calls
  // the resolver right away. A web host cannot use it.
  const resolver =
    vscode.env.uiKind === vscode.UIKind.Web
      ? { state: 'absent' as const, registration: new vscode.Disposable(() => undefined) }
      : registerDevContainerResolver(log);

  // Subscriptions are disposed in order, so the log goes last and still
  // records the sessions closing.
  context.subscriptions.push(
    resolver.registration,
    watchComposeToolSetting(),
    registerCommands({
      log,
      sessions,
      resolverApi: resolver.state,
      globalState: context.globalState,
      extensionPath: context.extensionPath,
    }),
    offerReopenInContainer(context.workspaceState, log),
    sessions,
    log,
  );
  return { resolverApi: resolver.state };
}

/** Waits for the browser sessions to close, which disposing only starts. */
export async function deactivate(): Promise<void> {
  await sessions?.closeAll();
  sessions = undefined;
}
