/**
 * The envelope codec: one JSON object per frame, `{request, id?, data?, response?, error?}`.
 * Pure. Decoding checks size before `JSON.parse` and nesting and shape after it, so nothing
 * malformed reaches a handler; every failure is a `SocketError('MALFORMED_FRAME')`.
 */
import { SocketError } from '../errors.js';
import { MAX_ENVELOPE_DEPTH, MAX_REQUEST_NAME_LENGTH, SEQ_FIELD } from './constants.js';

/** An error as it travels on the wire. */
export interface WireError {
  code: string;
  message: string;
}

/** One protocol message. */
export interface Envelope {
  request: string;
  /** Correlation id: present on calls that expect an answer, echoed in the answer. */
  id?: number | undefined;
  /** Arguments of a call. */
  data?: unknown;
  /** Result of a call, or the payload of a push. */
  response?: unknown;
  /** Failure of a call. */
  error?: WireError;
  /** Sequence number of a push in its session, or a position (heartbeats). */
  seq?: number | undefined;
  /** The session's recovery state, on the auth answer. */
  recovery?: RecoveryInfo | undefined;
}

/** What the auth answer says about the session (recovery on). */
export interface RecoveryInfo {
  /** Single-use secret to resume this session after a reconnect. */
  token: string;
  /** The push log's epoch: a session of another epoch cannot be resumed. */
  epoch: string;
  /** The session's position: the number of the last push sent to it. */
  seq: number;
  /** Present when the client asked to resume: whether it was. */
  recovered?: boolean | undefined;
  /** Why it was not (see RESUME_REFUSALS). */
  reason?: string | undefined;
}

/** A request name quoted for an error message (JSON quoting, so control characters stay visible). */
export function quoteName(request: string): string {
  return JSON.stringify(request);
}

/** Whether an envelope answers a call (as opposed to being a call or a push). */
export function isAnswer(envelope: Envelope): boolean {
  return envelope.id !== undefined && (envelope.response !== undefined || envelope.error !== undefined);
}

/**
 * Encodes an envelope as JSON text.
 * @throws SocketError `HANDLER_ERROR` when the value cannot be serialised (BigInt, cycles).
 */
export function encodeEnvelope(envelope: Envelope): string {
  try {
    return JSON.stringify(envelope);
  } catch (cause) {
    throw new SocketError('HANDLER_ERROR', 'The message could not be serialised as JSON', { cause });
  }
}

/**
 * A push's encoded text with its sequence number added: `{...,"seq":N}`. The push is
 * encoded once for every recipient; each one's number is spliced in, not re-encoded.
 */
export function stampSequence(text: string, seq: number): string {
  return `${text.slice(0, -1)},"${SEQ_FIELD}":${seq}}`;
}

/** Whether encoded text is over `maxBytes` of UTF-8 (most texts skip the exact count). */
export function exceedsPayload(text: string, maxBytes: number): boolean {
  // A UTF-16 code unit is at most 3 UTF-8 bytes.
  return text.length * 3 > maxBytes && utf8ByteLength(text) > maxBytes;
}

/**
 * The UTF-8 size of `text`, counted without encoding it (no Buffer: the browser client
 * shares this codec). A lone surrogate counts 3, as TextEncoder writes it as U+FFFD.
 */
export function utf8ByteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/**
 * Decodes one frame's JSON text into an envelope.
 * @throws SocketError `MALFORMED_FRAME` (close 4004), or `PAYLOAD_TOO_LARGE` when over `maxLength`.
 */
export function decodeEnvelope(text: string, maxLength = Infinity): Envelope {
  if (text.length > maxLength) throw new SocketError('PAYLOAD_TOO_LARGE');
  if (exceedsDepth(text, MAX_ENVELOPE_DEPTH)) throw malformed('nesting deeper than ' + MAX_ENVELOPE_DEPTH);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw malformed('not JSON');
  }
  return checkShape(value);
}

function checkShape(value: unknown): Envelope {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw malformed('not a JSON object');
  const { request, id, error, seq, recovery } = value as Record<string, unknown>;
  if (typeof request !== 'string' || request.length === 0 || request.length > MAX_REQUEST_NAME_LENGTH) {
    throw malformed(`"request" must be a string of 1 to ${MAX_REQUEST_NAME_LENGTH} characters`);
  }
  if (id !== undefined && !(Number.isSafeInteger(id) && (id as number) > 0)) {
    throw malformed('"id" must be a positive integer');
  }
  if (error !== undefined && !isWireError(error)) throw malformed('"error" must be {code, message}');
  if (seq !== undefined && !isPosition(seq)) throw malformed('"seq" must be a non-negative integer');
  if (recovery !== undefined && !isRecoveryInfo(recovery)) throw malformed('"recovery" must be {token, epoch, seq, recovered?, reason?}');
  return value as Envelope;
}

function isWireError(value: unknown): value is WireError {
  if (value === null || typeof value !== 'object') return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === 'string' && typeof message === 'string';
}

function isPosition(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isRecoveryInfo(value: unknown): value is RecoveryInfo {
  if (value === null || typeof value !== 'object') return false;
  const { token, epoch, seq, recovered, reason } = value as Record<string, unknown>;
  return (
    typeof token === 'string' &&
    typeof epoch === 'string' &&
    isPosition(seq) &&
    (recovered === undefined || typeof recovered === 'boolean') &&
    (reason === undefined || typeof reason === 'string')
  );
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text nests deeper than `limit`. JSON.parse itself accepts any depth, and a
 * deep value would then overflow the stack of whatever walks it: a handler, a validator,
 * JSON.stringify. Valid JSON nested d deep takes at least 2d characters (every bracket is
 * closed), so text of up to 2 * limit + 1 characters skips the scan; if such text is not
 * valid JSON, JSON.parse refuses it anyway.
 */
function exceedsDepth(text: string, limit: number): boolean {
  if (text.length <= 2 * limit + 1) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === BACKSLASH) i++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) inString = true;
    else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) depth--;
  }
  return false;
}

function malformed(reason: string): SocketError {
  return new SocketError('MALFORMED_FRAME', `Malformed frame: ${reason}`);
}
