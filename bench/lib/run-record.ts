/**
 * What every benchmark entry (bench/run.ts, bench/scale-out.ts) records around its figures:
 * the commit measured, how busy the shared machine was before each session, and the JSON
 * results file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { backgroundBusyPct } from './proc-stat.js';

/** Machine load is sampled for this long before each session; above the limit, a warning. */
const BACKGROUND_SAMPLE_MS = 300;
export const BUSY_WARNING_PCT = 15;

/** The commit measured, with `+dirty` when src/ has uncommitted changes (figures go with code). */
export function sourceVersion(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'config'], { encoding: 'utf8' }).trim() !== '';
    return dirty ? `${commit}+dirty` : commit;
  } catch {
    return 'unknown';
  }
}

/**
 * Samples the machine's load from others; with a wait budget, retries until it is low.
 * Returns the last sample (% of one CPU) and warns on stderr when it is still high.
 */
export async function quietEnough(waitMs: number): Promise<number> {
  const deadline = performance.now() + waitMs;
  let busy = await backgroundBusyPct(BACKGROUND_SAMPLE_MS);
  while (busy > BUSY_WARNING_PCT && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    busy = await backgroundBusyPct(BACKGROUND_SAMPLE_MS);
  }
  if (busy > BUSY_WARNING_PCT) process.stderr.write(`warning: other processes use ${busy.toFixed(0)}% of a CPU; figures will be skewed\n`);
  return busy;
}

/** "median M, max X" of the background load samples of a run's sessions. */
export function describeLoad(samples: readonly number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `background load before sessions (% of one CPU): median ${sorted[Math.floor(sorted.length / 2)] ?? 0}, max ${sorted.at(-1) ?? 0}`;
}

/** Writes `json` to bench/results/<prefix>-<date>.json and <prefix === 'bench' ? 'latest' : prefix-latest>.json. */
export function writeResults(prefix: string, json: { date: string } & Record<string, unknown>): void {
  const dir = new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(json, null, 2)}\n`;
  writeFileSync(new URL(`${prefix}-${json.date.replace(/[:.]/g, '-')}.json`, dir), text);
  writeFileSync(new URL(prefix === 'bench' ? 'latest.json' : `${prefix}-latest.json`, dir), text);
}
