/**
 * Which queued messages go into the next record. Pure.
 *
 * DESIGN allows a record of several messages, and the encrypted channel pays one AEAD
 * operation per frame, so coalescing what one tick writes is worth it. A server built
 * before records (dropsocket <= 0.1, one message per frame) would refuse them as
 * malformed, so records carry one message until the server side of records lands (issue 9):
 * then MAX_MESSAGES_PER_RECORD goes up and nothing else changes.
 */
import { utf8ByteLength } from '../protocol/envelope.js';
import { RECORD_SEPARATOR } from '../protocol/constants.js';
import { joinRecord } from '../protocol/record.js';

/** Most messages one outgoing record carries. */
export const MAX_MESSAGES_PER_RECORD = 1;

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
