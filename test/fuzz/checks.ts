/**
 * What the fuzzer asserts after each case, as pure functions of what it observed: the
 * handler journal against the oracle's allowed calls, the close against the prediction,
 * and every close code against the documented list. Also the reproduction dump of a case.
 */
import { isDeepStrictEqual } from 'node:util';
import type { HandlerCall } from './handlers/_journal.js';
import type { FuzzCase } from './generators.js';
import { DOCUMENTED_CLOSE_CODES, type Prediction } from './oracle.js';

/** One thing that went wrong in a case. */
export interface Finding {
  kind: string;
  detail: string;
}

/** What one case looked like from both ends. */
export interface Observation {
  /** Close code the server sent to the fuzz socket before the case ended it, if any. */
  peerSawClose?: number | undefined;
  /** Close code the server reported in its disconnect event (its own choice when it closed). */
  serverReported?: number | undefined;
  /** The fuzz socket waited out the deadline with neither a probe answer nor a close. */
  timedOut: boolean;
  calls: readonly HandlerCall[];
}

const SKIP_AUTH_NAMES: ReadonlySet<string> = new Set(['publicInfo', 'auth']);

/**
 * Every journaled call must be one the oracle allowed (a well-formed frame sent before any
 * frame the server must refuse), past the auth gate. Whether the connection is still open
 * when the handler runs says nothing: a call accepted before a bad frame may run after it
 * (the schema check is asynchronous).
 */
export function checkCalls(calls: readonly HandlerCall[], prediction: Prediction): Finding[] {
  const allowed = [...prediction.allowed];
  const findings: Finding[] = [];
  for (const call of calls) {
    if (!call.authenticated && !SKIP_AUTH_NAMES.has(call.request)) {
      findings.push({ kind: 'handler-unauthenticated', detail: `"${call.request}" ran before auth` });
      continue;
    }
    const match = allowed.findIndex((entry) => entry.request === call.request && isDeepStrictEqual(entry.data, call.data));
    if (match < 0) findings.push({ kind: 'handler-unexpected', detail: `"${call.request}" ran with data no well-formed frame of the case carried` });
    else allowed.splice(match, 1);
  }
  return findings;
}

/** The close code the server chose, if it closed: the peer's view, else its own report. */
export function closedWith(c: FuzzCase, seen: Observation): number | undefined {
  if (seen.peerSawClose !== undefined) return seen.peerSawClose;
  // The fuzz socket ends with 1000 (close) or 1006 (destroy); any other report is the server's own choice.
  const ending = c.ending === 'close' ? 1000 : 1006;
  return seen.serverReported !== undefined && seen.serverReported !== ending && seen.serverReported !== 1006 ? seen.serverReported : undefined;
}

/** The close must match the prediction, and every code must be documented (or the peer's own). */
export function checkClose(c: FuzzCase, prediction: Prediction, seen: Observation): Finding[] {
  const findings: Finding[] = [];
  const code = closedWith(c, seen);
  const expected = prediction.codes.size === 0 ? 'no close' : `${prediction.mustClose ? '' : 'no close or '}${[...prediction.codes].join('/')}`;
  if (code !== undefined && !prediction.codes.has(code)) {
    findings.push({ kind: prediction.codes.size === 0 ? 'closed-valid' : 'close-code', detail: `closed with ${code}; expected ${expected}` });
  }
  if (code === undefined && prediction.mustClose) findings.push({ kind: 'stayed-open', detail: `still open; expected ${expected}` });
  if (code === undefined && seen.timedOut && c.wire === undefined) {
    findings.push({ kind: 'no-answer', detail: 'neither answered the probe nor closed before the deadline' });
  }
  const peerCodes = new Set([...(c.wire?.peerCodes ?? []), ...(c.wire === undefined ? [] : [1005])]);
  for (const [who, value] of [['sent', seen.peerSawClose], ['reported', seen.serverReported]] as const) {
    if (value !== undefined && !DOCUMENTED_CLOSE_CODES.has(value) && !peerCodes.has(value)) {
      findings.push({ kind: 'undocumented-code', detail: `the server ${who} close code ${value}` });
    }
  }
  return findings;
}

const DUMP_BYTES = 512;

function hex(bytes: Buffer): string {
  const shown = bytes.subarray(0, DUMP_BYTES).toString('hex');
  return bytes.length > DUMP_BYTES ? `${shown}… (${bytes.length - DUMP_BYTES} more bytes)` : shown;
}

/** A case as text: enough to rebuild it by hand, though `--seed S --case N` regenerates it exactly. */
export function describeCase(c: FuzzCase): string {
  const lines = [`seed ${c.seed} case ${c.index}: ${c.labels.join(', ')}; handshake ${c.handshake.kind}${c.handshake.kind === 'mutated' ? ` (${c.handshake.op} at ${c.handshake.at}, extra ${hex(c.handshake.extra)})` : ''}; auth first: ${c.authFirst}; ends by ${c.ending}`];
  if (c.wire !== undefined) {
    lines.push(`  upgrade: ${JSON.stringify(c.wire.upgrade.toString('latin1'))}`, `  wire bytes (${c.wire.frames.length} B): ${hex(c.wire.frames)}`);
  }
  c.frames.forEach((frame, i) => {
    if (frame.kind === 'replay') lines.push(`  frame ${i}: replay of the previous sealed frame`);
    else {
      const how = frame.kind === 'raw' ? `raw ${frame.binary ? 'binary' : 'text'}` : frame.kind === 'tampered' ? `sealed, then ciphertext bit ${frame.flip} (mod length) flipped` : 'sealed';
      lines.push(`  frame ${i}: ${how}, ${frame.bytes.length} B: ${hex(frame.bytes)}`);
    }
  });
  return lines.join('\n');
}
