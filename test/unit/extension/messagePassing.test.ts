import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as net from 'node:net';
import { it } from 'node:test';
import { type EventEmitterLike, type EventLike, toMessagePassing } from '../../../extension/resolver/messagePassing';
import type { ServerConnection } from '../../../runtime/index';

/** A minimal stand-in for vscode.EventEmitter, with the same subscribe, fire and dispose contract. */
class TestEmitter<T> implements EventEmitterLike<T> {
  private listeners = new Set<(data: T) => unknown>();
  private disposed = false;

  event: EventLike<T> = (listener) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };

  fire(data: T): void {
    if (!this.disposed) {
      for (const listener of [...this.listeners]) {
        listener(data);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}

/** Adapts one end of a real TCP connection to the runtime's ServerConnection contract. */
function socketConnection(socket: net.Socket): ServerConnection {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const registration = (event: string, listener: (...args: any[]) => void) => {
    socket.on(event, listener);
    return { dispose: () => void socket.off(event, listener) };
  };
  let failure: Error | undefined;
  socket.on('error', (error) => (failure = error));
  return {
    onData: (listener) => registration('data', (data: Buffer) => listener(new Uint8Array(data))),
    onEnd: (listener) => registration('end', () => listener()),
    onClose: (listener) => registration('close', () => listener(failure)),
    send: (data) => void socket.write(data),
    end: () => void socket.end(),
    destroy: () => socket.destroy(),
  };
}

async function socketPair(): Promise<{ client: net.Socket; server: net.Socket; close(): void }> {
  const listener = net.createServer({ allowHalfOpen: true });
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as net.AddressInfo;
  const accepted = once(listener, 'connection') as Promise<[net.Socket]>;
  const client = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await once(client, 'connect');
  const [server] = await accepted;
  return { client, server, close: () => listener.close() };
}

it('message passing over a socket pair', async (t) => {
  const pair = await socketPair();
  t.after(() => {
    pair.client.destroy();
    pair.server.destroy();
    pair.close();
  });

  // Bytes that arrive before anyone subscribes must not be lost.
  const passing = toMessagePassing(socketConnection(pair.client), TestEmitter);
  pair.server.write('early ');
  await new Promise((resolve) => setTimeout(resolve, 50));

  const received: string[] = [];
  const events: string[] = [];
  passing.onDidReceiveMessage((data) => received.push(Buffer.from(data).toString('utf8')));
  passing.onDidEnd(() => events.push('end'));
  const closed = new Promise<Error | undefined>((resolve) => passing.onDidClose(resolve));

  pair.server.write('late');
  passing.send(new TextEncoder().encode('to server'));
  passing.end();
  assert.equal(await readAll(pair.server), 'to server');

  pair.server.end();
  assert.equal(await closed, undefined);
  assert.equal(received.join(''), 'early late');
  assert.deepEqual(events, ['end']);
});

it('message passing reports a reset', async (t) => {
  const pair = await socketPair();
  t.after(() => pair.close());
  const passing = toMessagePassing(socketConnection(pair.client), TestEmitter);
  const closed = new Promise<Error | undefined>((resolve) => passing.onDidClose(resolve));

  pair.server.resetAndDestroy();

  const error = await closed;
  assert.ok(error instanceof Error);
  assert.match(error.message, /ECONNRESET/);
});

async function readAll(socket: net.Socket): Promise<string> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'end');
  return Buffer.concat(chunks).toString('utf8');
}
