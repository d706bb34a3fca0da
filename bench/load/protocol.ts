/** The IPC messages between the runner and the load generator (one request, one reply). */
import type { HistogramData } from '../lib/histogram.js';

/** What the runner asks the generator to do. `serverPid` lets it read the server's CPU time at the exact window edges. */
export type Command =
  | { cmd: 'connect'; count: number; concurrency: number; listen: boolean; serverPid: number }
  | { cmd: 'loop-start'; inFlight: number }
  | { cmd: 'measure'; serverPid: number }
  | { cmd: 'loop-stop' }
  | { cmd: 'fanout'; seq: number; serverPid: number; timeoutMs: number }
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
  serverCpuUs: number;
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
}

/** A command as sent, with its correlation id. */
export interface Request {
  id: number;
  command: Command;
}

/** The generator's answer to one request. */
export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
