// A git credential helper that forwards the request to the host through the
// socket relay. Git runs it as `node git-credential.in-container.js ACTION`
// (get, store or erase), with the credential attributes on stdin. It sends
// "ACTION\n" and those attributes to git-credential.sock beside this file,
// then prints the reply. When the relay is gone it prints nothing and exits with
// status 0, so git goes on without it.
'use strict';

const net = require('node:net');
const path = require('node:path');

const action = process.argv[2] || '';
const socket = net.connect(path.join(__dirname, 'git-credential.sock'));
socket.on('error', () => process.exit(0));
socket.on('connect', () => {
  socket.write(`${action}\n`);
  process.stdin.pipe(socket);
});
socket.pipe(process.stdout);
