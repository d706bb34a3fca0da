/**
 * When to restart a crashed worker. Pure. A worker that ran for a while is restarted at
 * once; one that crashes again soon after starting (a handler that throws at load, a port
 * taken) waits longer each time, so a broken deployment does not spin the CPU.
 */

/** A worker that lived this long counts as stable: its crash starts a fresh streak. */
export const STABLE_AFTER_MS = 10_000;
const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 10_000;

/** Crash history of one worker slot. */
export interface CrashStreak {
  /** Quick crashes in a row. */
  readonly count: number;
}

/** The delay before restarting a worker that lived `livedMs`, and the streak after it. */
export function nextRestart(streak: CrashStreak, livedMs: number): { delayMs: number; streak: CrashStreak } {
  if (livedMs >= STABLE_AFTER_MS) return { delayMs: 0, streak: { count: 0 } };
  const count = streak.count + 1;
  return { delayMs: Math.min(FIRST_DELAY_MS * 2 ** (count - 1), MAX_DELAY_MS), streak: { count } };
}
