import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { decodeBody, demultiplex, SocketEngine, socketPathOf } from '../../../runtime/fast/engine';

test('socket path comes from DOCKER_HOST', () => {
  assert.equal(socketPathOf({}), '/var/run/docker.sock');
  assert.equal(socketPathOf({ DOCKER_HOST: '' }), '/var/run/docker.sock');
  assert.equal(socketPathOf({ DOCKER_HOST: 'unix:///run/podman/podman.sock' }), '/run/podman/podman.sock');
  assert.equal(socketPathOf({ DOCKER_HOST: 'tcp://127.0.0.1:2375' }), undefined);
  assert.equal(socketPathOf({ DOCKER_HOST: 'ssh://user@host' }), undefined);
  assert.equal(socketPathOf({ DOCKER_HOST: 'unix://relative.sock' }), undefined);
});

test('decodeBody joins chunks', () => {
  const headers = new Map([['transfer-encoding', 'chunked']]);
  assert.equal(decodeBody(headers, Buffer.from('3\r\nabc\r\na\r\n0123456789\r\n0\r\n\r\n')).toString(), 'abc0123456789');
  assert.equal(decodeBody(new Map(), Buffer.from('plain')).toString(), 'plain');
  assert.throws(() => decodeBody(headers, Buffer.from('5\r\nab')), /truncated/);
});

function frame(type: number, text: string): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([header, Buffer.from(text)]);
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString();
}

test('demultiplex splits frames across chunks', async () => {
  const source = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  demultiplex(source as unknown as Socket, stdout, stderr);
  const bytes = Buffer.concat([frame(1, 'hello '), frame(2, 'oops'), frame(1, 'world')]);
  for (let offset = 0; offset < bytes.length; offset += 3) {
    source.write(bytes.subarray(offset, offset + 3));
  }
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(out(), 'hello world');
  assert.equal(err(), 'oops');
});

test('demultiplex passes unframed output through', async () => {
  const source = new PassThrough();
  const stdout = new PassThrough();
  const out = collect(stdout);
  demultiplex(source as unknown as Socket, stdout, new PassThrough());
  source.write('plain text, not framed');
  source.write(' and more');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(out(), 'plain text, not framed and more');
});

// A real HTTP server on a unix socket sends replies of the engine's form.
const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'fast-engine-'));
const socketPath = path.join(folder, 'engine.sock');
const server = http.createServer((request, response) => {
  // The engine client serves Docker only, which it tells by this header.
  response.setHeader('Server', 'Docker/20.10.24 (linux)');
  if (request.url === '/podman') {
    response.setHeader('Server', 'Libpod/4.3.1 (linux)');
    response.end('[]');
  } else if (request.url === '/chunked') {
    response.write('{"parts":');
    setTimeout(() => response.end('[1,2,3]}'), 5);
  } else if (request.url === '/echo') {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => response.end(JSON.stringify({ method: request.method, body: Buffer.concat(chunks).toString() })));
  } else {
    response.statusCode = 404;
    response.end('{"message":"no such container"}');
  }
});
server.on('upgrade', (request, socket, head) => {
  socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
  socket.write(frame(1, `started ${request.url}`));
  socket.on('data', (chunk: Buffer) => socket.write(frame(1, chunk.toString().toUpperCase())));
  socket.on('end', () => socket.end());
  if (head.length > 0) socket.write(frame(2, 'unexpected head'));
});

before(() => new Promise<void>((resolve) => server.listen(socketPath, resolve)));
after(() => {
  server.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

test('engine request reads chunked JSON', async () => {
  const engine = new SocketEngine(socketPath);
  assert.deepEqual(await engine.request('GET', '/chunked'), { parts: [1, 2, 3] });
  assert.deepEqual(await engine.request('POST', '/echo', { Cmd: ['true'] }), { method: 'POST', body: '{"Cmd":["true"]}' });
});

test('engine request raises on an error status', async () => {
  const engine = new SocketEngine(socketPath);
  await assert.rejects(engine.request('GET', '/containers/x/json'), /returned HTTP 404/);
  await assert.rejects(engine.request('GET', '/podman'), /the engine is not Docker \(Server: Libpod/);
  await assert.rejects(new SocketEngine(path.join(folder, 'missing.sock')).request('GET', '/'), /ENOENT/);
});

test('engine exec stream carries both directions', async () => {
  const engine = new SocketEngine(socketPath);
  const socket = await engine.startExec('abc', { stdin: true, Tty: false });
  const stdout = new PassThrough();
  const out = collect(stdout);
  demultiplex(socket, stdout, new PassThrough());
  socket.resume();
  socket.end('input');
  await new Promise((resolve) => socket.on('close', resolve));
  assert.equal(out(), 'started /exec/abc/startINPUT');
});
