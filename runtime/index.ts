/** The runtime's typed API, used in-process by the extension and by the CLI. */
export { up, type UpOptions, type UpResult } from './up/index';
export { execInDevContainer, type ExecInDevContainerOptions } from './exec';
export { loadConfig } from './config/load';
export { findConfigFiles, resolveConfigFile } from './config/discover';
export { connectEngine, type Engine } from './engine/client';
export { createLogger, type Logger, type LogLevel, type LogRecord } from './log';
export { ConfigurationError, EnvironmentError, CancelledError, isCancellation } from './errors';
export { startBrowserSession, type BrowserSession, type BrowserSessionOptions } from './server/session';
export { isServerInstallFailure, prepareEditorServer } from './server/vscode/index';
export type {
  ClientProduct,
  ListenerRegistration,
  PrepareEditorServerOptions,
  PreparedEditorServer,
  ServerConnection,
  ServerSource,
} from './server/vscode/types';
export { prepareContainerForEditor, type PrepareContainerOptions, type PreparedContainer } from './attach/index';
export { runPostAttachCommand, type PostAttachOptions } from './attach/postAttach';
export type { DotfilesOptions } from './attach/dotfiles';
