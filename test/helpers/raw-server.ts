/**
 * A hand-driven server: a raw ws server running the real server-side channel code, that
 * answers auth and lets a test send exactly the frames it wants (records, tampered frames)
 * to a client, and observe how the client closes.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { EnvelopeLink } from '../../src/channel/envelope-link.js';
import { createChannelHandshake } from '../../src/channel/frame-channel.js';
import { derivePsk } from '../../src/crypto/psk.js';
import { within } from './wait-for.js';

/** The server's end of the one connection it takes. */
export interface RawConnection {
  socket: WebSocket;
  link: EnvelopeLink;
  /** Settles with the close code the client sent (or 1006). */
  closed: Promise<number>;
}

/** A one-connection server on 127.0.0.1:0. */
export class RawServer {
  readonly #wss: WebSocketServer;
  readonly connection: Promise<RawConnection>;

  private constructor(wss: WebSocketServer, authKey: string | null) {
    this.#wss = wss;
    this.connection = new Promise((resolve) => {
      wss.once('connection', (socket) => {
        const link = new EnvelopeLink(createChannelHandshake({ role: 'server', encryption: authKey !== null, psk: authKey === null ? null : derivePsk(authKey) }), 1 << 20);
        link.start();
        const closed = new Promise<number>((done) => socket.on('close', (code) => done(code)));
        socket.on('message', (data: Buffer, isBinary: boolean) => {
          const received = link.receive(data, isBinary);
          if (received.reply !== undefined) socket.send(received.reply);
          for (const envelope of received.envelopes ?? []) {
            if (envelope.request === 'auth') socket.send(link.seal({ request: 'auth', id: envelope.id, response: true }));
          }
        });
        resolve({ socket, link, closed });
      });
    });
  }

  /** Listens; `authKey` null means encryption off. */
  static async start(authKey: string | null): Promise<RawServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    return new RawServer(wss, authKey);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.#wss.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await within(new Promise((resolve) => this.#wss.close(resolve)), 3000, 'raw server close');
  }
}
