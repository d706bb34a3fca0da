/** Picks the peer implementation for a server's protocol. */
import type { Target } from '../../servers/start-server.js';
import { connectDropsocket } from './dropsocket.js';
import type { Peer, PushListener } from './peer.js';
import { connectRawWs } from './raw-ws.js';
import { connectSocketIo } from './socket-io.js';

export type { CallDone, Peer, PushListener } from './peer.js';

/** Connects, handshakes and authenticates one client of `target`'s protocol. */
export function connectPeer(target: Target, onPush?: PushListener): Promise<Peer> {
  switch (target.protocol) {
    case 'dropsocket':
      return connectDropsocket(target, onPush);
    case 'raw-ws':
      return connectRawWs(target, onPush);
    case 'socket.io':
      return connectSocketIo(target, onPush);
  }
}
