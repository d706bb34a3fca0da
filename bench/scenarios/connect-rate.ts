/**
 * Connection rate: connect + handshake + auth, `concurrency` at a time (each finished
 * connect starts the next), for a fixed count after a warm-up batch. Connections stay
 * open, as in a reconnect storm, so closing costs are not part of the figure.
 */
import type { GeneratorHandle } from '../load/generator-handle.js';
import { Histogram } from '../lib/histogram.js';
import type { RunningServer } from '../servers/start-server.js';

/** The size of one connection-rate run. */
export interface ConnectShape {
  warmup: number;
  count: number;
  concurrency: number;
}

/** Figures of one run. */
export interface ConnectFigures {
  connectsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  serverCpuUsPerConnect: number;
  serverCpuPct: number;
  generatorCpuPct: number;
  errors: number;
}

/** Runs the warm-up batch, then the measured one. */
export async function runConnectRate(server: RunningServer, generator: GeneratorHandle, shape: ConnectShape): Promise<ConnectFigures> {
  const base = { cmd: 'connect', concurrency: shape.concurrency, listen: false, serverPids: [server.pid] } as const;
  await generator.send({ ...base, count: shape.warmup });
  const result = await generator.send({ ...base, count: shape.count });
  const latency = Histogram.from(result.latency);
  return {
    connectsPerSec: (result.connected * 1000) / result.elapsedMs,
    p50Ms: latency.percentileNs(0.5) / 1e6,
    p99Ms: latency.percentileNs(0.99) / 1e6,
    serverCpuUsPerConnect: result.serverCpuUs / Math.max(1, result.connected),
    serverCpuPct: (result.serverCpuUs / 1e3 / result.elapsedMs) * 100,
    generatorCpuPct: (result.generatorCpuUs / 1e3 / result.elapsedMs) * 100,
    errors: result.errors,
  };
}
