/**
 * Child processes of the benchmark: spawned pinned to a CPU where taskset works, tracked,
 * and killed whatever way the run ends (normal exit, an error, Ctrl-C, SIGTERM).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The repository root: every child runs there, so `bin/` and `bench/` paths resolve. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Kills and forgets every child, once, at the end: `exit` also runs after an uncaught error. */
const live = new Set<ChildProcess>();
let guarded = false;
let pinning: boolean | undefined;

/** Whether children can be pinned: two or more CPUs and a working `taskset`. */
export function canPin(): boolean {
  pinning ??= availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  return pinning;
}

/** Sends SIGKILL to every child still running. Synchronous, so it works inside `exit`. */
export function killAll(): void {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  live.clear();
}

function guard(): void {
  if (guarded) return;
  guarded = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\n${signal}: stopping the benchmark and its processes\n`);
      killAll();
      process.exit(130);
    });
  }
}

/** How to start one child. */
export interface ChildOptions {
  /** Shown in errors. */
  name: string;
  /** Arguments to `node`, script included. */
  nodeArgs: string[];
  env: NodeJS.ProcessEnv;
  /** CPU to pin to, when pinning works; unpinned without one. */
  cpu?: number | undefined;
  /** Open an IPC channel (the load generator). */
  ipc?: boolean;
}

/** A running child and the tail of its stderr (for error messages). */
export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  readonly pid: number;
  stderrTail(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
}

/** Starts a node process; stdout is piped (for the ready line), stderr kept as a short tail. */
export function spawnNode(options: ChildOptions): Child {
  const { nodeArgs, ...rest } = options;
  return spawnChild({ ...rest, command: process.execPath, args: nodeArgs });
}

/** Starts any program (redis-server, say) like {@link spawnNode}: pinned, tracked, killed at the end. */
export function spawnChild(options: Omit<ChildOptions, 'nodeArgs'> & { command: string; args: string[] }): Child {
  guard();
  const pin = options.cpu !== undefined && canPin();
  // taskset execs the program in place, so the pid is the program's own: /proc/<pid> describes it.
  const command = pin ? 'taskset' : options.command;
  const args = pin ? ['-c', String(options.cpu), options.command, ...options.args] : options.args;
  const stdio = options.ipc === true ? (['ignore', 'pipe', 'pipe', 'ipc'] as const) : (['ignore', 'pipe', 'pipe'] as const);
  const child = spawn(command, args, { cwd: ROOT, env: options.env, stdio: [...stdio] });
  if (child.pid === undefined) throw new Error(`Could not start ${options.name}`);
  live.add(child);
  let tail = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    tail = (tail + text).slice(-4000);
    if (process.env.BENCH_VERBOSE === '1') process.stderr.write(`[${options.name}] ${text}`);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  return { name: options.name, process: child, pid: child.pid, stderrTail: () => tail, exited };
}

/** Resolves when the child prints a line matching `pattern`; rejects if it exits or times out first. */
export function waitForLine(child: Child, pattern: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const stdout = child.process.stdout!.setEncoding('utf8');
    const fail = (why: string): void => {
      cleanup();
      reject(new Error(`${child.name} ${why}\n${child.stderrTail()}`));
    };
    const onData = (text: string): void => {
      buffered += text;
      const line = buffered.split('\n').find((candidate) => pattern.test(candidate));
      if (line === undefined) return;
      cleanup();
      resolve(line);
    };
    const onExit = (code: number | null, signal: string | null): void => fail(`exited (${code ?? signal}) before it was ready`);
    const timer = setTimeout(() => fail(`printed no ${pattern} within ${timeoutMs} ms`), timeoutMs);
    function cleanup(): void {
      clearTimeout(timer);
      stdout.off('data', onData);
      child.process.off('exit', onExit);
      // Keep draining stdout so a chatty child never blocks on a full pipe.
      stdout.resume();
    }
    stdout.on('data', onData);
    child.process.once('exit', onExit);
  });
}

/** Stops a child with `signal`, then SIGKILL if it has not exited after `graceMs`. */
export async function stopChild(child: Child, signal: NodeJS.Signals = 'SIGKILL', graceMs = 3000): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill(signal);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** The parent's environment without dropsocket settings, so no stray SOCKET_* reaches a child. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('SOCKET_') && !name.startsWith('NODE_OPTIONS')) env[name] = value;
  return { ...env, ...extra };
}
