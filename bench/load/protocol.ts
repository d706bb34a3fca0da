/** The IPC messages between the runner and the load generator (one request, one reply). */
import type { HistogramData } from '../lib/histogram.js';

/**
 * What the runner asks the generator to do. `serverPids` lets it read the servers' CPU time
 * (each with its descendants: cluster workers) at the exact window edges; `node` picks which
 * of the generator's targets a connect goes to (the first by default).
 */
export type Command =
  | { cmd: 'connect'; count: number; concurrency: number; listen: boolean; serverPids: readonly number[]; node?: number }
  | { cmd: 'loop-start'; inFlight: number }
  | { cmd: 'measure'; serverPids: number[] }
  | { cmd: 'loop-stop' }
  | { cmd: 'fanout'; seq: number; serverPids: readonly number[]; brokerPid?: number; timeoutMs: number }
  | { cmd: 'close-all' };

/** Result of `connect`: connect + handshake + auth of `count` more peers. */
export interface ConnectResult {
  connected: number;
  errors: number;
  elapsedMs: number;
  latency: HistogramData;
  serverCpuUs: number;
  /** The generator's own CPU time over the same span: near 100% of the span means it was the bottleneck. */
  generatorCpuUs: number;
  /** Peers now held in total. */
  held: number;
  generatorRssKib: number;
}

/** Result of `loop-stop`: the measured window of the closed loop. */
export interface LoopResult {
  count: number;
  errors: number;
  elapsedMs: number;
  latency: HistogramData;
  /** Summed over the server processes (a cluster primary and its workers). */
  serverCpuUs: number;
  /** The started process's own share: the primary's, under `--workers N`. */
  rootCpuUs: number;
  /** How many processes the server was when the window closed (1 + its workers). */
  serverProcesses: number;
  generatorCpuUs: number;
  /** Read- and write-type system calls the server made in the window. */
  serverReads: number;
  serverWrites: number;
}

/** Result of `fanout`: one broadcast, trigger to the last listening peer's receipt. */
export interface FanoutResult {
  expected: number;
  received: number;
  lastMs: number;
  medianMs: number;
  serverCpuUs: number;
  /** The broker's (redis-server's) CPU time over the same span; 0 without one. */
  brokerCpuUs: number;
  generatorCpuUs: number;
}

/** A command as sent, with its correlation id. */
export interface Request {
  id: number;
  command: Command;
}

/** The generator's answer to one request. */
export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
