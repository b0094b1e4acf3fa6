import * as vscode from 'vscode';
import { ConfigurationError, EnvironmentError, isCancellation } from '../../runtime/index';
import type { ContainerLog } from '../log';
import { AuthorityError } from './authority';

/**
 * Converts a failure to resolve into the error the editor acts on. A
 * configuration error, an authority this extension did not write, a
 * cancellation or a bug cannot heal by itself (NotAvailable). An environment
 * error, such as an engine that is down, may heal, so the editor retries
 * (TemporarilyNotAvailable).
 */
export function toResolverError(error: unknown, log: ContainerLog): vscode.RemoteAuthorityResolverError {
  if (isCancellation(error)) {
    log.write({ level: 'info', component: 'resolver', message: 'Connecting to the dev container was cancelled.' });
    return vscode.RemoteAuthorityResolverError.NotAvailable(vscode.l10n.t('Connecting to the dev container was cancelled.'));
  }

  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof EnvironmentError) {
    log.write({ level: 'error', component: 'resolver', message: `Connecting to the dev container failed: ${message}` });
    return vscode.RemoteAuthorityResolverError.TemporarilyNotAvailable(
      vscode.l10n.t('Connecting to the dev container failed: {0}', message),
    );
  }
  if (error instanceof ConfigurationError || error instanceof AuthorityError) {
    log.write({ level: 'error', component: 'resolver', message: `Configuration error: ${message}` });
    return vscode.RemoteAuthorityResolverError.NotAvailable(vscode.l10n.t('Dev container configuration error: {0}', message));
  }

  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  log.write({ level: 'error', component: 'resolver', message: `Unexpected error while connecting: ${text}` });
  return vscode.RemoteAuthorityResolverError.NotAvailable(
    vscode.l10n.t('Dev Containers failed with an unexpected error: {0}. The log has the details.', message),
  );
}
