/** The runtime's typed API, used in-process by the extension and by the CLI. */
export { up, type UpOptions, type UpResult } from './up/index';
export { execInDevContainer, type ExecInDevContainerOptions } from './exec';
export { loadConfig } from './config/load';
export { findConfigFiles, resolveConfigFile } from './config/discover';
export { connectEngine, type Engine } from './engine/client';
export { createLogger, type Logger, type LogLevel, type LogRecord } from './log';
export { ConfigurationError, EnvironmentError, CancelledError, isCancellation } from './errors';
export { startBrowserSession, type BrowserSession, type BrowserSessionOptions } from './server/session';
