/**
 * The check behind every singleton constructor: a second `new X(options)` that would return
 * the existing instance must not silently ignore other options. Pure and free of node:
 * imports: the browser client runs it too.
 */
import { SocketError } from '../errors.js';

/**
 * Throws when a constructor call that would return the existing singleton asks for other
 * options than the ones it was made with. No options (or only `singleton`) means "the
 * existing one"; identical options are fine too. Names the keys, never their values (the
 * auth key is one of them).
 * @throws SocketError `CONFIG_INVALID`
 */
export function checkSameSingletonOptions(className: string, existingOptions: object, requestedOptions: object): void {
  const existing = existingOptions as Readonly<Record<string, unknown>>;
  const requested = requestedOptions as Readonly<Record<string, unknown>>;
  const asked = Object.keys(requested).filter((key) => key !== 'singleton' && requested[key] !== undefined);
  if (asked.length === 0) return;
  const keys = new Set([...Object.keys(existing), ...Object.keys(requested)].filter((key) => key !== 'singleton'));
  const differing = [...keys].filter((key) => !sameOptionValue(existing[key], requested[key]));
  if (differing.length === 0) return;
  throw new SocketError(
    'CONFIG_INVALID',
    `A ${className} already exists with other options (differing: ${differing.join(', ')}). ` +
      `${className} is a singleton: call new ${className}() with no options to get it, reset() it first, or pass singleton: false for an independent instance.`,
  );
}

/**
 * Deep equality for option values, strict like node:util's isDeepStrictEqual for what options
 * hold: primitives and functions by identity (Object.is), byte views by content, arrays and
 * plain objects by own enumerable entries with the same prototype. Anything else (a Map, a
 * class instance) is equal only to itself. Cycles compare equal where they line up.
 */
export function sameOptionValue(a: unknown, b: unknown, seen = new Map<object, object>()): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a)) return sameBytes(a, b as ArrayBufferView);
  const prototype: unknown = Object.getPrototypeOf(a);
  if (!Array.isArray(a) && prototype !== Object.prototype && prototype !== null) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  const entriesA = a as Readonly<Record<string, unknown>>;
  const entriesB = b as Readonly<Record<string, unknown>>;
  const keys = Object.keys(entriesA);
  if (keys.length !== Object.keys(entriesB).length) return false;
  return keys.every((key) => Object.hasOwn(entriesB, key) && sameOptionValue(entriesA[key], entriesB[key], seen));
}

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  if (a.byteLength !== b.byteLength) return false;
  const bytesA = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const bytesB = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return bytesA.every((byte, i) => byte === bytesB[i]);
}
