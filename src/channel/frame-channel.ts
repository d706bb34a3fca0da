/**
 * The seam between a WebSocket and the envelope codec: a connection first runs a
 * ChannelHandshake (pure; the caller does the socket I/O), then moves every JSON message
 * through the FrameChannel it yields. Plaintext and Noise channels look the same from above.
 */
import { NoiseHandshake, type HandshakeKeys } from './noise-handshake.js';
import { PlainHandshake } from './plain-channel.js';

/** Turns records (JSON text) into wire frames and back for one connection. */
export interface FrameChannel {
  readonly encrypted: boolean;
  /** The frame to send for one record (JSON messages joined by LF, as text or UTF-8 bytes). Throws SocketError (with closeCode) if it cannot. */
  seal(text: string | Buffer): string | Buffer;
  /** The record text of one received frame. Throws SocketError with a closeCode if refused. */
  open(frame: Buffer, isBinary: boolean): string;
  /** The connection has ended: frees key material; seal and open may throw from now on. */
  close(): void;
}

/** Which pre-shared key a peer proved: the service key, or the key given to web pages. */
export type KeyName = 'service' | 'browser';

/** One step of a handshake: a frame to send, and/or the channel once established (with the key it used). */
export interface HandshakeStep { send?: Buffer; channel?: FrameChannel; keyName?: KeyName }

/** The pure state machine that opens a channel. The caller does the socket I/O. */
export interface ChannelHandshake {
  /** Called once when the socket opens. Client: {send: frame 1}. Server: {}. Plaintext: {channel}. */
  start(): HandshakeStep;
  /**
   * Called with each frame received before the channel exists. Server: {send: frame 2, channel}.
   * Client: {channel}. Throws SocketError('HANDSHAKE_FAILED') (closeCode 4002) on anything
   * wrong: text frame, wrong size, bad tag, frame after completion.
   */
  receive(frame: Buffer, isBinary: boolean): HandshakeStep;
}

/**
 * The handshake for one new connection; `psk` is required when `encryption` is on. A
 * server given `browserPsk` too accepts a handshake under either key.
 */
export function createChannelHandshake(options: {
  role: 'client' | 'server';
  encryption: boolean;
  psk: Buffer | null;
  browserPsk?: Buffer | null;
}): ChannelHandshake {
  if (!options.encryption) return new PlainHandshake();
  if (options.psk === null) throw new TypeError('Encryption needs a PSK (see derivePsk)');
  const keys: HandshakeKeys = { service: options.psk };
  if (options.role === 'server' && options.browserPsk != null) keys.browser = options.browserPsk;
  return new NoiseHandshake(options.role, keys);
}
