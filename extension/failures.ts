import * as path from 'node:path';
import * as vscode from 'vscode';
import { ConfigurationError, EnvironmentError, isCancellation } from '../runtime/index';
import type { ContainerLog } from './log';

type ConfigurationErrorLocation = NonNullable<ConfigurationError['location']>;

/**
 * Reports a failed container operation by its kind. A cancellation is only
 * logged. A configuration error offers to open the file at the error's
 * position, an environment error shows its message, and anything else is a
 * bug whose stack goes to the log. Every failure message offers the log.
 */
export async function reportFailure(error: unknown, log: ContainerLog): Promise<void> {
  if (isCancellation(error)) {
    log.write({ level: 'info', component: 'extension', message: 'Cancelled by the user.' });
    return;
  }

  if (error instanceof ConfigurationError) {
    await reportConfigurationError(error, log);
    return;
  }

  if (error instanceof EnvironmentError) {
    log.write({ level: 'error', component: 'extension', message: environmentErrorText(error) });
    await showErrorWithLog(vscode.l10n.t('Starting the dev container failed: {0}', error.message), log);
    return;
  }

  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  log.write({ level: 'error', component: 'extension', message: `Unexpected error: ${text}` });
  await showErrorWithLog(
    vscode.l10n.t(
      'Dev Containers failed with an unexpected error: {0}. The log has the details.',
      error instanceof Error ? error.message : String(error),
    ),
    log,
  );
}

async function reportConfigurationError(error: ConfigurationError, log: ContainerLog): Promise<void> {
  log.write({ level: 'error', component: 'extension', message: `Configuration error: ${error.message}` });

  const showLog = vscode.l10n.t('Show Log');
  const location = error.location;
  const openFile = location && (await isFile(location.file))
    ? vscode.l10n.t('Open {0}', path.basename(location.file))
    : undefined;
  const actions = openFile ? [openFile, showLog] : [showLog];

  const choice = await vscode.window.showErrorMessage(
    vscode.l10n.t('Dev container configuration error: {0}', error.message),
    ...actions,
  );
  if (choice === showLog) {
    log.show();
  } else if (choice !== undefined && choice === openFile && location) {
    await openLocation(location);
  }
}

async function showErrorWithLog(message: string, log: ContainerLog): Promise<void> {
  const showLog = vscode.l10n.t('Show Log');
  const choice = await vscode.window.showErrorMessage(message, showLog);
  if (choice === showLog) {
    log.show();
  }
}

/** Opens the file and puts the cursor at the error's 1-based line and column. */
async function openLocation(location: ConfigurationErrorLocation): Promise<void> {
  const line = Math.max((location.line ?? 1) - 1, 0);
  const column = Math.max((location.column ?? 1) - 1, 0);
  const position = new vscode.Position(line, column);
  await vscode.window.showTextDocument(vscode.Uri.file(location.file), {
    selection: new vscode.Range(position, position),
  });
}

function environmentErrorText(error: EnvironmentError): string {
  const { endpoint, objectId, status, outputTail } = error.details;
  const parts = [error.message];
  if (endpoint) {
    parts.push(`endpoint ${endpoint}`);
  }
  if (objectId) {
    parts.push(`object ${objectId}`);
  }
  if (status !== undefined) {
    parts.push(`status ${status}`);
  }
  const text = parts.join('; ');
  return outputTail ? `${text}\n${outputTail}` : text;
}

async function isFile(file: string): Promise<boolean> {
  try {
    const stat = await vscode.workspace.fs.stat(vscode.Uri.file(file));
    return (stat.type & vscode.FileType.File) !== 0;
  } catch {
    return false;
  }
}
