/**
 * Opens connections `concurrency` at a time until `count` have completed connect +
 * handshake + auth (each worker starts the next as soon as its last one is done).
 */
import { Histogram } from '../lib/histogram.js';
import type { Peer } from './peers/index.js';

/** What a batch of connects produced. */
export interface ConnectBatch {
  peers: Peer[];
  errors: number;
  elapsedMs: number;
  latency: Histogram;
  firstError: string | undefined;
}

/** A connect that has not completed by then counts as an error, so a batch cannot hang. */
const CONNECT_TIMEOUT_MS = 30_000;

function withTimeout(connecting: Promise<Peer>): Promise<Peer> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
  });
  return Promise.race([connecting, timeout]).finally(() => clearTimeout(timer));
}

/** Connects `count` peers with `connect`, at most `concurrency` at once. */
export async function connectMany(connect: () => Promise<Peer>, count: number, concurrency: number): Promise<ConnectBatch> {
  const batch: ConnectBatch = { peers: [], errors: 0, elapsedMs: 0, latency: new Histogram(), firstError: undefined };
  let started = 0;
  const began = performance.now();
  const worker = async (): Promise<void> => {
    while (started < count) {
      started += 1;
      const t0 = performance.now();
      try {
        batch.peers.push(await withTimeout(connect()));
        batch.latency.record((performance.now() - t0) * 1e6);
      } catch (error) {
        batch.errors += 1;
        batch.firstError ??= (error as Error).message ?? String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  batch.elapsedMs = performance.now() - began;
  return batch;
}
