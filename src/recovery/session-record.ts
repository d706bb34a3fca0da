/**
 * A saved session: what a resume restores, and where its replay starts. Stored as JSON
 * text under the connection id (in memory, in the cluster primary, or in Redis) for the
 * recovery window. Pure.
 */
import type { LogPosition } from '../scale/broker.js';

/** One session as saved. */
export interface SessionRecord {
  /** The connection id the session keeps. */
  readonly id: string;
  /** The secret half of the current resume token (never logged). */
  readonly secret: string;
  readonly rooms: readonly string[];
  readonly meta: Readonly<Record<string, unknown>>;
  /** The number of the last push sent in the session. */
  readonly seq: number;
  /** Pushes sent and not acknowledged, oldest first; the last is number `seq`. */
  readonly tail: readonly string[];
  /** Where the push log was when the session was saved: later entries may be for it. */
  readonly position: LogPosition;
  /** The node that held the session then, and the last sequence number it had published. */
  readonly node: string;
  readonly nodeSeq: number;
  /** Whether the connection was still open when this was saved. */
  readonly attached: boolean;
  /** When the recovery window ends (ms since the Unix epoch). */
  readonly expiresAt: number;
}

/** The text a store keeps. @throws TypeError when `meta` is not JSON (a BigInt, a cycle) */
export function encodeSessionRecord(record: SessionRecord): string {
  return JSON.stringify(record);
}

/** Reads a stored record; undefined when it is not one (a store written by another version). */
export function decodeSessionRecord(text: string): SessionRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isSessionRecord(value) ? value : undefined;
}

function isSessionRecord(value: unknown): value is SessionRecord {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  const position = record.position as Record<string, unknown> | null | undefined;
  return (
    typeof record.id === 'string' &&
    typeof record.secret === 'string' &&
    isStrings(record.rooms) &&
    record.meta !== null &&
    typeof record.meta === 'object' &&
    isCount(record.seq) &&
    isStrings(record.tail) &&
    typeof position?.epoch === 'string' &&
    typeof position.offset === 'string' &&
    typeof record.node === 'string' &&
    isCount(record.nodeSeq) &&
    typeof record.attached === 'boolean' &&
    typeof record.expiresAt === 'number'
  );
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
