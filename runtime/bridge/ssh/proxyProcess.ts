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
 * Writes a log line to stderr. ssh puts the terminal in raw mode for a pty
 * session, where a bare line feed does not return the cursor, so on a
 * terminal each line ends with CR LF.
 */
function writeToStderr(line: string): void {
  process.stderr.write(process.stderr.isTTY ? line.replace(/\r?\n/g, '\r\n') : line);
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

  let logFile: number | undefined;
  if (options.logFile !== undefined) {
    const logPath = path.resolve(options.logFile);
    try {
      logFile = openSync(logPath, 'a');
    } catch (error) {
      process.stderr.write(`ssh-proxy: opening the log file ${logPath} failed: ${messageOf(error)}. Create its folder or pass another --log-file.\n`);
      return 1;
    }
  }
  const write = logFile === undefined ? writeToStderr : (line: string) => void writeSync(logFile, line);
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
    const exitCode = await options.serve(socket, logger, AbortSignal.any([abort.signal, hangup.signal]));
    // SIGINT or SIGTERM ends the connection, which `serve` reports as a normal end.
    return abort.signal.aborted ? 130 : exitCode;
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
