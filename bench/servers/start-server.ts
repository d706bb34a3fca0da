/**
 * The servers under test, each started as its own process on 127.0.0.1 with PORT from the
 * environment, pinned to a CPU (CPU 0 in the main suite). dropsocket runs through the real CLI (`bin/dropsocket.js
 * serve`) with the settings of issue #5; the baselines are bench/servers/*.ts.
 */
import { createServer } from 'node:net';
import { cleanEnv, spawnNode, stopChild, waitForLine, type Child } from '../lib/child.js';

/**
 * Every server the benchmark knows; `raw-ws` is the baseline of every ratio, `raw-wss` (the
 * same server over TLS 1.3) the second one: what a user would pick instead to encrypt.
 */
export const SERVER_NAMES = ['raw-ws', 'raw-wss', 'dropsocket', 'dropsocket-enc', 'socket.io'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

/** The protocol a load generator must speak to a server. */
export type Protocol = 'dropsocket' | 'raw-ws' | 'socket.io';

/** Where and how a load generator reaches a running server. */
export interface Target {
  protocol: Protocol;
  url: string;
  authKey: string;
  encryption: boolean;
}

/** Options for one server start. */
export interface StartOptions {
  authKey: string;
  /** CPU to pin the server to; unpinned without one (`--workers N` gets every core). */
  cpu?: number | undefined;
  /** Expose gc() on SIGUSR2 (memory scenario). */
  gcOnSignal?: boolean | undefined;
  /** Write a V8 CPU profile into a folder per server under this one, on graceful exit. */
  cpuProfileDir?: string | undefined;
  /** Extra SOCKET_* settings for a dropsocket server (SOCKET_METRICS=true, SOCKET_WORKERS=2, a SOCKET_ADAPTER). */
  settings?: Record<string, string> | undefined;
}

/** A server process that is listening. */
export interface RunningServer {
  readonly name: ServerName;
  readonly pid: number;
  readonly target: Target;
  /** The last characters the server wrote on stderr. */
  stderrTail(): string;
  /** Stops the server (gracefully when profiling, so the profile is written). */
  stop(): Promise<void>;
}

const PRELOAD = './bench/lib/child-preload.mjs';
const READY = /^listening on wss?:\/\//;
// A large SOCKET_MAX_IN_FLIGHT: the saturated scenario keeps 16 calls open per connection.
const MAX_IN_FLIGHT = '1000000';

/** Starts `name` on a free loopback port and resolves once it prints its ready line. */
export async function startServer(name: ServerName, options: StartOptions): Promise<RunningServer> {
  const port = await freePort();
  const flags = [...(options.gcOnSignal === true ? ['--expose-gc'] : []), '--import', PRELOAD];
  const dropsocket = name === 'dropsocket' || name === 'dropsocket-enc';
  const profile = options.cpuProfileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}/${name}`] : [];
  const encryption = name === 'dropsocket-enc';
  const nodeArgs = dropsocket
    ? [...profile, ...flags, 'bin/dropsocket.js', 'serve']
    : [...profile, ...flags, '--import', 'tsx', name === 'socket.io' ? 'bench/servers/socket-io.ts' : 'bench/servers/raw-ws.ts'];
  const env = cleanEnv({
    PORT: String(port),
    BENCH_AUTH_KEY: options.authKey,
    ...(name === 'raw-wss' && { BENCH_TLS: '1' }),
    ...(dropsocket && {
      SOCKET_HANDLER_DIR: 'bench/handlers',
      SOCKET_PORT: String(port),
      SOCKET_HOST: '127.0.0.1',
      SOCKET_LOG_LEVEL: 'warn',
      SOCKET_AUTH_KEY: options.authKey,
      SOCKET_ENCRYPTION: String(encryption),
      SOCKET_RATE_LIMIT: 'unlimited',
      SOCKET_MAX_CONNECTIONS: 'unlimited',
      SOCKET_MAX_IN_FLIGHT: MAX_IN_FLIGHT,
      ...options.settings,
    }),
  });
  const child = spawnNode({ name: `server ${name}`, nodeArgs, env, cpu: options.cpu });
  try {
    await waitForLine(child, READY, 20_000);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  const protocol: Protocol = dropsocket ? 'dropsocket' : name === 'raw-wss' ? 'raw-ws' : name;
  return {
    name,
    pid: child.pid,
    target: { protocol, url: `${name === 'raw-wss' ? 'wss' : 'ws'}://127.0.0.1:${port}`, authKey: options.authKey, encryption },
    stderrTail: () => child.stderrTail(),
    // A cluster primary is stopped gracefully too: it drains its workers and exits, so no
    // worker outlives its session and runs into the next one.
    stop: () => stop(child, profile.length > 0 || (options.settings?.SOCKET_WORKERS ?? '1') !== '1'),
  };
}

async function stop(child: Child, graceful: boolean): Promise<void> {
  // The profile is written only on a normal exit: on SIGINT `serve` closes and exits 0, the
  // baselines exit at once.
  await stopChild(child, graceful ? 'SIGINT' : 'SIGKILL', graceful ? 20_000 : 3000);
}

/** A port the kernel just handed out, released for the server to take. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
