/**
 * The part of the WHATWG WebSocket the browser client uses. The browser's own is the
 * default; anything shaped like it (the `ws` package in Node tests) can be passed instead.
 */

/** A WebSocket as the browser client drives it. */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'error' | 'close', listener: (event: unknown) => void): void;
}

/** A WebSocket constructor, as `globalThis.WebSocket`. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** The runtime's WebSocket. @throws SocketError-free TypeError where there is none. */
export function defaultWebSocket(): WebSocketConstructor {
  const found = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (found === undefined) throw new TypeError('No global WebSocket here: pass the WebSocket option (e.g. the "ws" package)');
  return found;
}
