/**
 * The ws WebSocket, with a reason on the one close ws makes by itself that dropsocket
 * documents: a frame over `maxPayload`. ws refuses such a frame before any of our code sees
 * it (websockets/ws#2224) and closes with 1009 and an empty reason; every other close of
 * ours names its error code. ws lets a server pick its WebSocket class (the `WebSocket`
 * option), and calls `close()` on the instance, so a subclass is enough: nothing is patched.
 */
import { WebSocket } from 'ws';
import { CLOSE_CODES } from '../protocol/constants.js';

/** The error code ws gives its `'error'` event when a frame exceeds `maxPayload`. */
const WS_OVERSIZE_FRAME = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

/** A ws WebSocket whose own 1009 close carries the reason `PAYLOAD_TOO_LARGE`. */
export class ReasonedWebSocket extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    super.close(code, data ?? (code === CLOSE_CODES.MESSAGE_TOO_BIG ? 'PAYLOAD_TOO_LARGE' : undefined));
  }
}

/** Whether a ws `'error'` event is ws refusing a frame over `maxPayload` (it closed with 1009). */
export function isOversizeFrameError(error: Error & { code?: string }): boolean {
  return error.code === WS_OVERSIZE_FRAME;
}
