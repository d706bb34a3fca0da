/**
 * The fuzzer's bookkeeping: histograms, heap samples and failures, in bounded memory (a
 * few examples of each failure kind are kept in full, the rest are only counted), since
 * the run's own growth would otherwise show up in the heap it measures.
 */
import type { Finding } from './checks.js';
import type { FuzzCase } from './generators.js';
import type { LogCapture } from './log-capture.js';

const EXAMPLES_PER_KIND = 3;

/** One failed check, with what it takes to reproduce it. */
export interface FuzzFailure {
  kind: string;
  detail: string;
  seed: number;
  index: number;
  /** The case's frames as hex (see describeCase). */
  dump: string;
}

/** The result of a run. */
export interface FuzzSummary {
  seed: number;
  encryption: boolean;
  cases: number;
  durationMs: number;
  /**
   * Close codes the server chose (`none`: it kept the socket open until the fuzz socket ended
   * it; `peer`: a wire case closed first with a code of its own, which the server echoed).
   */
  closeCodes: Record<string, number>;
  /** Codes of the server's disconnect events (1006 and 1000: the fuzz socket destroyed or closed it). */
  disconnectCodes: Record<string, number>;
  /** What the fuzz sockets received besides the probe (`response`, `error:CODE`, `push`, ...). */
  answers: Record<string, number>;
  /** Frame kinds sent, by generator label. */
  frames: Record<string, number>;
  handlerCalls: number;
  failureCount: number;
  failuresByKind: Record<string, number>;
  /** Up to three examples of each failure kind. */
  failures: FuzzFailure[];
  /** heapUsed after a full GC, in bytes: before the first case, at the end, the largest, and every sample. */
  memory: { startBytes: number; endBytes: number; maxBytes: number; samples: Array<[caseIndex: number, bytes: number]> };
  /** Server log entries by level and message. */
  logs: Record<string, number>;
}

/** What one case contributes to the tally. */
export interface CaseRecord {
  answers: readonly string[];
  /** The close code the server chose, if it closed the socket (`peer`: it echoed the peer's). */
  closed: number | 'peer' | undefined;
  /** The code of its disconnect event (none for an upgrade it refused; `peer`: the peer's own code). */
  reported: number | 'peer' | undefined;
  calls: number;
  findings: readonly Finding[];
  dump: () => string;
}

function bump(histogram: Record<string, number>, key: string): void {
  histogram[key] = (histogram[key] ?? 0) + 1;
}

/** Counts a run as it goes. */
export class FuzzTally {
  cases = 0;
  readonly #started = Date.now();
  readonly #closeCodes: Record<string, number> = {};
  readonly #disconnectCodes: Record<string, number> = {};
  readonly #answers: Record<string, number> = {};
  readonly #frames: Record<string, number> = {};
  readonly #failuresByKind: Record<string, number> = {};
  readonly #failures: FuzzFailure[] = [];
  readonly #samples: Array<[number, number]> = [];
  #handlerCalls = 0;

  constructor(readonly seed: number, readonly encryption: boolean) {}

  record(c: FuzzCase, record: CaseRecord): void {
    this.cases += 1;
    this.#handlerCalls += record.calls;
    bump(this.#closeCodes, record.closed === undefined ? 'none' : String(record.closed));
    bump(this.#disconnectCodes, record.reported === undefined ? 'no connection' : String(record.reported));
    for (const answer of record.answers) bump(this.#answers, answer);
    for (const label of c.labels) bump(this.#frames, label);
    for (const finding of record.findings) this.#add(c.index, finding, record.dump);
  }

  /** A failure outside any single case's checks (a leak found at a sample). */
  fail(index: number, kind: string, detail: string): void {
    this.#add(index, { kind, detail }, () => `seed ${this.seed}, after case ${index}`);
  }

  #add(index: number, finding: Finding, dump: () => string): void {
    bump(this.#failuresByKind, finding.kind);
    if (this.#failuresByKind[finding.kind]! <= EXAMPLES_PER_KIND) this.#failures.push({ ...finding, seed: this.seed, index, dump: dump() });
  }

  sampleHeap(index: number, bytes: number): void {
    this.#samples.push([index, bytes]);
  }

  summary(logs: LogCapture): FuzzSummary {
    const bytes = this.#samples.map(([, used]) => used);
    return {
      seed: this.seed,
      encryption: this.encryption,
      cases: this.cases,
      durationMs: Date.now() - this.#started,
      closeCodes: this.#closeCodes,
      disconnectCodes: this.#disconnectCodes,
      answers: this.#answers,
      frames: this.#frames,
      handlerCalls: this.#handlerCalls,
      failureCount: Object.values(this.#failuresByKind).reduce((sum, n) => sum + n, 0),
      failuresByKind: this.#failuresByKind,
      failures: this.#failures,
      memory: { startBytes: bytes[0] ?? 0, endBytes: bytes.at(-1) ?? 0, maxBytes: Math.max(0, ...bytes), samples: this.#samples },
      logs: Object.fromEntries(logs.counts),
    };
  }
}
