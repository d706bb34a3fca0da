/** The runner's side of the load generator: start it (pinned to CPU 1 in the main suite), send it commands. */
import { cleanEnv, spawnNode, stopChild, waitForLine, type Child } from '../lib/child.js';
import type { Target } from '../servers/start-server.js';
import type { Command, ConnectResult, FanoutResult, LoopResult, Reply } from './protocol.js';

type ResultOf<C extends Command['cmd']> = C extends 'connect'
  ? ConnectResult
  : C extends 'loop-stop'
    ? LoopResult
    : C extends 'fanout'
      ? FanoutResult
      : unknown;

/** How long a command may take before the run is declared stalled: generous, but bounded. */
function timeoutFor(command: Command): number {
  switch (command.cmd) {
    case 'connect':
      // 5k encrypted connects take ~5 s on a quiet machine, 5k TLS 1.3 connects (raw-wss) ~15 s;
      // allow 30 ms each, for a busy shared machine.
      return 20_000 + 30 * command.count;
    case 'fanout':
      return command.timeoutMs + 60_000;
    default:
      return 30_000;
  }
}

/** A running load generator. */
export class GeneratorHandle {
  readonly #child: Child;
  readonly #waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #nextId = 1;

  private constructor(child: Child) {
    this.#child = child;
    child.process.on('message', (reply: Reply) => {
      const waiter = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      if (reply.ok) waiter?.resolve(reply.result);
      else waiter?.reject(new Error(`load generator: ${reply.error}`));
    });
    void child.exited.then(() => {
      for (const waiter of this.#waiting.values()) waiter.reject(new Error(`load generator exited\n${child.stderrTail()}`));
      this.#waiting.clear();
    });
  }

  /**
   * Starts a generator for `targets` (a connect names its target by index; the first by
   * default) on `cpu`, unpinned without one; `heapMb` raises its old-space limit (10k peers).
   */
  static async start(targets: Target | Target[], cpu: number | undefined, heapMb = 2048): Promise<GeneratorHandle> {
    const list = Array.isArray(targets) ? targets : [targets];
    const child = spawnNode({
      name: `load generator (${list[0]?.protocol})`,
      nodeArgs: [`--max-old-space-size=${heapMb}`, '--import', './bench/lib/child-preload.mjs', '--import', 'tsx', 'bench/load/generator.ts'],
      env: cleanEnv({ BENCH_TARGETS: JSON.stringify(list) }),
      cpu,
      ipc: true,
    });
    try {
      await waitForLine(child, /^generator ready/, 20_000);
    } catch (error) {
      await stopChild(child);
      throw error;
    }
    return new GeneratorHandle(child);
  }

  /** Sends one command and resolves with its result; rejects after `timeoutMs` so no run hangs. */
  send<C extends Command>(command: C, timeoutMs = timeoutFor(command)): Promise<ResultOf<C['cmd']>> {
    const id = this.#nextId++;
    if (process.env.BENCH_VERBOSE === '1') process.stderr.write(`-> ${JSON.stringify(command)}\n`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`load generator: no answer to ${command.cmd} within ${timeoutMs} ms\n${this.#child.stderrTail()}`));
      }, timeoutMs);
      this.#waiting.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          (resolve as (value: unknown) => void)(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#child.process.send({ id, command });
    });
  }

  /** Kills the generator (its sockets die with it). */
  stop(): Promise<void> {
    return stopChild(this.#child);
  }
}
