/**
 * One levelled log for the runtime. Every line carries a component tag, and
 * every line passes through the redactor before it reaches a sink, so
 * registry credentials, connection tokens and secret-named variables never
 * appear in output.
 */

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

const levelRank: Record<LogLevel, number> = {
  trace: 0,
  debug: 1,
  info: 2,
  warn: 3,
  error: 4,
};

export interface LogRecord {
  level: LogLevel;
  component: string;
  message: string;
  /** Milliseconds since the epoch. */
  time: number;
}

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  readonly level: LogLevel;
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger that tags its lines with another component name. */
  child(component: string): Logger;
  /** Registers a value that must never appear in log output. */
  addSecret(value: string): void;
  isEnabled(level: LogLevel): boolean;
}

export function parseLogLevel(value: string): LogLevel | undefined {
  return value in levelRank ? (value as LogLevel) : undefined;
}

const secretNamePattern = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|CREDENTIAL)/i;

/** Returns true when an environment variable's name marks it as a secret. */
export function isSecretName(name: string): boolean {
  return secretNamePattern.test(name);
}

export class Redactor {
  private readonly secrets = new Set<string>();

  add(value: string): void {
    // Very short values would blank out ordinary words.
    if (value.length >= 4) {
      this.secrets.add(value);
    }
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) {
      result = result.split(secret).join('********');
    }
    // NAME=value pairs whose name says secret, as in `env` output or build args.
    return result.replace(
      /\b([A-Za-z_][A-Za-z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|CREDENTIAL)[A-Za-z0-9_]*)=([^\s"']+)/gi,
      '$1=********',
    );
  }
}

class TaggedLogger implements Logger {
  constructor(
    readonly level: LogLevel,
    private readonly component: string,
    private readonly sink: LogSink,
    private readonly redactor: Redactor,
  ) {}

  isEnabled(level: LogLevel): boolean {
    return levelRank[level] >= levelRank[this.level];
  }

  private write(level: LogLevel, message: string): void {
    if (!this.isEnabled(level)) {
      return;
    }
    this.sink({
      level,
      component: this.component,
      message: this.redactor.redact(message),
      time: Date.now(),
    });
  }

  trace(message: string): void {
    this.write('trace', message);
  }
  debug(message: string): void {
    this.write('debug', message);
  }
  info(message: string): void {
    this.write('info', message);
  }
  warn(message: string): void {
    this.write('warn', message);
  }
  error(message: string): void {
    this.write('error', message);
  }

  child(component: string): Logger {
    return new TaggedLogger(this.level, component, this.sink, this.redactor);
  }

  addSecret(value: string): void {
    this.redactor.add(value);
  }
}

export function createLogger(level: LogLevel, sink: LogSink, component = 'runtime'): Logger {
  return new TaggedLogger(level, component, sink, new Redactor());
}

/** Creates a logger that drops everything, for callers that want no output. */
export function silentLogger(): Logger {
  return createLogger('error', () => undefined);
}

/** Formats a record as one text line: time, level, component, message. */
export function formatText(record: LogRecord): string {
  const time = new Date(record.time).toISOString().slice(11, 23);
  return `[${time}] ${record.level.padEnd(5)} ${record.component}: ${record.message}`;
}
