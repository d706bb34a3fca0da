/**
 * socket.io peers: socket.io-client, websocket transport only, one Manager per connection
 * (`forceNew`), no reconnects; auth in the handshake; echo is an emit with an ack.
 */
import { io } from 'socket.io-client';
import { NAMES } from '../../lib/payload.js';
import type { Target } from '../../servers/start-server.js';
import type { CallDone, Peer, PushListener } from './peer.js';

/** Connects and authenticates one socket.io client. */
export async function connectSocketIo(target: Target, onPush?: PushListener): Promise<Peer> {
  const socket = io(target.url, { transports: ['websocket'], auth: { authKey: target.authKey }, forceNew: true, reconnection: false, timeout: 60_000 });
  // Acks without a timeout are never failed by socket.io; track them to fail them on a drop.
  const pending = new Set<{ done: CallDone }>();
  socket.on('disconnect', () => {
    for (const { done } of pending) done(true);
    pending.clear();
  });
  if (onPush !== undefined) socket.on(NAMES.fanout, onPush);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  const emit = (event: string, data: unknown, done: CallDone): void => {
    const entry = { done };
    pending.add(entry);
    socket.emit(event, data, () => {
      if (pending.delete(entry)) done(false);
    });
  };
  return {
    call: (data, done) => emit(NAMES.echo, data, done),
    trigger: (data) => new Promise((resolve, reject) => emit(NAMES.broadcast, data, (failed) => (failed ? reject(new Error('broadcast failed')) : resolve()))),
    close: () =>
      new Promise((resolve) => {
        if (socket.disconnected) return resolve();
        socket.once('disconnect', () => resolve());
        socket.disconnect();
      }),
  };
}
