/**
 * `serve --workers N`: the cluster primary. It forks the workers (they share the port
 * through node:cluster), prints the listening line once all of them listen, restarts a
 * crashed worker with a backoff, relays cross-worker messages (the {@link ClusterHub}),
 * adds up the workers' metrics when one of them is scraped (the {@link ClusterMetricsHub}),
 * and on SIGINT/SIGTERM drains every worker and exits 0. It serves no connection itself.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../logger.js';
import { ClusterMetricsHub, type MetricsPeer } from '../metrics/cluster-metrics-hub.js';
import { ClusterHub, type HubPeer } from '../scale/cluster-hub.js';
import { WORKER_ENV, isClusterMessage, type WorkerMessage } from '../scale/cluster-protocol.js';
import type { CliIo } from './main.js';
import { nextRestart, type CrashStreak } from './restart-backoff.js';

/** After the drain deadline of the workers themselves, the primary waits this much more. */
const DRAIN_MARGIN_MS = 5000;

/** What the supervisor needs. */
export interface SupervisorOptions {
  workers: number;
  /** The line printed once every worker listens, for the port they share. */
  listeningLine(port: number): string;
  /** The workers' graceful-shutdown deadline; past it (plus a margin) they are killed. */
  shutdownTimeout: number;
  /** Log entries the primary keeps for recovery (0 with recovery off). */
  historyLength: number;
  logger: Logger;
  io: CliIo;
}

interface Slot {
  worker: Worker | undefined;
  startedAt: number;
  listening: boolean;
  streak: CrashStreak;
  restartTimer: ReturnType<typeof setTimeout> | undefined;
}

/** Runs the primary until it is stopped; resolves with the exit code. */
export function runSupervisor(options: SupervisorOptions): Promise<number> {
  const { io, logger } = options;
  const hub = new ClusterHub(options.historyLength);
  // Idle unless a worker with metrics on is scraped.
  const metrics = new ClusterMetricsHub();
  const slots: Slot[] = Array.from({ length: options.workers }, () => ({ worker: undefined, startedAt: 0, listening: false, streak: { count: 0 }, restartTimer: undefined }));
  const slotOf = (worker: Worker): Slot | undefined => slots.find((slot) => slot.worker === worker);
  let phase: 'starting' | 'running' | 'draining' = 'starting';
  let exitCode = 0;
  let finish: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const fork = (slot: Slot): void => {
    slot.restartTimer = undefined;
    const worker = cluster.fork({ [WORKER_ENV]: '1' });
    Object.assign(slot, { worker, startedAt: performance.now(), listening: false });
    hub.add(peerOf(worker));
  };

  const drain = (code: number): void => {
    if (phase === 'draining') return;
    phase = 'draining';
    exitCode = code;
    for (const slot of slots) clearTimeout(slot.restartTimer);
    // SIGTERM, not a message: a worker still starting has no listener yet, and then simply ends.
    for (const worker of liveWorkers(slots)) worker.process.kill('SIGTERM');
    setTimeout(() => {
      for (const worker of liveWorkers(slots)) worker.process.kill('SIGKILL');
    }, options.shutdownTimeout + DRAIN_MARGIN_MS).unref();
    if (liveWorkers(slots).length === 0) finish(exitCode);
  };

  const onMessage = (worker: Worker, message: unknown): void => {
    if (!isClusterMessage<WorkerMessage>(message)) return;
    const slot = slotOf(worker);
    const peer = peerOf(worker);
    if (metrics.receive(peer, message)) return;
    if (message.ds !== 'listening') return void hub.receive(peer, message);
    if (slot === undefined) return;
    slot.listening = true;
    metrics.add(peer);
    if (phase === 'starting' && slots.every((each) => each.listening)) {
      phase = 'running';
      io.stdout.write(`${options.listeningLine(message.port)}\n`);
    }
  };

  const onExit = (worker: Worker, code: number | null, signal: string | null): void => {
    hub.remove(worker.id);
    metrics.remove(worker.id);
    const slot = slotOf(worker);
    if (slot !== undefined) slot.worker = undefined;
    if (phase === 'draining') {
      if (liveWorkers(slots).length === 0) finish(exitCode);
      return;
    }
    if (slot === undefined) return;
    if (phase === 'starting' && !slot.listening) {
      // As with one process, a server that cannot start is a startup error, not a crash loop.
      io.stderr.write(`a worker exited (code ${code}, signal ${signal}) before it listened: not starting\n`);
      return drain(1);
    }
    const restart = nextRestart(slot.streak, performance.now() - slot.startedAt);
    slot.streak = restart.streak;
    logger.warn('worker exited; restarting it', { code, signal, delayMs: restart.delayMs });
    slot.restartTimer = setTimeout(() => fork(slot), restart.delayMs);
  };

  cluster.on('message', onMessage);
  cluster.on('exit', onExit);
  void io.stopSignal().then((signal) => {
    io.stderr.write(`${signal}: draining ${liveWorkers(slots).length} worker(s)\n`);
    drain(0);
  });
  for (const slot of slots) fork(slot);
  return finished.finally(() => {
    metrics.close();
    cluster.off('message', onMessage);
    cluster.off('exit', onExit);
  });
}

function liveWorkers(slots: readonly Slot[]): Worker[] {
  return slots.flatMap((slot) => (slot.worker !== undefined && !slot.worker.isDead() ? [slot.worker] : []));
}

function peerOf(worker: Worker): HubPeer & MetricsPeer {
  return {
    id: worker.id,
    // A worker that is going away may have closed its channel: what it misses, it no longer needs.
    send: (message) => {
      if (!worker.isConnected()) return false;
      worker.send(message, undefined, undefined, () => {});
      return true;
    },
  };
}
