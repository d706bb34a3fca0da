/**
 * A real redis-server (Debian's package) on a free loopback port, without persistence, for
 * the scale-out tests. Fails with a clear message when the binary is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { within } from './wait-for.js';

const READY = /Ready to accept connections/;
const START_MS = 5000;

/** A running redis-server that can be stopped and started again on the same port. */
export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  /** Stops it (SIGKILL: an outage, not a clean shutdown). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (no persistence): a new log epoch. */
  restart(): Promise<void>;
}

/** Starts redis-server on a free 127.0.0.1 port. */
export async function startRedis(): Promise<RedisProcess> {
  const port = await freePort();
  let child = await launch(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await kill(child);
    },
    async restart() {
      await kill(child);
      child = await launch(port);
    },
  };
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--loglevel', 'notice'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      if (READY.test(output)) resolve();
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new Error('redis-server is not installed: the scale-out tests need it (Debian: apt-get install redis-server)') : error);
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready: ${output.slice(-500)}`)));
  });
  try {
    await within(ready, START_MS, 'redis-server to start');
  } catch (error) {
    await kill(child);
    throw error;
  }
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await within(exited, START_MS, 'redis-server to stop');
}

/** A port that was free a moment ago (redis-server cannot bind port 0 and report it). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** A fresh redis-server for each test of a QUnit module (started before, killed after); call the result inside tests. */
export function useRedis(hooks: NestedHooks): () => RedisProcess {
  let redis: RedisProcess | undefined;
  hooks.beforeEach(async () => {
    redis = await startRedis();
  });
  hooks.afterEach(async () => {
    await redis?.stop();
    redis = undefined;
  });
  return () => {
    if (redis === undefined) throw new Error('useRedis: no redis-server outside a test');
    return redis;
  };
}
