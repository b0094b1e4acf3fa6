import * as path from 'node:path';
import * as vscode from 'vscode';
import { findConfigFiles } from '../runtime/index';

/** A dev container configuration together with the workspace folder it belongs to. */
export interface DevContainerTarget {
  workspaceFolder: vscode.WorkspaceFolder;
  /** Absolute path of the devcontainer.json file. */
  configFile: string;
}

/**
 * Lists the dev container configurations of every workspace folder on disk.
 * Folders of other schemes (virtual file systems) are skipped, because the
 * engine needs a local path to mount.
 */
export async function findDevContainerTargets(): Promise<DevContainerTarget[]> {
  const targets: DevContainerTarget[] = [];
  for (const workspaceFolder of vscode.workspace.workspaceFolders ?? []) {
    if (workspaceFolder.uri.scheme !== 'file') {
      continue;
    }
    const configFiles = await findConfigFiles(workspaceFolder.uri.fsPath);
    for (const configFile of configFiles) {
      targets.push({ workspaceFolder, configFile });
    }
  }
  return targets;
}

interface TargetItem extends vscode.QuickPickItem {
  target: DevContainerTarget;
}

/**
 * Returns the configuration to use: the only one there is, or the one the
 * user picks from a QuickPick when there are several. Returns undefined when
 * the workspace has none (after telling the user) or the user dismisses the
 * QuickPick.
 */
export async function pickDevContainerTarget(): Promise<DevContainerTarget | undefined> {
  const targets = await findDevContainerTargets();

  if (targets.length === 0) {
    await vscode.window.showErrorMessage(
      vscode.l10n.t(
        'No dev container configuration found in the workspace. Create .devcontainer/devcontainer.json or .devcontainer.json in the folder, then run the command again.',
      ),
    );
    return undefined;
  }
  if (targets.length === 1) {
    return targets[0];
  }

  const multiRoot = new Set(targets.map((target) => target.workspaceFolder.uri.toString())).size > 1;
  const items: TargetItem[] = targets.map((target) => ({
    label: path.relative(target.workspaceFolder.uri.fsPath, target.configFile),
    description: multiRoot ? target.workspaceFolder.name : undefined,
    target,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Dev Container Configuration'),
    placeHolder: vscode.l10n.t('Select the dev container configuration to open'),
    matchOnDescription: true,
  });
  return picked?.target;
}
