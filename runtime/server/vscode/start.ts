import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Engine } from '../../engine/client';
import { execCapture } from '../../engine/exec';
import { EnvironmentError } from '../../errors';
import type { Logger } from '../../log';
import { redact } from '../start';
import type { EditorServerInstallation } from './install';
import startScript from './start-editor-server.sh';
import type { ClientProduct } from './types';

export interface StartEditorServerOptions {
  engine: Engine;
  containerId: string;
  installation: Pick<EditorServerInstallation, 'folder' | 'node'>;
  product: ClientProduct;
  remoteUser: string;
  /** The remote user's probed environment with remoteEnv on top, which the server and its terminals get. */
  remoteEnv: Record<string, string>;
  /** Port on the container's loopback interface. The kernel picks one when omitted or 0. */
  port?: number;
  /** Seconds the script waits for the server to listen, 60 when omitted. */
  startTimeoutSeconds?: number;
  logger: Logger;
  signal?: AbortSignal;
}

export interface StartedEditorServer {
  /** Port the server listens on, on the container's loopback interface. */
  port: number;
  /** Token the server accepts, registered as a secret with the logger. */
  connectionToken: string;
  /** Path of the server's log in the container. */
  logFile: string;
  /** True when a server that an earlier call started was still running. */
  reused: boolean;
}

/**
 * Starts the VS Code server as the remote user (start-editor-server.sh), or
 * finds the one an earlier call started for the same build, so a window
 * reload reconnects to the server it had. The new token goes to the script
 * on stdin, and a reused server's token comes back on stdout. Neither is logged.
 */
export async function startEditorServer(options: StartEditorServerOptions): Promise<StartedEditorServer> {
  const logger = options.logger.child('server');
  const started = Date.now();
  // VS Code accepts tokens made of letters, digits, '-' and '_', so hex digits are safe.
  const newToken = randomBytes(32).toString('hex');
  options.logger.addSecret(newToken);

  const result = await execCapture(options.engine, options.containerId, {
    cmd: ['/bin/sh', '-c', startScript, 'start-editor-server.sh'],
    user: options.remoteUser,
    env: {
      ...options.remoteEnv,
      DEVCONTAINER_SERVER_FOLDER: options.installation.folder,
      DEVCONTAINER_SERVER_APPLICATION: options.product.serverApplicationName,
      DEVCONTAINER_SERVER_COMMIT: options.product.commit,
      DEVCONTAINER_SERVER_DATA_FOLDER: options.product.serverDataFolderName,
      DEVCONTAINER_SERVER_PORT: String(options.port ?? 0),
      DEVCONTAINER_START_TIMEOUT: String(options.startTimeoutSeconds ?? 60),
    },
    stdin: Readable.from([`${newToken}\n`]),
    signal: options.signal,
  });

  const outputs = parseOutputs(result.stdout);
  if (outputs.token !== undefined) {
    options.logger.addSecret(outputs.token);
  }
  if (result.exitCode !== 0 || outputs.port === undefined || outputs.log === undefined) {
    const output = `${result.stderr}${result.stdout}`.trim();
    const tail = outputs.token === undefined ? redact(output, newToken) : redact(redact(output, newToken), outputs.token);
    throw new EnvironmentError(
      `Starting the ${options.product.nameShort} server in container ${options.containerId.slice(0, 12)} ` +
        `as ${options.remoteUser} failed (exit code ${result.exitCode}). Output:\n${tail}`,
      { objectId: options.containerId, status: result.exitCode, outputTail: tail },
    );
  }

  const reused = outputs.reused === true && outputs.token !== undefined;
  logger.info(
    reused
      ? `Reusing the ${options.product.nameShort} server on port ${outputs.port} in the container (log: ${outputs.log})`
      : `${options.product.nameShort} server listening on port ${outputs.port} in the container after ${Date.now() - started} ms (log: ${outputs.log})`,
  );
  return {
    port: outputs.port,
    connectionToken: reused ? (outputs.token as string) : newToken,
    logFile: outputs.log,
    reused,
  };
}

interface ScriptOutputs {
  port?: number;
  log?: string;
  reused?: boolean;
  token?: string;
}

/** Reads the script's `name=value` lines. */
function parseOutputs(stdout: string): ScriptOutputs {
  const outputs: ScriptOutputs = {};
  for (const line of stdout.split('\n')) {
    const equals = line.indexOf('=');
    const name = line.slice(0, equals);
    const value = line.slice(equals + 1).trim();
    if (name === 'port' && /^\d+$/.test(value)) {
      outputs.port = Number(value);
    } else if (name === 'log' && value.length > 0) {
      outputs.log = value;
    } else if (name === 'reused') {
      outputs.reused = value === '1';
    } else if (name === 'token' && /^[A-Za-z0-9_-]+$/.test(value)) {
      outputs.token = value;
    }
  }
  return outputs;
}
