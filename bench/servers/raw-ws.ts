/**
 * The baseline and ceiling: a bare `ws` server speaking dropsocket's plaintext envelope with
 * nothing else: JSON.parse each frame, JSON.stringify each answer. It does the same auth
 * exchange (first message `{request: "auth", id, data: {authKey}}`, key checked, answered),
 * answers heartbeats, and broadcasts with one encode and a ws.send loop.
 * With BENCH_TLS=1 it is `raw-wss`: the same server behind node:https, TLS 1.3 only, with a
 * self-signed ECDSA P-256 certificate made at start (what a user would pick to encrypt).
 *
 *   PORT=8080 BENCH_AUTH_KEY=... [BENCH_TLS=1] node --import tsx bench/servers/raw-ws.ts
 */
import { createServer } from 'node:https';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { NAMES } from '../lib/payload.js';
import { selfSignedCertificate } from './self-signed.js';
import { keyMatches, portFromEnv } from './key-check.js';

interface Message {
  request?: unknown;
  id?: unknown;
  data?: unknown;
}

const port = portFromEnv();
const authenticated = new Set<WebSocket>();
let nextId = 0;

const tls = process.env.BENCH_TLS === '1';
const https = tls ? createServer({ ...selfSignedCertificate(), minVersion: 'TLSv1.3' }) : undefined;
// Settings as dropsocket's own ws server: no compression, no client tracking.
const settings = { perMessageDeflate: false, clientTracking: false } as const;
const server = https === undefined
  ? new WebSocketServer({ host: '127.0.0.1', port, ...settings })
  : new WebSocketServer({ server: https, ...settings });
https?.listen(port, '127.0.0.1');

server.on('connection', (socket) => {
  socket.on('error', () => socket.terminate());
  socket.on('close', () => authenticated.delete(socket));
  socket.on('message', (frame: RawData) => {
    let message: Message;
    try {
      message = JSON.parse(frame.toString()) as Message;
    } catch {
      socket.close(4004);
      return;
    }
    if (!authenticated.has(socket)) return authenticate(socket, message);
    answer(socket, message);
  });
});

function authenticate(socket: WebSocket, message: Message): void {
  if (message.request !== NAMES.auth || !keyMatches((message.data as { authKey?: unknown } | null)?.authKey)) {
    socket.close(4001);
    return;
  }
  authenticated.add(socket);
  socket.send(JSON.stringify({ request: NAMES.auth, id: message.id, response: { id: String(nextId++) } }));
}

function answer(socket: WebSocket, { request, id, data }: Message): void {
  if (request === NAMES.echo) {
    socket.send(JSON.stringify({ request, id, response: data }));
  } else if (request === NAMES.broadcast) {
    const text = JSON.stringify({ request: NAMES.fanout, response: data });
    for (const peer of authenticated) peer.send(text);
    socket.send(JSON.stringify({ request, id, response: { sent: authenticated.size } }));
  } else if (request === 'heartBeat') {
    socket.send(JSON.stringify({ request, response: true }));
  }
}

(https ?? server).on('listening', () => process.stdout.write(`listening on ${tls ? 'wss' : 'ws'}://127.0.0.1:${port}\n`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
