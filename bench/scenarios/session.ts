/**
 * One server process (CPU 0) and one load generator (CPU 1) for the length of a scenario
 * run, or both unpinned; both are stopped afterwards whatever happened.
 */
import { GeneratorHandle } from '../load/generator-handle.js';
import { startServer, type RunningServer, type ServerName } from '../servers/start-server.js';

/** CPUs the two processes are pinned to (when taskset works). */
export const SERVER_CPU = 0;
export const GENERATOR_CPU = 1;

/** Settings shared by every session of one benchmark run. */
export interface SessionOptions {
  authKey: string;
  cpuProfileDir?: string;
  gcOnSignal?: boolean;
  /**
   * Diagnostic: drive plaintext dropsocket with the raw ws client (it speaks the same
   * plaintext envelope and auth), to split server cost from SocketClient cost.
   */
  rawClient?: boolean;
  /** Extra SOCKET_* settings for the dropsocket servers. */
  settings?: Record<string, string>;
  /** Pin server and generator to their CPUs (the default); false leaves both to the scheduler. */
  pinned?: boolean;
}

/** Runs `body` against a fresh server and generator, then stops both. */
export async function withSession<T>(name: ServerName, options: SessionOptions, body: (server: RunningServer, generator: GeneratorHandle) => Promise<T>): Promise<T> {
  const pinned = options.pinned !== false;
  const server = await startServer(name, { authKey: options.authKey, cpu: pinned ? SERVER_CPU : undefined, gcOnSignal: options.gcOnSignal, cpuProfileDir: options.cpuProfileDir, settings: options.settings });
  let generator: GeneratorHandle | undefined;
  try {
    const rawClient = options.rawClient === true && name === 'dropsocket';
    generator = await GeneratorHandle.start(rawClient ? { ...server.target, protocol: 'raw-ws' } : server.target, pinned ? GENERATOR_CPU : undefined);
    return await body(server, generator);
  } finally {
    // The generator first: its sockets die with it, so the server has nothing left to close.
    await generator?.stop();
    await server.stop();
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
