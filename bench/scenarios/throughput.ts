/**
 * Closed-loop round trips: C connections with W echo calls in flight each, a warm-up, then
 * a measured window. Unloaded (1 x 1) gives latency; saturated (64 x 16) gives throughput
 * and the server's CPU cost per round trip, which stays valid when the generator is the
 * bottleneck.
 */
import type { GeneratorHandle } from '../load/generator-handle.js';
import { Histogram } from '../lib/histogram.js';
import type { RunningServer } from '../servers/start-server.js';
import { sleep } from './session.js';

/** The shape of one closed-loop run. */
export interface LoadShape {
  connections: number;
  inFlight: number;
  warmupMs: number;
  windowMs: number;
}

/** Figures of one run. */
export interface ThroughputFigures {
  roundTripsPerSec: number;
  p50Us: number;
  p99Us: number;
  p90Us: number;
  p999Us: number;
  maxUs: number;
  serverCpuUsPerRoundTrip: number;
  /** The started process's share of it (the primary's, under `--workers N`; all of it otherwise). */
  primaryCpuUsPerRoundTrip: number;
  /** Processes the server ran as (1, or 1 + N workers). */
  serverProcesses: number;
  /** Server CPU use in the window, in % of one core. */
  serverCpuPct: number;
  /** Generator CPU use in the window: near 100% means the generator, not the server, set the pace. */
  generatorCpuPct: number;
  /** Server system calls per round trip: fewer means writes were batched (writev) more. */
  serverReadsPerRoundTrip: number;
  serverWritesPerRoundTrip: number;
  errors: number;
}

/** Runs one closed-loop load against `server` and closes the connections afterwards. */
export async function runClosedLoop(server: RunningServer, generator: GeneratorHandle, shape: LoadShape): Promise<ThroughputFigures> {
  const connected = await generator.send({ cmd: 'connect', count: shape.connections, concurrency: 16, listen: false, serverPids: [server.pid] });
  if (connected.connected !== shape.connections) throw new Error(`${server.name}: only ${connected.connected} of ${shape.connections} connections opened`);
  await generator.send({ cmd: 'loop-start', inFlight: shape.inFlight });
  await sleep(shape.warmupMs);
  await generator.send({ cmd: 'measure', serverPids: [server.pid] });
  await sleep(shape.windowMs);
  const result = await generator.send({ cmd: 'loop-stop' });
  await generator.send({ cmd: 'close-all' });
  const latency = Histogram.from(result.latency);
  return {
    roundTripsPerSec: (result.count * 1000) / result.elapsedMs,
    p50Us: latency.percentileNs(0.5) / 1e3,
    p99Us: latency.percentileNs(0.99) / 1e3,
    p90Us: latency.percentileNs(0.9) / 1e3,
    p999Us: latency.percentileNs(0.999) / 1e3,
    maxUs: latency.maxNs / 1e3,
    serverCpuUsPerRoundTrip: result.serverCpuUs / result.count,
    primaryCpuUsPerRoundTrip: result.rootCpuUs / result.count,
    serverProcesses: result.serverProcesses,
    serverCpuPct: (result.serverCpuUs / 1e3 / result.elapsedMs) * 100,
    generatorCpuPct: (result.generatorCpuUs / 1e3 / result.elapsedMs) * 100,
    serverReadsPerRoundTrip: result.serverReads / result.count,
    serverWritesPerRoundTrip: result.serverWrites / result.count,
    errors: result.errors,
  };
}
