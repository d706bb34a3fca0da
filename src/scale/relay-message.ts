/**
 * The codec of cross-node messages: what one node asks the others to deliver. Pure.
 *
 *   body = header JSON + LF + envelope text
 *
 * The envelope text is the push exactly as the appending node encoded it
 * (`{"request":...,"response":...}`), so a receiving node seals it without re-encoding;
 * JSON never contains a raw line feed, so the first one ends the header.
 */

/** A push to every authenticated connection, or a room's, minus `except`. */
export interface BroadcastMessage {
  readonly kind: 'broadcast';
  readonly text: string;
  readonly room?: string | undefined;
  readonly except?: readonly string[] | undefined;
}

/** A push to one connection, by id (only the node that owns the id delivers it). */
export interface DirectMessage {
  readonly kind: 'direct';
  readonly text: string;
  readonly id: string;
}

/** A push to every connection whose `meta[key]` equals `value`. */
export interface MetaMessage {
  readonly kind: 'meta';
  readonly text: string;
  readonly key: string;
  readonly value: unknown;
}

/**
 * Not a push: "let go of session `id`" (recovery). A client came back on another node
 * while the node holding its connection still thinks it open (a half-open link); that
 * node drops the connection, which saves the session as away. `text` is empty.
 */
export interface ReleaseMessage {
  readonly kind: 'release';
  readonly text: '';
  readonly id: string;
}

/** Any cross-node message. */
export type RelayMessage = BroadcastMessage | DirectMessage | MetaMessage | ReleaseMessage;

const LF = '\n';

/** Encodes a message as a log entry body. @throws TypeError when `meta` value is not JSON */
export function encodeRelayMessage(message: RelayMessage): string {
  let header: string;
  switch (message.kind) {
    case 'broadcast':
      header = JSON.stringify({ k: 'b', r: message.room, x: message.except });
      break;
    case 'direct':
      header = JSON.stringify({ k: 'd', i: message.id });
      break;
    case 'meta':
      header = JSON.stringify({ k: 'm', key: message.key, v: message.value });
      break;
    case 'release':
      header = JSON.stringify({ k: 'r', i: message.id });
      break;
  }
  return header + LF + message.text;
}

/** Decodes a log entry body. @throws Error naming what is wrong */
export function decodeRelayMessage(body: string): RelayMessage {
  const split = body.indexOf(LF);
  if (split < 0) throw new Error('relay message without a header');
  const header = JSON.parse(body.slice(0, split)) as Record<string, unknown> | null;
  const text = body.slice(split + 1);
  if (header === null || typeof header !== 'object') throw new Error('relay header is not an object');
  switch (header.k) {
    case 'b':
      if (header.r !== undefined && typeof header.r !== 'string') throw new Error('relay room is not a string');
      if (header.x !== undefined && !isStringArray(header.x)) throw new Error('relay except is not a list of ids');
      return { kind: 'broadcast', text, room: header.r, except: header.x };
    case 'd':
      if (typeof header.i !== 'string') throw new Error('relay id is not a string');
      return { kind: 'direct', text, id: header.i };
    case 'm':
      if (typeof header.key !== 'string') throw new Error('relay meta key is not a string');
      return { kind: 'meta', text, key: header.key, value: header.v };
    case 'r':
      if (typeof header.i !== 'string') throw new Error('relay id is not a string');
      return { kind: 'release', text: '', id: header.i };
    default:
      throw new Error(`unknown relay message kind ${JSON.stringify(header.k)}`);
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
