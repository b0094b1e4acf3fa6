import { Readable } from 'node:stream';
import type { Engine } from '../engine/client';
import { execCapture } from '../engine/exec';
import { EnvironmentError } from '../errors';
import type { Logger } from '../log';
import type { ServerInstallation } from './install';
import startScript from './start-server.sh';

export interface StartServerOptions {
  engine: Engine;
  containerId: string;
  installation: ServerInstallation;
  remoteUser: string;
  /** Variables the server, and so its terminals and extensions, get on top of the container's. */
  remoteEnv: Record<string, string>;
  /** Folder in the container that the workbench opens. */
  workspaceFolder: string;
  /** Connection token that the browser must present. The script reads it from stdin. */
  token: string;
  /** Seconds the script waits for the server to listen, 60 when omitted. */
  startTimeoutSeconds?: number;
  logger: Logger;
  signal?: AbortSignal;
}

export interface StartedServer {
  /** Port the server listens on, on the container's loopback interface. */
  port: number;
  /** Path of the server's log in the container. */
  logFile: string;
}

/**
 * Starts the VS Code server from the copied code-server package as the remote
 * user (start-server.sh), replacing one that an earlier session started, and
 * returns the port it listens on once it does.
 */
export async function startServer(options: StartServerOptions): Promise<StartedServer> {
  const logger = options.logger.child('server');
  const started = Date.now();

  const result = await execCapture(options.engine, options.containerId, {
    cmd: ['/bin/sh', '-c', startScript, 'start-server.sh'],
    user: options.remoteUser,
    env: {
      ...options.remoteEnv,
      DEVCONTAINER_SERVER_FOLDER: options.installation.folder,
      DEVCONTAINER_SERVER_NODE: options.installation.node,
      DEVCONTAINER_WORKSPACE_FOLDER: options.workspaceFolder,
      DEVCONTAINER_START_TIMEOUT: String(options.startTimeoutSeconds ?? 60),
    },
    stdin: Readable.from([`${options.token}\n`]),
    signal: options.signal,
  });

  const outputs = parseOutputs(result.stdout);
  if (result.exitCode !== 0 || outputs.port === undefined || outputs.log === undefined) {
    const tail = redact(`${result.stderr}${result.stdout}`.trim(), options.token);
    throw new EnvironmentError(
      `Starting the VS Code server of code-server in container ${options.containerId.slice(0, 12)} ` +
        `as ${options.remoteUser} failed (exit code ${result.exitCode}). Output:\n${tail}`,
      { objectId: options.containerId, status: result.exitCode, outputTail: tail },
    );
  }

  logger.info(`VS Code server listening on port ${outputs.port} in the container after ${Date.now() - started} ms (log: ${outputs.log})`);
  return { port: outputs.port, logFile: outputs.log };
}

/** Reads the script's `port=N` and `log=PATH` lines. */
function parseOutputs(stdout: string): { port?: number; log?: string } {
  const outputs: { port?: number; log?: string } = {};
  for (const line of stdout.split('\n')) {
    const equals = line.indexOf('=');
    const name = line.slice(0, equals);
    const value = line.slice(equals + 1).trim();
    if (name === 'port' && /^\d+$/.test(value)) {
      outputs.port = Number(value);
    } else if (name === 'log' && value.length > 0) {
      outputs.log = value;
    }
  }
  return outputs;
}

/**
 * Replaces the token in server output. The server prints it in its
 * "Web UI available at" line, and this text goes into error messages, which
 * the logger's redactor does not see.
 */
export function redact(text: string, token: string): string {
  return text.split(token).join('********');
}
