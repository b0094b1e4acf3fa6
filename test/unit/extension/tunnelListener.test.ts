import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as net from 'node:net';
import { PassThrough } from 'node:stream';
import { it } from 'node:test';
import { startTunnelListener } from '../../../extension/resolver/tunnelListener';
import type { ContainerPortStream } from '../../../runtime/bridge/stream';
import { createLogger } from '../../../runtime/log';

/** Starts an uppercasing echo server in place of the port inside the container. */
async function startEchoServer(): Promise<net.Server> {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.on('data', (data: Buffer) => socket.write(data.toString('utf8').toUpperCase()));
    socket.on('end', () => socket.end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** Opens a stream the way the exec relay does, but over a direct TCP connection. */
async function openDirectStream(port: number): Promise<ContainerPortStream> {
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  await once(socket, 'connect');
  const output = new PassThrough();
  socket.pipe(output);
  return { input: socket, output, stderrTail: () => '', destroy: () => socket.destroy() };
}

async function request(port: number, text: string): Promise<string> {
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.end(text);
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('utf8');
}

it('tunnel listener carries connections', async (t) => {
  const echo = await startEchoServer();
  const echoPort = (echo.address() as net.AddressInfo).port;
  const opened: string[] = [];
  const logger = createLogger('error', () => undefined, 'test');

  // The requested local port is taken (by the echo server), so another one is used.
  const listener = await startTunnelListener({
    remoteHost: 'db',
    remotePort: 5432,
    localPort: echoPort,
    logger,
    openStream: (host, port) => {
      opened.push(`${host}:${port}`);
      return openDirectStream(echoPort);
    },
  });
  t.after(async () => {
    await listener.close();
    echo.close();
  });

  assert.notEqual(listener.localPort, echoPort);
  assert.equal(await request(listener.localPort, 'hello'), 'HELLO');
  assert.equal(await request(listener.localPort, 'again'), 'AGAIN');
  assert.deepEqual(opened, ['db:5432', 'db:5432']);
});

it('tunnel listener closes its connections', async () => {
  const echo = await startEchoServer();
  const echoPort = (echo.address() as net.AddressInfo).port;
  const logger = createLogger('error', () => undefined, 'test');
  const listener = await startTunnelListener({
    remoteHost: 'localhost',
    remotePort: 3000,
    localPort: 0,
    logger,
    openStream: () => openDirectStream(echoPort),
  });

  const socket = net.connect({ host: '127.0.0.1', port: listener.localPort });
  await once(socket, 'connect');
  socket.on('error', () => undefined);
  const closed = once(socket, 'close');
  await listener.close();
  await closed;
  echo.close();

  await assert.rejects(request(listener.localPort, 'x'), /ECONNREFUSED/);
});

it('tunnel listener drops a failed stream', async (t) => {
  const logger = createLogger('error', () => undefined, 'test');
  const listener = await startTunnelListener({
    remoteHost: 'localhost',
    remotePort: 3000,
    localPort: 0,
    logger,
    openStream: () => Promise.reject(new Error('no node in the container')),
  });
  t.after(() => listener.close());

  assert.equal(await request(listener.localPort, 'x'), '');
});
