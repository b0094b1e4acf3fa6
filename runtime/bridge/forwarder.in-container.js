// Connects stdin and stdout to a TCP port on a host reachable from the
// container: its loopback interface by default, or another host by name or
// address, such as a compose service. The runtime starts one of these per connection,
// as an exec whose stdin and stdout it pipes, so no container port is
// published.
//
// Input: DEVCONTAINER_FORWARD_PORT and, optionally, DEVCONTAINER_FORWARD_HOST
// (default 127.0.0.1) in the environment.
// End of stdin half-closes the connection, so the server can still send its
// response.
// The process exits when the connection closes, because the engine ends the
// exec's output stream only when the process exits. On a connection error it
// writes the reason to stderr and exits with status 1.
'use strict';

const net = require('node:net');

const port = Number(process.env.DEVCONTAINER_FORWARD_PORT);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  process.stderr.write(`forwarder: invalid DEVCONTAINER_FORWARD_PORT ${process.env.DEVCONTAINER_FORWARD_PORT}\n`);
  process.exit(2);
}

const host = process.env.DEVCONTAINER_FORWARD_HOST || '127.0.0.1';
const socket = net.connect({ host, port, allowHalfOpen: true });

process.stdin.pipe(socket);
socket.pipe(process.stdout, { end: false });

// The callback of an empty write runs once the writes queued before it are
// flushed, so the process exits only after all received bytes left it.
function exitAfterOutput() {
  process.stdout.write('', () => process.exit(0));
}

socket.on('end', exitAfterOutput);
socket.on('close', exitAfterOutput);
socket.on('error', (error) => {
  process.stderr.write(`forwarder: ${host}:${port}: ${error.message}\n`);
  process.exit(1);
});

// The host closed the exec's connection, so the output has no reader left.
process.stdout.on('error', () => process.exit(0));
