import { ConfigurationError, EnvironmentError, isCancellation, messageOf } from '../errors';
import { createLogger, formatText, type LogLevel, type Logger, type LogRecord } from '../log';
import { abortOnSignals } from './signals';

export type LogFormat = 'text' | 'json';

/** Numeric levels of the reference CLI's JSON log lines. */
const jsonLevel: Record<LogLevel, number> = { trace: 1, debug: 2, info: 3, warn: 4, error: 5 };

/**
 * Creates a logger that writes to stderr, so stdout carries only the
 * command's JSON result, or for `exec` the command's own output. `write`
 * replaces stderr as the destination of the lines, such as a log file.
 */
export function cliLogger(level: LogLevel, format: LogFormat, write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const sink = (record: LogRecord) => {
    const line =
      format === 'json'
        ? JSON.stringify({ type: 'text', level: jsonLevel[record.level], timestamp: record.time, text: `${record.component}: ${record.message}` })
        : formatText(record);
    write(line + '\n');
  };
  return createLogger(level, sink, 'cli');
}

/** Maximum length of the error message in the JSON result; the log has the rest. */
const maxMessageLength = 4000;

/** Builds the JSON line a command prints on failure, and its exit code. */
export function errorResult(error: unknown): { json: Record<string, unknown>; exitCode: number } {
  if (isCancellation(error)) {
    return { json: { outcome: 'error', message: 'Cancelled.', description: 'The operation was cancelled.' }, exitCode: 130 };
  }
  let description = 'An unexpected error occurred. Rerun with --log-level debug and report the log.';
  const json: Record<string, unknown> = { outcome: 'error' };
  if (error instanceof ConfigurationError) {
    description = 'The dev container configuration is invalid.';
  } else if (error instanceof EnvironmentError) {
    description = 'The container engine or a command in the container failed.';
    if (error.details.containerId) json.containerId = error.details.containerId;
  }
  let message = messageOf(error);
  if (message.length > maxMessageLength) {
    message = `${message.slice(0, maxMessageLength)}… (truncated; the log has the whole output)`;
  }
  return { json: { ...json, message, description }, exitCode: 1 };
}

export function writeJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

export interface CommandContext {
  logger: Logger;
  signal: AbortSignal;
}

type LogArgs = { 'log-level': LogLevel; 'log-format': LogFormat };

/**
 * Runs a command with a stderr logger and a signal that SIGINT and SIGTERM
 * abort. The action writes its own output and returns the exit code; a
 * failure prints the error JSON line instead.
 */
export async function runCommand(args: LogArgs, action: (context: CommandContext) => Promise<number>): Promise<number> {
  const logger = cliLogger(args['log-level'], args['log-format']);
  const abort = abortOnSignals(logger);
  try {
    return await action({ logger, signal: abort.signal });
  } catch (error) {
    const { json, exitCode } = errorResult(error);
    logger.error(String(json.message));
    writeJson(json);
    return exitCode;
  } finally {
    abort.dispose();
  }
}

/**
 * Runs a command that prints one JSON result line: success with the fields
 * `action` returns, or the error result.
 */
export function runJsonCommand(
  args: LogArgs,
  action: (context: CommandContext) => Promise<Record<string, unknown>>,
  options: { outcomeField?: boolean } = {},
): Promise<number> {
  return runCommand(args, async (context) => {
    const fields = await action(context);
    // read-configuration prints its result without the outcome field, as the reference CLI does.
    writeJson(options.outcomeField === false ? fields : { outcome: 'success', ...fields });
    return 0;
  });
}
