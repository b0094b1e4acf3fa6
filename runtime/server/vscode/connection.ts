import { openContainerPortStream } from '../../bridge/stream';
import type { Engine } from '../../engine/client';
import type { Logger } from '../../log';
import type { ListenerRegistration, ServerConnection } from './types';

/** The server's port in the container, and the user and node binary that run the forwarder to it. */
export interface ServerSession {
  engine: Engine;
  containerId: string;
  /** User the forwarder runs as in the container. */
  user: string;
  /** Path of the node binary in the container that runs the forwarder. */
  node: string;
  /** Port of the server on the container's loopback interface. */
  port: number;
  logger?: Logger;
}

/**
 * Opens one byte pipe to the server: one engine exec of the forwarder, with
 * no published port and no local listener. VS Code's managed sockets (see
 * `src/vs/platform/remote/common/managedSocket.ts` in microsoft/vscode) send
 * an HTTP upgrade request with `skipWebSocketFrames=true` through it and then
 * their own protocol, so the pipe passes bytes unchanged in both directions.
 */
export async function openServerConnection(session: ServerSession): Promise<ServerConnection> {
  const stream = await openContainerPortStream({
    engine: session.engine,
    containerId: session.containerId,
    user: session.user,
    node: session.node,
    port: session.port,
  });
  const dataListeners = new Set<(data: Uint8Array) => void>();
  const closeListeners = new Set<(error?: Error) => void>();
  const endListeners = new Set<() => void>();
  let closed = false;
  let inputEnded = false;

  // Bytes that arrive before the first data listener are kept, because the
  // caller registers listeners only after this function returns.
  const early: Uint8Array[] = [];
  stream.output.on('data', (chunk: Buffer) => {
    if (dataListeners.size === 0) {
      early.push(chunk);
      return;
    }
    for (const listener of dataListeners) {
      listener(chunk);
    }
  });

  const close = (error?: Error) => {
    if (closed) {
      return;
    }
    closed = true;
    stream.destroy();
    // The forwarder's stderr names a failed connection, such as a refused port.
    const reason = error ?? (stream.stderrTail() ? new Error(`Connection to port ${session.port} in the container failed: ${stream.stderrTail()}`) : undefined);
    if (reason) {
      session.logger?.debug(`Server connection to port ${session.port} closed: ${reason.message}`);
    }
    for (const listener of closeListeners) {
      listener(reason);
    }
  };
  stream.output.on('end', () => {
    for (const listener of endListeners) {
      listener();
    }
    // The forwarder exits when the server closes the socket, so the end of
    // its output is also the end of the connection.
    close();
  });
  stream.output.on('error', (error: Error) => close(error));
  stream.input.on('error', (error: Error) => close(error));

  return {
    onData(listener) {
      dataListeners.add(listener);
      for (const chunk of early.splice(0)) {
        listener(chunk);
      }
      return registration(() => dataListeners.delete(listener));
    },
    onClose(listener) {
      closeListeners.add(listener);
      return registration(() => closeListeners.delete(listener));
    },
    onEnd(listener) {
      endListeners.add(listener);
      return registration(() => endListeners.delete(listener));
    },
    send(data) {
      if (!closed && !inputEnded) {
        stream.input.write(data);
      }
    },
    drain() {
      if (closed || !stream.input.writableNeedDrain) {
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const done = () => {
          stream.input.off('drain', done);
          closeListeners.delete(done);
          resolve();
        };
        stream.input.once('drain', done);
        closeListeners.add(done);
      });
    },
    end() {
      if (!closed && !inputEnded) {
        inputEnded = true;
        stream.input.end();
      }
    },
    destroy() {
      close();
    },
  };
}

function registration(remove: () => void): ListenerRegistration {
  return { dispose: remove };
}
