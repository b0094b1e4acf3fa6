import * as net from 'node:net';
import type { ContainerPortStream } from '../../runtime/bridge/stream';
import { messageOf } from '../../runtime/errors';
import type { Logger } from '../../runtime/log';

export interface TunnelListenerOptions {
  /** Host and port as the container resolves them, such as `localhost:3000` or a compose service's `db:5432`. */
  remoteHost: string;
  remotePort: number;
  /** The requested local port. A free one is used when it is taken or 0. */
  localPort: number;
  /** Opens one byte stream to `remoteHost:remotePort` inside the container. */
  openStream(host: string, port: number): Promise<ContainerPortStream>;
  logger: Logger;
}

export interface TunnelListener {
  localPort: number;
  /** Stops listening and closes every connection it carries. */
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1 and carries each accepted connection through its own
 * stream into the container, so a forwarded port needs no published
 * container port.
 */
export async function startTunnelListener(options: TunnelListenerOptions): Promise<TunnelListener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    void carry(socket, options);
  });

  const localPort = await listenWithFallback(server, options.localPort);
  return {
    localPort,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) {
        socket.destroy();
      }
      await closed;
    },
  };
}

async function listenWithFallback(server: net.Server, port: number): Promise<number> {
  try {
    return await listen(server, port);
  } catch (error) {
    if (port !== 0 && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      return listen(server, 0);
    }
    throw error;
  }
}

function listen(server: net.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host: '127.0.0.1', port }, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Pipes one local connection through a container stream. Either side closing closes both. */
async function carry(socket: net.Socket, options: TunnelListenerOptions): Promise<void> {
  const target = `${options.remoteHost}:${options.remotePort}`;
  socket.on('error', (error) => options.logger.debug(`Tunnel to ${target}: local socket error: ${error.message}`));

  let remote: ContainerPortStream;
  try {
    remote = await options.openStream(options.remoteHost, options.remotePort);
  } catch (error) {
    options.logger.warn(`Tunnel to ${target}: opening a stream into the container failed: ${messageOf(error)}`);
    socket.destroy();
    return;
  }
  if (socket.destroyed) {
    remote.destroy();
    return;
  }

  // The local client's end half-closes the stream, and the reply keeps flowing.
  socket.pipe(remote.input);
  remote.output.pipe(socket);
  remote.output.on('end', () => {
    const reason = remote.stderrTail();
    if (reason) {
      options.logger.debug(`Tunnel to ${target}: ${reason}`);
    }
  });
  remote.input.on('error', () => socket.destroy());
  remote.output.on('error', () => socket.destroy());
  socket.on('close', () => remote.destroy());
}
