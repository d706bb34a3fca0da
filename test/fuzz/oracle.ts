/**
 * The fuzzer's oracle: an independent reading of DESIGN.md's wire rules (it shares no code
 * with src/protocol) that says, for each case, which handler calls may happen and whether
 * and how the server must close. Where timing decides (an auth still running while later
 * frames arrive), it allows every outcome the contract allows, and nothing else.
 */
import type { FrameSpec, FuzzCase } from './generators.js';

/** Close codes the server may send, from docs/close-codes.md plus what ws sends (1002, 1007). */
export const DOCUMENTED_CLOSE_CODES: ReadonlySet<number> = new Set([1000, 1001, 1002, 1006, 1007, 1009, 4001, 4002, 4003, 4004, 4008]);

const MAX_REQUEST_NAME_LENGTH = 128;
const MAX_DEPTH = 64;
const TAG_BYTES = 16;
/** Handlers of test/fuzz/handlers; publicInfo is the one with skipAuth. */
const FUZZ_HANDLERS: ReadonlySet<string> = new Set(['auth', 'echo', 'add', 'publicInfo', 'crash']);
const SKIP_AUTH: ReadonlySet<string> = new Set(['publicInfo']);
// ignoreBOM keeps a leading BOM in the text, as Buffer#toString does: JSON.parse must see it.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A handler call the case may cause. */
export interface AllowedCall {
  request: string;
  data: unknown;
}

/** What the server may do with one case. */
export interface Prediction {
  /** Calls that may reach a handler; each journaled call must match one, once. */
  allowed: AllowedCall[];
  /** Codes the server may close with; empty (and mustClose false) means it must stay open. */
  codes: Set<number>;
  /** A frame the server must refuse was sent. */
  mustClose: boolean;
}

/** Facts of the run the prediction depends on. */
export interface OracleContext {
  encryption: boolean;
  maxPayload: number;
  authKey: string;
  /** Whether the fuzz socket completed the handshake (always true with encryption off). */
  established: boolean;
  /** Whether the case authenticated before sending its frames. */
  authenticated: boolean;
}

type Verdict = { close: number } | { envelopes: Array<Record<string, unknown>> };

/**
 * The reference decoder (DESIGN.md "Wire protocol"): size, UTF-8, then the record's messages
 * (split at line feeds, none empty), each JSON, depth, then shape; any bad message refuses
 * the whole frame.
 */
export function judgePlaintext(bytes: Buffer, maxPayload: number): Verdict {
  if (bytes.length > maxPayload) return { close: 1009 };
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { close: 4004 };
  }
  const envelopes: Array<Record<string, unknown>> = [];
  for (const message of text.split('\n')) {
    const envelope = judgeMessage(message);
    if (envelope === undefined) return { close: 4004 };
    envelopes.push(envelope);
  }
  return { envelopes };
}

function judgeMessage(message: string): Record<string, unknown> | undefined {
  if (message === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (depthOf(value) > MAX_DEPTH || value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { request, id, error } = value as Record<string, unknown>;
  const shapeOk =
    typeof request === 'string' && request.length >= 1 && request.length <= MAX_REQUEST_NAME_LENGTH &&
    (id === undefined || (Number.isSafeInteger(id) && (id as number) > 0)) &&
    (error === undefined || isWireError(error));
  return shapeOk ? (value as Record<string, unknown>) : undefined;
}

function isWireError(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const { code, message } = value as Record<string, unknown>;
  return typeof code === 'string' && typeof message === 'string';
}

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child));
  return deepest + 1;
}

/** How the server reads one frame on an established channel. */
function judgeFrame(frame: FrameSpec, o: OracleContext): Verdict {
  const limit = o.maxPayload + (o.encryption ? TAG_BYTES : 0);
  if (frame.kind === 'replay') return { close: 4002 };
  if (frame.kind === 'raw') {
    if (frame.bytes.length > limit) return { close: 1009 };
    if (o.encryption) return { close: 4002 };
    if (frame.binary) return { close: 4004 };
  }
  if (frame.kind === 'tampered') return { close: frame.bytes.length > o.maxPayload ? 1009 : 4002 };
  return judgePlaintext(frame.bytes, o.maxPayload);
}

/** What the auth handler (test/fixtures/handlers/valid/auth.ts) accepts. */
function authAccepts(data: unknown, authKey: string): boolean {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return false;
  const { authKey: key, ban, explode } = data as Record<string, unknown>;
  return ban !== true && explode !== true && key === authKey;
}

type AuthState = 'none' | 'pending' | 'refused' | 'done';

/**
 * Applies one well-formed envelope; false when it closes the connection at once (a call
 * that needs auth on a connection with no auth under way).
 */
function applyEnvelope(envelope: Record<string, unknown>, state: { auth: AuthState }, p: Prediction, o: OracleContext): boolean {
  const { request, id, response, error, data } = envelope as { request: string; id?: number; response?: unknown; error?: unknown; data?: unknown };
  if ((id !== undefined && (response !== undefined || error !== undefined)) || request === 'heartBeat') return true;
  if (request === 'auth') {
    if (state.auth !== 'none') return true;
    p.allowed.push({ request, data });
    state.auth = authAccepts(data, o.authKey) ? 'pending' : 'refused';
    if (state.auth === 'refused') {
      p.codes.add(4001);
      p.mustClose = true;
    }
    return true;
  }
  const known = FUZZ_HANDLERS.has(request);
  if (state.auth === 'done' || SKIP_AUTH.has(request)) {
    if (known) p.allowed.push({ request, data });
    return true;
  }
  p.codes.add(4001);
  if (state.auth !== 'pending') {
    p.mustClose = true;
    return false;
  }
  // An auth is running: this call is refused (4001) if dispatched before it settles, else it runs.
  if (known) p.allowed.push({ request, data });
  return true;
}

/** The prediction for a frame case (wire cases use predictWire). */
export function predictCase(c: FuzzCase, o: OracleContext): Prediction {
  const p: Prediction = { allowed: [], codes: new Set(), mustClose: false };
  if (o.authenticated) p.allowed.push({ request: 'auth', data: { authKey: o.authKey } });
  if (!o.established) {
    // The first frame the server sees is not a valid frame 1: the handshake fails.
    const first = c.frames[0];
    const tooBig = c.handshake.kind === 'none' && first !== undefined && 'bytes' in first && first.bytes.length > o.maxPayload + TAG_BYTES;
    p.codes.add(tooBig ? 1009 : 4002);
    p.mustClose = true;
    return p;
  }
  const state = { auth: (o.authenticated ? 'done' : 'none') as AuthState };
  for (const frame of c.frames) {
    const verdict = judgeFrame(frame, o);
    if ('close' in verdict) {
      // Refused at once: nothing after this frame may reach a handler.
      p.codes.add(verdict.close);
      p.mustClose = true;
      return p;
    }
    for (const envelope of verdict.envelopes) if (!applyEnvelope(envelope, state, p, o)) return p;
  }
  return p;
}

/** Wire cases: any documented code (or one the case sent itself), and its publicInfo calls. */
export function predictWire(c: FuzzCase): Prediction {
  const wire = c.wire!;
  const codes = new Set([...DOCUMENTED_CLOSE_CODES, ...wire.peerCodes, 1005]);
  return { allowed: Array.from({ length: wire.publicInfoCalls }, () => ({ request: 'publicInfo', data: undefined })), codes, mustClose: false };
}
