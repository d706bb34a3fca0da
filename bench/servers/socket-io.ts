/**
 * What users would pick instead: socket.io, websocket transport only. Auth is socket.io's own
 * handshake auth (`auth: {authKey}` checked in a middleware, answered by the CONNECT packet);
 * echo is an event with an ack; broadcast is `io.emit`.
 *
 *   PORT=8080 BENCH_AUTH_KEY=... node --import tsx bench/servers/socket-io.ts
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { NAMES } from '../lib/payload.js';
import { keyMatches, portFromEnv } from './key-check.js';

const port = portFromEnv();
const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false, perMessageDeflate: false, httpCompression: false });

io.use((socket, next) => {
  const { authKey } = socket.handshake.auth as { authKey?: unknown };
  next(keyMatches(authKey) ? undefined : new Error('unauthorized'));
});

io.on('connection', (socket) => {
  socket.on(NAMES.echo, (data: unknown, ack: (response: unknown) => void) => ack(data));
  socket.on(NAMES.broadcast, (data: unknown, ack: (response: unknown) => void) => {
    io.emit(NAMES.fanout, data);
    ack({ sent: io.engine.clientsCount });
  });
});

http.listen(port, '127.0.0.1', () => process.stdout.write(`listening on ws://127.0.0.1:${port}\n`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
