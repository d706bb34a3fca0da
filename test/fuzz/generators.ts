/**
 * Fuzz case generators. A case is pure data, generated from (run seed, case index) alone,
 * so a failure reproduces from those two numbers: the frames to send, whether to handshake
 * and authenticate first, and, for protocol-level cases, raw bytes for a hand-made socket.
 */
import { Prng, caseSeed } from './prng.js';
import { MARKER, PROTOTYPE_NAMES, dataToken, errorToken, idToken, invalidUtf8, randomString, randomValue, requestToken } from './values.js';
import { generateWireCase, type WireCase } from './wire-frames.js';

/** One frame of a case. `sealed` goes through the channel (with encryption off: a text frame). */
export type FrameSpec =
  | { kind: 'sealed'; bytes: Buffer }
  | { kind: 'raw'; binary: boolean; bytes: Buffer }
  | { kind: 'tampered'; bytes: Buffer; flip: number }
  | { kind: 'replay' };

/** What happens before the case's frames with encryption on. `mutated` alters frame 1. */
export type HandshakeSpec =
  | { kind: 'valid' }
  | { kind: 'none' }
  | { kind: 'mutated'; op: 'flip' | 'truncate' | 'extend' | 'text'; at: number; extra: Buffer };

/** One fuzz case. */
export interface FuzzCase {
  seed: number;
  index: number;
  /** What the frames are, for the summary (one label per frame). */
  labels: string[];
  handshake: HandshakeSpec;
  authFirst: boolean;
  frames: FrameSpec[];
  /** Protocol-level case: bytes for a hand-upgraded TCP socket instead of `frames`. */
  wire?: WireCase;
  /** How the fuzz socket ends when the server has not closed it. */
  ending: 'destroy' | 'close';
}

/** What generators need to know of the server. */
export interface GeneratorOptions {
  encryption: boolean;
  maxPayload: number;
  authKey: string;
}

type Maker = (r: Prng, o: GeneratorOptions) => [label: string, frame: FrameSpec];

const text = (value: string): Buffer => Buffer.from(value, 'utf8');
const sealed = (bytes: Buffer): FrameSpec => ({ kind: 'sealed', bytes });

/** A well-formed envelope (object): calls, pushes, answers to nothing, auth with good and bad keys. */
export function validEnvelope(r: Prng, o: GeneratorOptions): Record<string, unknown> {
  const id = r.int(1, 1_000_000);
  return r.weighted<() => Record<string, unknown>>([
    [() => ({ request: 'echo', id, data: randomValue(r) }), 4],
    [() => ({ request: 'echo', data: randomValue(r, 2) }), 1],
    [() => ({ request: 'add', id, data: { a: r.int(-9, 9), b: r.int(-9, 9) } }), 2],
    [() => ({ request: 'add', id, data: r.pick([{ a: 'x', b: 1 }, null, [1, 2], { a: 1 }]) }), 1],
    [() => ({ request: 'publicInfo', id }), 1],
    [() => ({ request: 'heartBeat', ...(r.chance(0.5) && { id }) }), 1],
    [() => ({ request: 'auth', id, data: { authKey: o.authKey } }), 1],
    [() => ({ request: 'auth', id, data: r.pick([{ authKey: `${MARKER}-wrong` }, null, 'key', { authKey: 1 }]) }), 1],
    [() => ({ request: 'crash', id }), 0.5],
    [() => ({ request: r.pick(PROTOTYPE_NAMES), id }), 1],
    [() => ({ request: `nope-${r.string(3)}`, ...(r.chance(0.5) && { id }) }), 0.5],
    [() => ({ request: 'echo', id, response: randomValue(r, 2) }), 1],
    [() => ({ request: 'echo', id, error: { code: 'E', message: MARKER } }), 0.5],
  ])();
}

/** JSON text of `envelope` with `key` set to a raw token (a value JSON.stringify would never write). */
function withRawField(envelope: Record<string, unknown>, key: string, token: string): string {
  const { [key]: _dropped, ...rest } = envelope;
  const body = JSON.stringify(rest).slice(1, -1);
  return `{${JSON.stringify(key)}:${token}${body.length > 0 ? `,${body}` : ''}}`;
}

const fieldSwap: Maker = (r, o) => {
  const envelope = validEnvelope(r, o);
  const field = r.pick(['request', 'request', 'id', 'id', 'data', 'error', 'extra', 'missing']);
  if (field === 'missing') {
    const { request: _gone, ...rest } = envelope;
    return ['field:missing-request', sealed(text(JSON.stringify(rest)))];
  }
  if (field === 'extra') {
    const key = r.pick(['__proto__', 'constructor', 'prototype', randomString(r)]);
    return ['field:extra', sealed(text(withRawField(envelope, key, JSON.stringify(randomValue(r, 2)) ?? 'null')))];
  }
  const token = { request: requestToken, id: idToken, error: errorToken, data: (p: Prng) => dataToken(p, o.maxPayload) }[field]!(r);
  return [`field:${field}`, sealed(text(withRawField(envelope, field, token)))];
};

/** Byte-level damage to a valid envelope's text: bit flips, cuts, insertions, deletions. */
function mutateBytes(r: Prng, input: Buffer): Buffer {
  let bytes = Buffer.from(input);
  for (let round = r.int(1, 3); round > 0; round--) {
    const at = r.int(0, Math.max(0, bytes.length - 1));
    const op = r.pick(['flip', 'truncate', 'insert', 'delete', 'duplicate', 'quote']);
    if (op === 'flip' && bytes.length > 0) bytes[at] = bytes[at]! ^ (1 << r.int(0, 7));
    else if (op === 'truncate') bytes = bytes.subarray(0, at);
    else if (op === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), r.bytes(r.int(1, 8)), bytes.subarray(at)]);
    else if (op === 'delete') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + r.int(1, 8))]);
    else if (op === 'duplicate') bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at, at + 16), bytes.subarray(at)]);
    else bytes = Buffer.concat([bytes.subarray(0, at), text(r.pick(['"', '{', '}', '[', ']', ',', ':', '\\'])), bytes.subarray(at)]);
  }
  return bytes;
}

const byteMutation: Maker = (r, o) => ['bytes:mutated', sealed(mutateBytes(r, text(JSON.stringify(validEnvelope(r, o)))))];

const validFrame: Maker = (r, o) => {
  const envelope = validEnvelope(r, o);
  const request = String(envelope.request);
  const name = /^nope-/.test(request) ? 'unknown-name' : PROTOTYPE_NAMES.includes(request) ? 'prototype-name' : request;
  return [`valid:${name}`, sealed(text(JSON.stringify(envelope)))];
};

const randomJson: Maker = (r) => ['json:random', sealed(text(JSON.stringify(randomValue(r, 3)) ?? 'null'))];

const randomBytes: Maker = (r, o) => {
  const length = r.pick([0, 1, 2, r.int(3, 64), r.int(64, 512), o.maxPayload]);
  const bytes = r.chance(0.3) ? Buffer.concat([text(MARKER), r.bytes(length)]) : r.bytes(length);
  // With encryption on, unsealed bytes can only fail decryption; keep them sealed there.
  return ['bytes:random', !o.encryption && r.chance(0.5) ? { kind: 'raw', binary: r.chance(0.5), bytes } : sealed(bytes)];
};

const badUtf8: Maker = (r) => {
  const json = text(JSON.stringify({ request: 'echo', id: r.int(1, 99), data: `${MARKER}|` }));
  const at = json.indexOf('|');
  return ['utf8:invalid', sealed(Buffer.concat([json.subarray(0, at), invalidUtf8(r), json.subarray(at)]))];
};

/** A valid echo envelope padded to exactly `maxPayload + delta` bytes (2-byte characters on purpose). */
const sizeEdge: Maker = (r, o) => {
  const delta = r.pick([-1, 0, 1, 2]);
  const head = JSON.stringify({ request: 'echo', id: r.int(1, 99), data: '' }).slice(0, -3);
  const room = o.maxPayload + delta - Buffer.byteLength(head) - 3 - MARKER.length;
  const pad = r.chance(0.5) ? 'é'.repeat(Math.floor(room / 2)) + 'x'.repeat(room % 2) : 'x'.repeat(room);
  return [`size:${delta >= 0 ? '+' : ''}${delta}`, sealed(text(`${head}"${MARKER}${pad}"}`))];
};

const deep: Maker = (r) => {
  const levels = r.pick([r.int(10, 200), 62, 63, 64, 65]);
  const balanced = r.chance(0.8);
  const body = `{"request":"echo","id":1,"data":${'['.repeat(levels)}${balanced ? ']'.repeat(levels) : ''}}`;
  // The envelope object is one level itself: data nested 63 deep is exactly at the limit of 64.
  return [`deep:${!balanced ? 'unbalanced' : levels + 1 > 64 ? 'over-limit' : 'within-limit'}`, sealed(text(body))];
};

const PLAINTEXT_MAKERS: ReadonlyArray<readonly [Maker, number]> = [
  [validFrame, 25], [fieldSwap, 25], [byteMutation, 15], [randomJson, 8], [randomBytes, 8], [badUtf8, 7], [sizeEdge, 6], [deep, 6],
];

/** Frames that break the encryption layer once the channel is up. */
const cryptoFrame: Maker = (r, o) => {
  const inner = text(JSON.stringify(validEnvelope(r, o)));
  return r.weighted<() => [string, FrameSpec]>([
    [() => ['crypto:tampered', { kind: 'tampered', bytes: inner, flip: r.int(0, 1 << 20) }], 3],
    [() => ['crypto:replay', { kind: 'replay' }], 1],
    [() => ['crypto:garbage', { kind: 'raw', binary: true, bytes: r.bytes(r.pick([0, 1, 15, 16, 17, 48, r.int(18, 300), o.maxPayload + 16, o.maxPayload + 17])) }], 2],
    [() => ['crypto:text-frame', { kind: 'raw', binary: false, bytes: inner }], 1],
  ])();
};

function handshakeSpec(r: Prng): HandshakeSpec {
  return r.weighted<() => HandshakeSpec>([
    [() => ({ kind: 'valid' }), 6],
    [() => ({ kind: 'none' }), 1],
    [() => ({ kind: 'mutated', op: r.pick(['flip', 'truncate', 'extend', 'text'] as const), at: r.int(0, 47 * 8), extra: r.bytes(r.int(1, 16)) }), 3],
  ])();
}

/** Case `index` of the run with `seed`: the same pair always yields the same case. */
export function generateCase(seed: number, index: number, o: GeneratorOptions): FuzzCase {
  const r = new Prng(caseSeed(seed, index));
  const base = { seed, index, ending: r.chance(0.7) ? 'destroy' : 'close' } as const;
  if (r.chance(0.06)) {
    return { ...base, labels: ['wire'], handshake: { kind: 'valid' }, authFirst: false, frames: [], wire: generateWireCase(r, o) };
  }
  const crypto = o.encryption && r.chance(0.5);
  const handshake = crypto ? handshakeSpec(r) : { kind: 'valid' as const };
  const labels: string[] = [];
  const frames: FrameSpec[] = [];
  for (let count = r.int(1, 5); count > 0; count--) {
    const maker = crypto && handshake.kind === 'valid' && r.chance(0.5) ? cryptoFrame : r.weighted(PLAINTEXT_MAKERS);
    const [label, frame] = maker(r, o);
    // A replay resends the case's last sealed frame: make sure there is one.
    if (frame.kind === 'replay' && !frames.some((f) => f.kind === 'sealed')) {
      labels.push('valid:echo');
      frames.push(sealed(text(JSON.stringify({ request: 'echo', id: 1, data: MARKER }))));
    }
    labels.push(label);
    frames.push(frame);
  }
  return { ...base, labels, handshake, authFirst: handshake.kind === 'valid' && r.chance(0.5), frames };
}
