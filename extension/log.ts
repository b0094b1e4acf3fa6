import * as vscode from 'vscode';
import { createLogger, type Logger, type LogLevel, type LogRecord } from '../runtime/index';

/**
 * The extension's levelled log: one `LogOutputChannel` that receives the
 * runtime logger's records, each line starting with its component tag. The
 * channel adds the time and level itself.
 */
export class ContainerLog implements vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private disposed = false;

  constructor() {
    this.channel = vscode.window.createOutputChannel(vscode.l10n.t('Dev Containers'), { log: true });
  }

  /**
   * Creates a runtime logger at the channel's current level, so records the
   * channel would drop are never formatted. `onRecord` receives every record
   * that passes the level, after redaction.
   */
  createLogger(onRecord?: (record: LogRecord) => void): Logger {
    return createLogger(
      runtimeLevelOf(this.channel.logLevel),
      (record) => {
        this.write(record);
        onRecord?.(record);
      },
      'extension',
    );
  }

  /** Writes one record. Records that arrive after dispose, as from closing sessions, are dropped. */
  write(record: Pick<LogRecord, 'level' | 'component' | 'message'>): void {
    if (this.disposed) {
      return;
    }
    const line = `[${record.component}] ${record.message}`;
    switch (record.level) {
      case 'trace':
        this.channel.trace(line);
        break;
      case 'debug':
        this.channel.debug(line);
        break;
      case 'info':
        this.channel.info(line);
        break;
      case 'warn':
        this.channel.warn(line);
        break;
      case 'error':
        this.channel.error(line);
        break;
    }
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.disposed = true;
    this.channel.dispose();
  }
}

function runtimeLevelOf(level: vscode.LogLevel): LogLevel {
  switch (level) {
    case vscode.LogLevel.Trace:
      return 'trace';
    case vscode.LogLevel.Debug:
      return 'debug';
    case vscode.LogLevel.Info:
      return 'info';
    case vscode.LogLevel.Warning:
      return 'warn';
    default:
      // Error and Off: the channel drops everything below error anyway.
      return 'error';
  }
}
