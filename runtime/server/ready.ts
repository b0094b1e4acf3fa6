import { setTimeout as delay } from 'node:timers/promises';
import { openContainerPortStream } from '../bridge/stream';
import type { Engine } from '../engine/client';
import { execCapture } from '../engine/exec';
import { EnvironmentError, throwIfAborted } from '../errors';
import type { Logger } from '../log';
import { redact } from './start';

export interface WaitForServerOptions {
  engine: Engine;
  containerId: string;
  user: string;
  /** Path of the node binary in the container that runs the forwarder. */
  node: string;
  port: number;
  token: string;
  /** Path of the server's log in the container, for the error message. */
  logFile: string;
  /** Milliseconds to wait, 60 000 when omitted. */
  timeoutMs?: number;
  logger: Logger;
  signal?: AbortSignal;
}

/** Milliseconds between two requests. */
const pollInterval = 250;

/**
 * Waits until the server returns the workbench page for the token, by sending
 * an HTTP GET through the same exec forwarder the browser's connections use.
 * A 403 means the server rejected the token, which no retry fixes.
 */
export async function waitForServer(options: WaitForServerOptions): Promise<void> {
  const logger = options.logger.child('server');
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  let lastResult = 'no response';

  while (Date.now() - started < timeoutMs) {
    throwIfAborted(options.signal);
    const { status, detail } = await requestWorkbench(options);
    if (status === 200) {
      logger.info(`VS Code server returned the workbench after ${Date.now() - started} ms`);
      return;
    }
    if (status === 403) {
      throw await serverError(options, 'rejected the connection token (HTTP 403)');
    }
    lastResult = status === undefined ? detail : `HTTP ${status}`;
    logger.debug(`VS Code server not ready: ${lastResult}`);
    await delay(pollInterval, undefined, { signal: options.signal }).catch(() => undefined);
  }

  throw await serverError(options, `did not return the workbench within ${timeoutMs / 1000} s (last result: ${lastResult})`);
}

/** Sends one GET / with the token cookie and returns the response's status code. */
async function requestWorkbench(options: WaitForServerOptions): Promise<{ status?: number; detail: string }> {
  const remote = await openContainerPortStream({
    engine: options.engine,
    containerId: options.containerId,
    user: options.user,
    node: options.node,
    port: options.port,
  });

  const chunks: Buffer[] = [];
  remote.output.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve) => {
    remote.output.on('end', resolve);
    remote.output.on('error', () => resolve());
  });
  // The request direction stays open: Node's HTTP server drops a request that
  // is still being handled when the client half-closes. `Connection: close`
  // makes the server close the connection after the response instead.
  remote.input.write(
    'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n' + `Cookie: vscode-tkn=${options.token}\r\n` + 'Connection: close\r\n\r\n',
  );
  await ended;
  remote.destroy();

  const statusLine = Buffer.concat(chunks).toString('latin1').split('\r\n', 1)[0];
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (match) {
    return { status: Number(match[1]), detail: statusLine };
  }
  return { detail: remote.stderrTail() || 'the connection closed without a response' };
}

async function serverError(options: WaitForServerOptions, reason: string): Promise<EnvironmentError> {
  const log = await execCapture(options.engine, options.containerId, {
    cmd: ['tail', '-n', '40', options.logFile],
    user: options.user,
  });
  const tail = redact(log.stdout.trim() || log.stderr.trim(), options.token);
  return new EnvironmentError(
    `The VS Code server in container ${options.containerId.slice(0, 12)} ${reason}. ` +
      `Last lines of ${options.logFile}:\n${tail}`,
    { objectId: options.containerId, outputTail: tail },
  );
}
