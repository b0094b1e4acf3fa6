// Relays connections on unix sockets in the container to the host, over this
// process's stdin and stdout, which the runtime's exec carries. Frames follow
// relay/protocol.ts: type (1 byte), channel (4 bytes), length (4 bytes),
// payload.
//
// Input: DEVCONTAINER_RELAY_SOCKETS, comma-separated socket names.
// It creates a private folder (mode 700) in the temporary folder, listens on
// NAME.sock there (mode 600) for each name, and reports the paths in a ready
// frame. Every accepted connection becomes a channel. The process removes the
// folder and exits when stdin ends, on SIGTERM, SIGHUP or SIGINT, or when
// stdout breaks. At start it removes the folders of this user's earlier
// relays whose process is gone.
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const frameType = { ready: 0, open: 1, data: 2, end: 3, close: 4 };
const headerLength = 9;
const maxPayload = 1024 * 1024;
const folderPrefix = 'devcontainer-relay-';

const names = (process.env.DEVCONTAINER_RELAY_SOCKETS || '').split(',').filter((name) => name !== '');
if (names.length === 0 || names.some((name) => !/^[A-Za-z0-9_-]+$/.test(name))) {
  process.stderr.write(`relay: invalid DEVCONTAINER_RELAY_SOCKETS ${process.env.DEVCONTAINER_RELAY_SOCKETS}\n`);
  process.exit(2);
}

function frame(type, channel, payload) {
  const body = payload || Buffer.alloc(0);
  const header = Buffer.alloc(headerLength);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(channel, 1);
  header.writeUInt32BE(body.length, 5);
  return Buffer.concat([header, body]);
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

// A relay killed with SIGKILL, or one in a container that was stopped, leaves
// its folder behind. Only this user's folders without a live process go.
function removeStaleFolders() {
  const root = os.tmpdir();
  for (const entry of fs.readdirSync(root)) {
    if (!entry.startsWith(folderPrefix)) continue;
    const folder = path.join(root, entry);
    try {
      const stat = fs.lstatSync(folder);
      if (!stat.isDirectory() || stat.uid !== process.getuid()) continue;
      const pid = Number(fs.readFileSync(path.join(folder, 'pid'), 'utf8'));
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
      fs.rmSync(folder, { recursive: true, force: true });
    } catch {
      // A folder another relay is creating or removing right now.
    }
  }
}

removeStaleFolders();
const folder = fs.mkdtempSync(path.join(os.tmpdir(), folderPrefix));
fs.chmodSync(folder, 0o700);
fs.writeFileSync(path.join(folder, 'pid'), String(process.pid));

const channels = new Map();
const servers = [];
let nextChannel = 1;
let shuttingDown = false;

function send(buffer, socket) {
  if (!process.stdout.write(buffer) && socket) {
    socket.pause();
    process.stdout.once('drain', () => socket.resume());
  }
}

function closeChannel(channel, notify) {
  const socket = channels.get(channel);
  if (!socket) return;
  channels.delete(channel);
  if (notify) send(frame(frameType.close, channel));
  socket.destroy();
}

function accept(name, socket) {
  const channel = nextChannel++;
  channels.set(channel, socket);
  send(frame(frameType.open, channel, Buffer.from(name)));
  socket.on('data', (chunk) => {
    for (let offset = 0; offset < chunk.length; offset += maxPayload) {
      send(frame(frameType.data, channel, chunk.subarray(offset, offset + maxPayload)), socket);
    }
  });
  socket.on('end', () => {
    if (channels.has(channel)) send(frame(frameType.end, channel));
  });
  socket.on('close', () => closeChannel(channel, true));
  socket.on('error', () => closeChannel(channel, true));
}

function shutdown() {
  if (shuttingDown) return;
  shuttingDown = true;
  for (const server of servers) server.close();
  for (const socket of channels.values()) socket.destroy();
  fs.rmSync(folder, { recursive: true, force: true });
  process.stdout.write('', () => process.exit(0));
}

process.on('exit', () => fs.rmSync(folder, { recursive: true, force: true }));
for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT']) process.on(signal, shutdown);
process.stdout.on('error', shutdown);

let buffered = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
  while (buffered.length >= headerLength) {
    const type = buffered.readUInt8(0);
    const channel = buffered.readUInt32BE(1);
    const length = buffered.readUInt32BE(5);
    if (length > maxPayload) {
      process.stderr.write(`relay: invalid frame length ${length}\n`);
      shutdown();
      return;
    }
    if (buffered.length < headerLength + length) break;
    const payload = buffered.subarray(headerLength, headerLength + length);
    buffered = buffered.subarray(headerLength + length);
    const socket = channels.get(channel);
    if (!socket) continue;
    if (type === frameType.data) {
      socket.write(Buffer.from(payload));
    } else if (type === frameType.end) {
      socket.end();
    } else if (type === frameType.close) {
      closeChannel(channel, false);
    }
  }
});
process.stdin.on('end', shutdown);
process.stdin.on('close', shutdown);

const sockets = {};
let listening = 0;
for (const name of names) {
  const socketPath = path.join(folder, `${name}.sock`);
  const server = net.createServer({ allowHalfOpen: true }, (socket) => accept(name, socket));
  servers.push(server);
  server.on('error', (error) => {
    process.stderr.write(`relay: ${socketPath}: ${error.message}\n`);
    process.exit(1);
  });
  server.listen(socketPath, () => {
    // The folder is private already; the mode keeps the socket private if it is moved.
    fs.chmodSync(socketPath, 0o600);
    sockets[name] = socketPath;
    listening += 1;
    if (listening === names.length) {
      send(frame(frameType.ready, 0, Buffer.from(JSON.stringify({ folder, sockets }))));
    }
  });
}
