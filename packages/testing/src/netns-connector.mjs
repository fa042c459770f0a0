#!/usr/bin/env node
// Runs inside a network namespace for firefox-bidi.mjs (FIREFOX_NETNS): each `{ id, host, port }`
// it is sent, it connects there (to Firefox's BiDi server on the namespace's loopback) and sends
// the connected socket back over the IPC channel, or `{ id, error }`. It exits with its parent.
import net from 'node:net';

process.on('disconnect', () => process.exit(0));
process.on('message', ({ id, host, port }) => {
  const socket = net.connect(port, host);
  socket.once('connect', () => process.send({ id }, socket));
  socket.once('error', (error) => {
    if (process.connected) process.send({ id, error: error.message });
  });
});
