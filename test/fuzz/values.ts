/**
 * Random JSON values and raw JSON tokens for the fuzzer: the pieces envelopes are built and
 * broken from. Every string value a fuzz case carries may hold MARKER, so the fuzzer can
 * prove that no payload ever reaches the server's logs.
 */
import type { Prng } from './prng.js';

/** Planted in payloads; the server's logs must never contain it. */
export const MARKER = 'FUZZ-PAYLOAD-3f9c';

/** Names that resolve through Object.prototype if a lookup ever uses a plain object. */
export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'prototype'];

const UNICODE_SAMPLES = ['é', 'ß', '日本語', '😀', '\u0000', '\u2028', '\uFEFF', '\uD800', '\uDFFF', 'a\uD83Db', '\u{10FFFF}', 'Ω≈ç√'];

/** A short string: ASCII, unicode (lone surrogates included: JSON.stringify escapes them), or the marker. */
export function randomString(r: Prng): string {
  return r.weighted<() => string>([
    [() => r.string(r.int(0, 12)), 4],
    [() => Array.from({ length: r.int(1, 4) }, () => r.pick(UNICODE_SAMPLES)).join(''), 3],
    [() => `${MARKER}-${r.string(4)}`, 3],
    [() => r.pick(PROTOTYPE_NAMES), 1],
  ])();
}

/** A number, edge cases included (JSON.stringify turns NaN and Infinity into null). */
export function randomNumber(r: Prng): number {
  return r.pick([0, -0, 1, -1, 0.5, r.int(-1000, 1000), 2 ** 31, 2 ** 53 - 1, 2 ** 53, 1e308, -1e-308, Number.NaN, Infinity]);
}

/** A random JSON value nested at most `depth` levels. */
export function randomValue(r: Prng, depth = 3): unknown {
  const leaf = depth <= 0 || r.chance(0.5);
  if (leaf) {
    return r.weighted<() => unknown>([[() => null, 1], [() => r.chance(0.5), 1], [() => randomNumber(r), 2], [() => randomString(r), 3]])();
  }
  const size = r.int(0, 4);
  if (r.chance(0.4)) return Array.from({ length: size }, () => randomValue(r, depth - 1));
  // fromEntries defines own properties, so a "__proto__" key stays a key and is serialised.
  return Object.fromEntries(Array.from({ length: size }, () => [randomString(r), randomValue(r, depth - 1)]));
}

/** JSON text nesting `levels` arrays or objects around a leaf (built as text: no recursion). */
export function deepJson(r: Prng, levels: number): string {
  const leaf = JSON.stringify(MARKER);
  if (r.chance(0.5)) return '['.repeat(levels) + leaf + ']'.repeat(levels);
  return '{"k":'.repeat(levels) + leaf + '}'.repeat(levels);
}

/** Raw JSON tokens for the `request` field: wrong types, wrong lengths, and some valid oddities. */
export function requestToken(r: Prng): string {
  return r.pick([
    '123', '[]', '{}', '""', 'null', 'true', '["echo"]', '{"name":"echo"}',
    JSON.stringify('e'.repeat(128)), JSON.stringify('e'.repeat(129)), JSON.stringify(`${MARKER}${'x'.repeat(200)}`),
    JSON.stringify(r.pick(PROTOTYPE_NAMES)), JSON.stringify('heartBeat'), JSON.stringify('auth'), JSON.stringify('echo '),
    JSON.stringify('\uD800'), '"\\u0065cho"',
  ]);
}

/** Raw JSON tokens for `id`: only positive safe integers are valid ("1.0" and "1E0" parse to 1). */
export function idToken(r: Prng): string {
  return r.pick([
    '0', '-1', '1.5', '"1"', String(2 ** 53), String(2 ** 53 - 1), 'null', 'true', '[]', '{}', '1e21', '1e400',
    '-0', '1.0', '1E0', '01', '0x1', 'NaN', '9007199254740993', String(r.int(1, 1000)),
  ]);
}

/** Raw JSON tokens for `error`: only `{code: string, message: string}` is valid. */
export function errorToken(r: Prng): string {
  return r.pick([
    '"oops"', '5', 'null', '[]', '{}', '{"code":1,"message":"m"}', '{"code":"E"}', `{"code":"E","message":5}`,
    `{"code":"E","message":${JSON.stringify(MARKER)}}`, '{"code":"E","message":"m","extra":[1]}', '[{"code":"E","message":"m"}]',
  ]);
}

/** A data value chosen to stress the codec: big, deep, odd unicode, or the marker. */
export function dataToken(r: Prng, maxPayload: number): string {
  return r.weighted<() => string>([
    [() => JSON.stringify(randomValue(r, 4)), 4],
    [() => JSON.stringify(`${MARKER}${'é'.repeat(r.int(0, maxPayload / 2))}`), 1],
    [() => deepJson(r, r.pick([10, 30, 62, 63, 64, 65, 100, 200])), 2],
    [() => JSON.stringify(Array.from({ length: r.int(1, 6) }, () => r.pick(UNICODE_SAMPLES)).join('')), 1],
  ])();
}

/** Bytes that are never valid UTF-8: a lone continuation, an overlong form, a surrogate, beyond U+10FFFF, a cut sequence. */
export function invalidUtf8(r: Prng): Buffer {
  return Buffer.from(r.pick([[0xff], [0xfe], [0x80], [0xc0, 0x80], [0xc1, 0xbf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x98]]));
}
