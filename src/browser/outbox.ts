/**
 * Which queued messages go into the next record. Pure.
 *
 * A record carries one or more messages (DESIGN, "Wire protocol"), and the encrypted
 * channel pays one AEAD operation per frame, so the browser client seals what one tick
 * wrote as one record, as the Node side does; only maxPayload bounds a record.
 */
import { utf8ByteLength } from '../protocol/envelope.js';
import { RECORD_SEPARATOR } from '../protocol/constants.js';
import { joinRecord } from '../protocol/record.js';

/** Most messages one outgoing record carries: no bound of its own beyond maxPayload. */
export const MAX_MESSAGES_PER_RECORD = Infinity;

/**
 * Removes the first messages of `queue` that fit in one record of at most `maxBytes`
 * (always at least one: a single oversized message was refused before it was queued) and
 * returns that record.
 */
export function takeRecord(queue: string[], maxBytes: number, maxMessages = MAX_MESSAGES_PER_RECORD): string {
  let count = 1;
  let bytes = utf8ByteLength(queue[0] ?? '');
  while (count < queue.length && count < maxMessages) {
    bytes += RECORD_SEPARATOR.length + utf8ByteLength(queue[count]!);
    if (bytes > maxBytes) break;
    count += 1;
  }
  return joinRecord(queue.splice(0, count));
}
