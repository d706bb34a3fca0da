/**
 * The record codec: one WebSocket frame carries a record of one or more messages (JSON
 * texts) joined by a line feed. Pure and free of node: imports, so a browser client can
 * share it.
 *
 *   frame payload (plaintext, or the plaintext under the AEAD):
 *   +-----------+----+-----------+----+-----+-----------+
 *   | message 1 | LF | message 2 | LF | ... | message n |     n >= 1, no message empty
 *   +-----------+----+-----------+----+-----+-----------+
 *
 * Why records: an encrypted frame costs one AEAD operation whatever its size, and in
 * node:crypto most of that cost is per call (a cipher object per frame), so writes made to
 * one connection in one tick are sealed together, as the TLS record layer does.
 */
import { SocketError } from '../errors.js';
import { RECORD_SEPARATOR } from './constants.js';

/**
 * The messages of one record, in order.
 * @throws SocketError `MALFORMED_FRAME` when any message is empty (an empty record, or a
 * leading, trailing or doubled separator).
 */
export function splitRecord(record: string): string[] {
  // Most records hold one message: skip the split and its scan.
  const messages = record.indexOf(RECORD_SEPARATOR) === -1 ? [record] : record.split(RECORD_SEPARATOR);
  for (const message of messages) {
    if (message.length === 0) throw new SocketError('MALFORMED_FRAME', 'Malformed frame: empty message in a record');
  }
  return messages;
}

/** The record of `record` followed by `message` (V8 joins strings lazily, so this is cheap). */
export function appendToRecord(record: string, message: string): string {
  return record + RECORD_SEPARATOR + message;
}

/** The record of `messages`, in order. */
export function joinRecord(messages: readonly string[]): string {
  return messages.join(RECORD_SEPARATOR);
}

/**
 * Whether `record` with `message` appended stays within `maxBytes` of UTF-8. `byteLength`
 * counts exactly; it is called only when the cheap bound (a UTF-16 unit is at most 3 UTF-8
 * bytes) does not settle it, so records of small messages never count bytes.
 */
export function fitsInRecord(
  record: string,
  message: string,
  maxBytes: number,
  byteLength: (text: string) => number,
): boolean {
  const units = record.length + RECORD_SEPARATOR.length + message.length;
  if (units * 3 <= maxBytes) return true;
  if (units > maxBytes) return false;
  return byteLength(record) + RECORD_SEPARATOR.length + byteLength(message) <= maxBytes;
}
