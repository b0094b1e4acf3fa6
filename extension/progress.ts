import * as vscode from 'vscode';
import { CancelledError, isCancellation, type Logger } from '../runtime/index';
import type { ContainerLog } from './log';

export interface ProgressTaskContext {
  /** Runtime logger whose info records also become the notification's message. */
  logger: Logger;
  /** Aborted when the user cancels the notification. */
  signal: AbortSignal;
}

/**
 * Runs `task` under a cancellable progress notification. The notification's
 * CancellationToken is converted once into the AbortSignal the runtime takes.
 * A task that fails after cancellation was requested rejects with a
 * CancelledError, because whatever it raised then is a consequence of the
 * abort rather than a failure to report.
 */
export async function withContainerProgress<T>(
  title: string,
  log: ContainerLog,
  task: (context: ProgressTaskContext) => Promise<T>,
): Promise<T> {
  const options: vscode.ProgressOptions = {
    location: vscode.ProgressLocation.Notification,
    title,
    cancellable: true,
  };

  return vscode.window.withProgress(options, async (progress, token) => {
    const cancellation = abortControllerFor(token);
    const logger = log.createLogger((record) => {
      if (record.level === 'info') {
        progress.report({ message: record.message });
      }
    });

    try {
      return await task({ logger, signal: cancellation.controller.signal });
    } catch (error) {
      if (cancellation.controller.signal.aborted && !isCancellation(error)) {
        logger.debug(`Error after cancellation: ${error instanceof Error ? error.message : String(error)}`);
        throw new CancelledError();
      }
      throw error;
    } finally {
      cancellation.dispose();
    }
  });
}

function abortControllerFor(token: vscode.CancellationToken): { controller: AbortController } & vscode.Disposable {
  const controller = new AbortController();
  if (token.isCancellationRequested) {
    controller.abort(new CancelledError());
  }
  const listener = token.onCancellationRequested(() => controller.abort(new CancelledError()));
  return { controller, dispose: () => listener.dispose() };
}
