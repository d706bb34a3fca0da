/** Awaiting things with a deadline: no test waits forever. */
import { once, type EventEmitter } from 'node:events';

/** Default deadline of every wait in the suite. */
export const WAIT_MS = 5000;

/** The arguments of the next `event` on `emitter`; rejects after `timeoutMs`. */
export function nextEvent<T extends unknown[] = unknown[]>(emitter: EventEmitter, event: string, timeoutMs = WAIT_MS): Promise<T> {
  return once(emitter, event, { signal: AbortSignal.timeout(timeoutMs) }) as Promise<T>;
}

/** Resolves when `predicate()` is true, polling every few ms; rejects after `timeoutMs`. */
export async function waitUntil(predicate: () => boolean, timeoutMs = WAIT_MS, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Rejects with a timeout error if `promise` has not settled within `timeoutMs`. */
export function within<T>(promise: Promise<T>, timeoutMs = WAIT_MS, what = 'promise'): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
