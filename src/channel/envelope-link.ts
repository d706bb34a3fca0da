/**
 * One peer's end of a connection, between the socket's frames and envelopes: the channel
 * handshake first, then open + split + decode for each frame received (a frame carries a
 * record of one or more messages, src/protocol/record.ts) and seal for each record sent.
 * Server and client both use it, so nothing is parsed in two places. Pure.
 */
import { SocketError } from '../errors.js';
import { decodeEnvelope, encodeEnvelope, type Envelope } from '../protocol/envelope.js';
import { splitRecord } from '../protocol/record.js';
import type { ChannelHandshake, FrameChannel, HandshakeStep, KeyName } from './frame-channel.js';

/** What one received frame produced. */
export interface Received {
  /** A handshake frame to send back. */
  reply?: Buffer;
  /** True on the frame that completed the handshake. */
  established?: boolean;
  /** The messages of the frame's record, in order (at least one). */
  envelopes?: Envelope[];
}

/** Frames <-> envelopes for one connection. */
export class EnvelopeLink {
  #channel: FrameChannel | undefined;
  /** Dropped once the channel exists: its key material is no longer needed. */
  #handshake: ChannelHandshake | undefined;
  #keyName: KeyName | undefined;

  constructor(
    handshake: ChannelHandshake,
    private readonly maxPayload: number,
  ) {
    this.#handshake = handshake;
  }

  /** Whether the channel is established (application frames may flow). */
  get established(): boolean {
    return this.#channel !== undefined;
  }

  /** The key the peer's handshake proved; undefined before it, and with encryption off. */
  get keyName(): KeyName | undefined {
    return this.#keyName;
  }

  /** Starts the handshake; returns the first frame this side must send, if any. */
  start(): Buffer | undefined {
    return this.#step(this.#handshake!.start()).send;
  }

  /**
   * Processes one received frame. A record is decoded whole before any of its messages is
   * handed on: one malformed message refuses the frame, and none of it runs.
   * @throws SocketError with a close code (`HANDSHAKE_FAILED`, `DECRYPT_FAILED`,
   * `MALFORMED_FRAME`, `PAYLOAD_TOO_LARGE`).
   */
  receive(frame: Buffer, isBinary: boolean): Received {
    const channel = this.#channel;
    if (channel === undefined) {
      const step = this.#step(this.#handshake!.receive(frame, isBinary));
      return { ...(step.send && { reply: step.send }), established: step.channel !== undefined };
    }
    const messages = splitRecord(channel.open(frame, isBinary));
    const envelopes = new Array<Envelope>(messages.length);
    for (let i = 0; i < messages.length; i++) envelopes[i] = decodeEnvelope(messages[i]!, this.maxPayload);
    return { envelopes };
  }

  #step(step: HandshakeStep): HandshakeStep {
    if (step.channel !== undefined) {
      this.#channel = step.channel;
      this.#keyName = step.keyName;
      this.#handshake = undefined;
    }
    return step;
  }

  /**
   * The connection has ended: the channel's keys are zeroed and freed, an unfinished
   * handshake is dropped. Sealing throws NOT_CONNECTED from now on.
   */
  close(): void {
    this.#channel?.close();
    this.#handshake = undefined;
  }

  /** The frame for one envelope. @throws SocketError when not established or not serialisable. */
  seal(envelope: Envelope): string | Buffer {
    return this.sealText(encodeEnvelope(envelope));
  }

  /** Whether the channel is established and encrypted (its seal copies what it is given). */
  get encrypted(): boolean {
    return this.#channel?.encrypted ?? false;
  }

  /** The frame for a record: encoded messages, joined (broadcast encodes once, seals per peer), as text or UTF-8 bytes. */
  sealText(text: string | Buffer): string | Buffer {
    if (this.#channel === undefined) throw new SocketError('NOT_CONNECTED', 'The channel is not established yet');
    return this.#channel.seal(text);
  }
}
