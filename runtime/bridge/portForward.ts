import * as net from 'node:net';
import type { Engine } from '../engine/client';
import { EnvironmentError, messageOf } from '../errors';
import type { Logger } from '../log';
import { type ContainerPortStream, openContainerPortStream } from './stream';

export interface PortForwardOptions {
  engine: Engine;
  containerId: string;
  /** User the forwarders run as in the container. */
  user: string;
  /** Path of a node binary in the container, which runs the forwarders. */
  node: string;
  /** Port on the container's loopback interface that connections reach. */
  containerPort: number;
  /** Local port on 127.0.0.1. A free one is picked when omitted or 0. */
  localPort?: number;
  logger: Logger;
}

export interface PortForward {
  /** The local port that listens on 127.0.0.1. */
  localPort: number;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 and carries each connection to a port in the
 * container through its own exec (see openContainerPortStream). Bytes pass
 * through unchanged, so HTTP and WebSocket traffic both work.
 */
export async function startPortForward(options: PortForwardOptions): Promise<PortForward> {
  const logger = options.logger.child('bridge');
  const open = new Set<net.Socket>();
  const warnings = new RepeatedWarnings(logger);
  let connectionCount = 0;

  // allowHalfOpen keeps the reply direction open after the client ends its
  // request direction, which the forwarder passes on as a half-close.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    connectionCount += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    void carryConnection(socket, { ...options, logger, connectionId: connectionCount, warnings });
  });

  const localPort = await listen(server, options.localPort ?? 0);
  logger.info(`Forwarding 127.0.0.1:${localPort} to port ${options.containerPort} in container ${options.containerId.slice(0, 12)}`);

  return {
    localPort,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of open) {
        socket.destroy();
      }
      await closed;
      logger.info(`Stopped forwarding 127.0.0.1:${localPort} after ${connectionCount} connections`);
    },
  };
}

function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE'
          ? `port ${port} on 127.0.0.1 is already in use. Pass another port, or 0 for a free one.`
          : messageOf(error);
      reject(new EnvironmentError(`Listening for the browser failed: ${reason}`, {}, { cause: error }));
    });
    server.listen({ host: '127.0.0.1', port }, () => {
      const address = server.address() as net.AddressInfo;
      resolve(address.port);
    });
  });
}

interface ConnectionContext extends PortForwardOptions {
  connectionId: number;
  warnings: RepeatedWarnings;
}

/**
 * Logs a connection failure as a warning once, and its immediate repeats at
 * debug level with a warning every 50th time, because a browser that retries
 * against a stopped server fails the same way many times.
 */
class RepeatedWarnings {
  private last = '';
  private repeats = 0;

  constructor(private readonly logger: Logger) {}

  warn(connectionId: number, reason: string): void {
    if (reason !== this.last) {
      this.last = reason;
      this.repeats = 0;
      this.logger.warn(`Connection ${connectionId}: ${reason}`);
      return;
    }
    this.repeats += 1;
    if (this.repeats % 50 === 0) {
      this.logger.warn(`Connection ${connectionId}: ${reason} (repeated ${this.repeats} times)`);
    } else {
      this.logger.debug(`Connection ${connectionId}: ${reason}`);
    }
  }
}

/** Pipes one local connection through an exec. Both sides end or fail together. */
async function carryConnection(socket: net.Socket, context: ConnectionContext): Promise<void> {
  const { logger, connectionId, warnings } = context;
  const started = Date.now();
  socket.on('error', (error) => logger.debug(`Connection ${connectionId}: local socket error: ${error.message}`));

  let remote: ContainerPortStream;
  try {
    remote = await openContainerPortStream({
      engine: context.engine,
      containerId: context.containerId,
      user: context.user,
      node: context.node,
      port: context.containerPort,
    });
  } catch (error) {
    warnings.warn(connectionId, `starting the forwarder in the container failed: ${messageOf(error)}`);
    socket.destroy();
    return;
  }
  if (socket.destroyed) {
    remote.destroy();
    return;
  }
  logger.trace(`Connection ${connectionId}: opened in ${Date.now() - started} ms`);

  // Client to container. The client's end half-closes the exec's stdin.
  socket.pipe(remote.input);

  // Container to client. When the forwarder exits, the client gets the end,
  // and further bytes from it are dropped instead of written to a closed exec.
  remote.output.pipe(socket);
  remote.output.on('end', () => {
    socket.unpipe(remote.input);
    socket.resume();
    const reason = remote.stderrTail();
    if (reason) {
      warnings.warn(connectionId, reason);
    }
  });

  remote.input.on('error', (error) => {
    logger.debug(`Connection ${connectionId}: exec stream error: ${error.message}`);
    socket.destroy();
  });
  remote.output.on('error', () => socket.destroy());
  socket.on('close', () => {
    remote.destroy();
    logger.trace(`Connection ${connectionId}: closed after ${Date.now() - started} ms`);
  });
}
