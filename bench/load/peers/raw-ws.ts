/** Raw ws peers: a `ws` client speaking the plaintext envelope, JSON both ways, ids correlated. */
import { WebSocket, type RawData } from 'ws';
import { NAMES } from '../../lib/payload.js';
import type { Target } from '../../servers/start-server.js';
import type { CallDone, Peer, PushListener } from './peer.js';

interface Answer {
  request?: string;
  id?: number;
  response?: unknown;
  error?: unknown;
}

/** Connects and authenticates one raw ws client. */
export async function connectRawWs(target: Target, onPush?: PushListener): Promise<Peer> {
  // wss:// (raw-wss) presents a self-signed certificate made at start.
  const socket = new WebSocket(target.url, { perMessageDeflate: false, rejectUnauthorized: false });
  const pending = new Map<number, CallDone>();
  let nextId = 1;
  const send = (request: string, data: unknown, done: CallDone): void => {
    const id = nextId++;
    pending.set(id, done);
    socket.send(JSON.stringify({ request, id, data }));
  };
  const receive = (message: Answer): void => {
    if (message.id === undefined) {
      if (message.request === NAMES.fanout) onPush?.(message.response);
      return;
    }
    const done = pending.get(message.id);
    pending.delete(message.id);
    done?.(message.error !== undefined);
  };
  // Raw ws sends one message per frame; dropsocket (--raw-client) may send a record of several.
  socket.on('message', (frame: RawData) => {
    for (const text of frame.toString().split('\n')) receive(JSON.parse(text) as Answer);
  });
  socket.on('close', () => {
    for (const done of pending.values()) done(true);
    pending.clear();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('close', (code) => reject(new Error(`closed during auth (${code})`)));
    send(NAMES.auth, { authKey: target.authKey }, (failed) => (failed ? reject(new Error('auth refused')) : resolve()));
  });
  socket.removeAllListeners('error');
  socket.on('error', () => {});
  return {
    call: (data, done) => send(NAMES.echo, data, done),
    trigger: (data) => new Promise((resolve, reject) => send(NAMES.broadcast, data, (failed) => (failed ? reject(new Error('broadcast failed')) : resolve()))),
    close: () =>
      new Promise((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
}
