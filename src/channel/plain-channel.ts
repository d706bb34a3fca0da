import { isUtf8 } from 'node:buffer';
import { SocketError } from '../errors.js';
import type { ChannelHandshake, FrameChannel, HandshakeStep } from './frame-channel.js';

/** The channel with encryption off: every record is one text frame. */
export class PlainChannel implements FrameChannel {
  readonly encrypted = false;

  /** The record itself, sent as a text frame. */
  seal<Text extends string | Buffer>(text: Text): Text {
    return text;
  }

  /**
   * The frame's text.
   * @throws SocketError MALFORMED_FRAME on a binary frame or invalid UTF-8.
   */
  open(frame: Buffer, isBinary: boolean): string {
    // ws runs with skipUTF8Validation (the secure channel checks after decrypting), so text
    // frames are checked here; toString would silently turn bad bytes into U+FFFD.
    if (isBinary) throw new SocketError('MALFORMED_FRAME', 'Binary frame on a plaintext connection: the peer probably has encryption on (SOCKET_ENCRYPTION)');
    if (!isUtf8(frame)) throw new SocketError('MALFORMED_FRAME', 'Malformed frame: not UTF-8');
    return frame.toString('utf8');
  }

  /** Nothing to free. */
  close(): void {}
}

/** With encryption off there is nothing to agree on: the channel exists from the start. */
export class PlainHandshake implements ChannelHandshake {
  /** The plaintext channel, at once. */
  start(): HandshakeStep {
    return { channel: new PlainChannel() };
  }

  /** @throws SocketError HANDSHAKE_FAILED: no frame belongs to a plaintext handshake. */
  receive(): HandshakeStep {
    throw new SocketError('HANDSHAKE_FAILED');
  }
}
