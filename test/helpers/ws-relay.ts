/**
 * A man in the middle at the WebSocket layer, on 127.0.0.1:0: each client that connects gets
 * its own socket to the server, and frames are relayed both ways with their frame type. Every
 * frame is recorded in `frames`, then passed through `tap`, which decides what goes on: the
 * frame, a changed copy, several frames (reordered, replayed) or nothing (dropped). Close
 * codes are relayed too and recorded by the side that sent them.
 */
import { WebSocket, WebSocketServer } from 'ws';
import { WAIT_MS, within } from './wait-for.js';

/** `up`: client to server; `down`: server to client. */
export type Direction = 'up' | 'down';

/** One relayed frame. */
export interface RelayedFrame {
  direction: Direction;
  data: Buffer;
  isBinary: boolean;
}

/** Decides what to forward for one frame; the default forwards it unchanged. */
export type Tap = (frame: RelayedFrame) => RelayedFrame[];

const PASS_THROUGH: Tap = (frame) => [frame];

/** A running relay in front of one server port. */
export class WsRelay {
  /** Every frame as it arrived at the relay, before `tap`. */
  readonly frames: RelayedFrame[] = [];
  /** Close codes the server sent, in order. */
  readonly serverCloses: number[] = [];
  /** Close codes the client sent, in order. */
  readonly clientCloses: number[] = [];
  /** What to forward; replace it to attack. */
  tap: Tap = PASS_THROUGH;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Set<WebSocket>();

  private constructor(wss: WebSocketServer, targetPort: number) {
    this.#wss = wss;
    wss.on('connection', (downstream) => this.#pair(downstream, targetPort));
  }

  /** Starts a relay forwarding to the server on `targetPort`. */
  static async start(targetPort: number): Promise<WsRelay> {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, skipUTF8Validation: true });
    const relay = new WsRelay(wss, targetPort);
    await within(new Promise<void>((resolve) => wss.once('listening', () => resolve())), WAIT_MS, 'relay listening');
    return relay;
  }

  /** The relay's address: point clients here. */
  get address(): string {
    return `ws://127.0.0.1:${(this.#wss.address() as { port: number }).port}`;
  }

  /** Frames of one direction, in arrival order. */
  framesGoing(direction: Direction): RelayedFrame[] {
    return this.frames.filter((frame) => frame.direction === direction);
  }

  #pair(downstream: WebSocket, targetPort: number): void {
    const upstream = new WebSocket(`ws://127.0.0.1:${targetPort}`, { perMessageDeflate: false, skipUTF8Validation: true });
    for (const socket of [downstream, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => socket.terminate());
    }
    const early: RelayedFrame[] = [];
    const target = (direction: Direction): WebSocket => (direction === 'up' ? upstream : downstream);
    const forward = (frame: RelayedFrame): void => {
      const socket = target(frame.direction);
      if (socket.readyState === WebSocket.OPEN) socket.send(frame.data, { binary: frame.isBinary });
      else if (socket.readyState === WebSocket.CONNECTING) early.push(frame);
    };
    const relay = (direction: Direction) => (data: Buffer, isBinary: boolean): void => {
      const frame = { direction, data, isBinary };
      this.frames.push(frame);
      for (const out of this.tap(frame)) forward(out);
    };
    upstream.on('open', () => early.splice(0).forEach(forward));
    downstream.on('message', relay('up'));
    upstream.on('message', relay('down'));
    upstream.on('close', (code, reason) => {
      this.serverCloses.push(code);
      closeLike(downstream, code, reason);
    });
    downstream.on('close', (code, reason) => {
      this.clientCloses.push(code);
      closeLike(upstream, code, reason);
    });
  }

  /** Stops accepting and destroys every relayed socket. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}

/** Closes `socket` with the code the other side used; codes that cannot be sent (1005, 1006) end it abruptly. */
function closeLike(socket: WebSocket, code: number, reason: Buffer): void {
  if (socket.readyState === WebSocket.CLOSED || socket.readyState === WebSocket.CLOSING) return;
  try {
    socket.close(code, reason);
  } catch {
    socket.terminate();
  }
}
