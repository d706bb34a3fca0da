/**
 * A real redis-server for the scale-out benchmark, started the way the scale-out tests start
 * theirs (test/helpers/redis-server.ts): a free loopback port, no persistence. It runs as a
 * benchmark child, so it is pinned like the servers and killed whatever way the run ends.
 */
import { spawnSync } from 'node:child_process';
import { cleanEnv, spawnChild, stopChild, waitForLine } from '../lib/child.js';
import { freePort } from './start-server.js';

/** A redis-server that is ready for connections. */
export interface RunningRedis {
  readonly pid: number;
  /** The SOCKET_ADAPTER value for the nodes. */
  readonly url: string;
  stop(): Promise<void>;
}

const READY = /Ready to accept connections/;

/** Starts redis-server on a free 127.0.0.1 port, pinned to `cpu` when given. */
export async function startRedis(cpu?: number): Promise<RunningRedis> {
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server is not installed: the scale-out benchmark needs it (Debian: apt-get install redis-server)');
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--loglevel', 'notice'];
  const child = spawnChild({ name: 'redis-server', command: 'redis-server', args, env: cleanEnv({}), cpu });
  try {
    await waitForLine(child, READY, 10_000);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { pid: child.pid, url: `redis://127.0.0.1:${port}`, stop: () => stopChild(child) };
}
