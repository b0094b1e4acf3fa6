import { closeSync, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import type { Duplex } from 'node:stream';
import { cliLogger, type LogFormat } from '../../cli/output';
import { abortOnSignals } from '../../cli/signals';
import { isCancellation, messageOf } from '../../errors';
import type { Logger, LogLevel } from '../../log';
import { claimStdio } from './stdio';

export interface ProxyProcessOptions {
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** File to append log lines to instead of stderr. */
  logFile?: string;
  /** Serves the SSH stream until the client leaves and returns the exit code. */
  serve(socket: Duplex, logger: Logger, signal: AbortSignal): Promise<number>;
}

/**
 * Runs `ssh-proxy` in this process: takes stdin and stdout for the SSH
 * stream, logs to stderr or the log file, and aborts `serve` on SIGINT,
 * SIGTERM and SIGHUP. Returns the exit code: `serve`'s, 130 after a signal,
 * and 1 when `serve` raised.
 */
export async function runProxyProcess(options: ProxyProcessOptions): Promise<number> {
  // Claimed first, so nothing written while the modules load reaches the client.
  const socket = claimStdio();

  const logFile = options.logFile === undefined ? undefined : openSync(path.resolve(options.logFile), 'a');
  const write = logFile === undefined ? undefined : (line: string) => void writeSync(logFile, line);
  const logger = cliLogger(options.logLevel, options.logFormat, write);
  const abort = abortOnSignals(logger);
  // OpenSSH sends SIGHUP to its ProxyCommand when it exits.
  const hangup = new AbortController();
  const onHangup = () => hangup.abort();
  process.once('SIGHUP', onHangup);
  try {
    if (process.stdin.isTTY) {
      logger.warn('ssh-proxy speaks SSH on stdin and stdout; run it as an SSH ProxyCommand, not in a terminal.');
    }
    return await options.serve(socket, logger, AbortSignal.any([abort.signal, hangup.signal]));
  } catch (error) {
    if (isCancellation(error)) return 130;
    logger.error(messageOf(error));
    return 1;
  } finally {
    abort.dispose();
    process.off('SIGHUP', onHangup);
    if (logFile !== undefined) closeSync(logFile);
  }
}
