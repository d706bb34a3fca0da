/**
 * Numbered pushes as UTF-8 bytes, for the write path of a broadcast: the same bytes as
 * `stampSequence(text, seq)` encoded, but the push's text is encoded once for all its
 * recipients and each one's number is written into it, digit by digit. Pure.
 *
 * A broadcast hands every recipient the same text; with recovery on each needs its own
 * number. Spliced into a string, that was a new string per recipient (a slice, a rope,
 * then a flat copy when the socket or the cipher encodes it): measurably more CPU per
 * delivery than sending the shared text, mostly in the plaintext channel.
 *
 *   scratch: | {"request":"r","response":{...} | ,"seq": | 1234 | } |
 *            '-------- the text, once, without its closing brace ------'
 *                                                ^ #head: each call writes its number here
 */
import { Buffer } from 'node:buffer';
import { SEQ_FIELD } from '../protocol/constants.js';

/** Texts longer than this (UTF-16 units) are not stamped here: the scratch stays small. */
const MAX_TEXT_LENGTH = 16 * 1024;
const DIGIT_ZERO = 0x30;
const CLOSE_BRACE = 0x7d;
const FIELD = `,"${SEQ_FIELD}":`;

/** Writes numbered pushes into bytes; one per process serves every connection (one thread). */
export class PushStamper {
  /** The text encoded in {@link #scratch}. */
  #text: string | undefined;
  #scratch = Buffer.alloc(0);
  /** Where the number goes: the bytes before it are the text's, then `,"seq":`. */
  #head = 0;
  /** Views of the scratch by number of digits, for {@link transient}. */
  #views: Array<Buffer | undefined> = [];

  /**
   * The push with its number, in bytes that the next call overwrites: for a consumer that
   * copies them at once (a cipher). Undefined for a text too large to stamp here.
   */
  transient(text: string, seq: number): Buffer | undefined {
    const digits = this.#write(text, seq);
    if (digits === 0) return undefined;
    return (this.#views[digits] ??= this.#scratch.subarray(0, this.#head + digits + 1));
  }

  /** The push with its number, in bytes of its own (a socket may hold them until written). */
  owned(text: string, seq: number): Buffer | undefined {
    const digits = this.#write(text, seq);
    if (digits === 0) return undefined;
    const length = this.#head + digits + 1;
    const bytes = Buffer.allocUnsafe(length);
    this.#scratch.copy(bytes, 0, 0, length);
    return bytes;
  }

  /** Writes the number of `text` into the scratch; returns how many digits it has (0: not stamped). */
  #write(text: string, seq: number): number {
    if (text !== this.#text && !this.#encode(text)) return 0;
    const scratch = this.#scratch;
    let digits = 1;
    for (let rest = seq; rest >= 10; rest = (rest - (rest % 10)) / 10) digits += 1;
    let at = this.#head + digits;
    scratch[at] = CLOSE_BRACE;
    for (let rest = seq; at > this.#head; rest = (rest - (rest % 10)) / 10) scratch[--at] = DIGIT_ZERO + (rest % 10);
    return digits;
  }

  /** Encodes `text` (a JSON object) without its closing brace, then the field's name. */
  #encode(text: string): boolean {
    if (text.length > MAX_TEXT_LENGTH) return false;
    // UTF-8 takes at most 3 bytes per UTF-16 unit; the number at most 16 digits, and `}`.
    const room = text.length * 3 + FIELD.length + 17;
    if (this.#scratch.length < room) this.#scratch = Buffer.allocUnsafe(Math.max(room, 2 * this.#scratch.length));
    // The closing brace is one byte; the field's name is written over it.
    const end = this.#scratch.write(text, 0, 'utf8') - 1;
    this.#head = end + this.#scratch.write(FIELD, end, 'latin1');
    this.#text = text;
    this.#views = [];
    return true;
  }
}
