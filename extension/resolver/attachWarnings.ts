import * as vscode from 'vscode';
import type { PreparedEditorServer } from '../../runtime/index';
import type { ContainerLog } from '../log';

/**
 * Returns one line for each preparation step that failed and for each
 * extension that failed to install. The log has the full messages and the
 * output of each failed step.
 */
export function attachProblems(server: Pick<PreparedEditorServer, 'warnings' | 'extensionFailures'>): string[] {
  // A step's message continues with the command's output after its first line, which often ends in "Output:".
  const steps = server.warnings.map((warning) => warning.split('\n')[0].replace(/[.:\s]+$/, ''));
  const extensions = server.extensionFailures.map((failure) =>
    vscode.l10n.t('Installing extension {0} failed with exit code {1}', failure.extension, failure.exitCode),
  );
  return [...steps, ...extensions];
}

/**
 * Shows the failed preparation steps of a resolved container in one warning
 * notification that offers the log. The editor works without those steps,
 * so the notification does not block the resolve.
 */
export function showAttachWarnings(problems: string[], log: ContainerLog): void {
  if (problems.length === 0) {
    return;
  }
  const showLog = vscode.l10n.t('Show Log');
  const message = vscode.l10n.t('The dev container opened, but {0} preparation step(s) failed: {1}.', problems.length, problems.join('; '));
  void vscode.window.showWarningMessage(message, showLog).then((choice) => {
    if (choice === showLog) {
      log.show();
    }
  });
}
