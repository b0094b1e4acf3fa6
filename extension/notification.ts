import * as vscode from 'vscode';
import { CommandId } from './commands';
import { findDevContainerTargets } from './configPicker';
import type { ContainerLog } from './log';
import { whenWorkspaceTrusted } from './trust';

const dismissedKey = 'openDevcontainers.reopenPromptDismissed';

/**
 * Offers "Reopen in Container" once the window has a trusted workspace with a
 * dev container configuration. In Restricted Mode the offer waits for trust,
 * because the command would be rejected until then.
 */
export function offerReopenInContainer(workspaceState: vscode.Memento, log: ContainerLog): vscode.Disposable {
  if (workspaceState.get<boolean>(dismissedKey)) {
    return new vscode.Disposable(() => undefined);
  }

  return whenWorkspaceTrusted(() => {
    showOffer(workspaceState).catch((error: unknown) => {
      log.write({ level: 'warn', component: 'extension', message: `Offering to reopen in a container failed: ${String(error)}` });
    });
  });
}

async function showOffer(workspaceState: vscode.Memento): Promise<void> {
  const targets = await findDevContainerTargets();
  if (targets.length === 0) {
    return;
  }

  const reopen = vscode.l10n.t('Reopen in Container');
  const dontShowAgain = vscode.l10n.t("Don't Show Again");
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t('This folder has a dev container configuration. Reopen it in a container?'),
    reopen,
    dontShowAgain,
  );

  if (choice === reopen) {
    await vscode.commands.executeCommand(CommandId.reopenInContainer);
  } else if (choice === dontShowAgain) {
    await workspaceState.update(dismissedKey, true);
  }
}
