import { ConfigurationError, EnvironmentError, isCancellation, messageOf } from '../errors';
import { createLogger, formatText, type LogLevel, type Logger, type LogRecord } from '../log';

export type LogFormat = 'text' | 'json';

/** Numeric levels of the reference CLI's JSON log lines. */
const jsonLevel: Record<LogLevel, number> = { trace: 1, debug: 2, info: 3, warn: 4, error: 5 };

/**
 * Creates a logger that writes to stderr, so stdout carries only the
 * command's JSON result, or for `exec` the command's own output.
 */
export function cliLogger(level: LogLevel, format: LogFormat): Logger {
  const sink = (record: LogRecord) => {
    const line =
      format === 'json'
        ? JSON.stringify({ type: 'text', level: jsonLevel[record.level], timestamp: record.time, text: `${record.component}: ${record.message}` })
        : formatText(record);
    process.stderr.write(line + '\n');
  };
  return createLogger(level, sink, 'cli');
}

/** Builds the JSON line a command prints on failure, and its exit code. */
export function errorResult(error: unknown): { json: Record<string, unknown>; exitCode: number } {
  if (isCancellation(error)) {
    return { json: { outcome: 'error', message: 'Cancelled.', description: 'The operation was cancelled.' }, exitCode: 130 };
  }
  let description = 'An unexpected error occurred. Rerun with --log-level debug and report the log.';
  if (error instanceof ConfigurationError) {
    description = 'The dev container configuration is invalid.';
  } else if (error instanceof EnvironmentError) {
    description = 'The container engine or a command in the container failed.';
  }
  return { json: { outcome: 'error', message: messageOf(error), description }, exitCode: 1 };
}
