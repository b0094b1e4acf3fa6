import * as vscode from 'vscode';

/**
 * Returns true when the workspace is trusted. Otherwise shows a warning that
 * names the rejected command and offers the Workspace Trust editor, because
 * building a container runs code the folder's configuration names.
 */
export async function ensureWorkspaceTrusted(commandTitle: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) {
    return true;
  }

  const manageTrust = vscode.l10n.t('Manage Workspace Trust');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t(
      '"{0}" is not available in Restricted Mode, because a dev container runs commands from the folder\'s configuration. Trust the folder to use it.',
      commandTitle,
    ),
    manageTrust,
  );
  if (choice === manageTrust) {
    await vscode.commands.executeCommand('workbench.trust.manage');
  }
  return false;
}

/** Calls `callback` now when the workspace is trusted, or once trust is granted. */
export function whenWorkspaceTrusted(callback: () => void): vscode.Disposable {
  if (vscode.workspace.isTrusted) {
    callback();
    return new vscode.Disposable(() => undefined);
  }

  const listener = vscode.workspace.onDidGrantWorkspaceTrust(() => {
    listener.dispose();
    callback();
  });
  return listener;
}
