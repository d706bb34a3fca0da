/**
 * A watchdog on a worker thread for the fuzzer. The fuzz server runs in the fuzzer's own
 * process, so a server that deadlocks its thread (not merely slow: blocked in native code)
 * stops every timer with it, deadlines and test timeouts included, and the run would hang
 * forever. The worker's own clock still runs: when the main thread has not beaten for
 * `limitMs`, it says so on stderr and kills the process, so the run fails instead.
 */
import { Worker } from 'node:worker_threads';

const BEAT_MS = 200;

// Plain JavaScript: an eval'd worker does not go through the TypeScript loader.
const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const beat = new Float64Array(workerData.beat);
setInterval(() => {
  const stalled = Date.now() - beat[0];
  if (stalled < workerData.limitMs) return;
  writeSync(2, '\\n' + workerData.message + ' (no progress for ' + stalled + ' ms): killing the process\\n');
  for (const pid of workerData.children) {
    try { process.kill(pid, 'SIGKILL'); } catch {}
  }
  process.kill(process.pid, 'SIGKILL');
}, 500);
`;

/**
 * Starts watching; call the returned function to stop. `children`: processes to kill too,
 * since no exit handler runs in a process killed this way.
 */
export function startStallWatchdog(limitMs: number, message: string, children: readonly number[] = []): () => void {
  const beat = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT));
  beat[0] = Date.now();
  const timer = setInterval(() => (beat[0] = Date.now()), BEAT_MS);
  timer.unref();
  const worker = new Worker(WATCHDOG_SOURCE, { eval: true, workerData: { beat: beat.buffer, limitMs, message, children } });
  worker.unref();
  return () => {
    clearInterval(timer);
    void worker.terminate();
  };
}
