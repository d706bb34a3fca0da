/** The baselines' auth check: the shared key from BENCH_AUTH_KEY, compared in constant time. */
import { timingSafeEqual } from 'node:crypto';

const key = Buffer.from(process.env.BENCH_AUTH_KEY ?? '', 'utf8');
if (key.length === 0) throw new Error('BENCH_AUTH_KEY is not set');

/** Whether `candidate` is the benchmark key. */
export function keyMatches(candidate: unknown): boolean {
  if (typeof candidate !== 'string') return false;
  const bytes = Buffer.from(candidate, 'utf8');
  return bytes.length === key.length && timingSafeEqual(bytes, key);
}

/** The port from PORT; throws when it is missing. */
export function portFromEnv(): number {
  const port = Number.parseInt(process.env.PORT ?? '', 10);
  if (!(port > 0)) throw new Error('PORT is not set');
  return port;
}
