/** The real CLI as subprocesses (`node bin/dropsocket.js ...`), for e2e tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { within } from './wait-for.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'dropsocket.js');
const LISTENING = /^listening on (wss?):\/\/(\[[^\]\s]+\]|[^\s:]+):(\d+)$/m;
/** Deadline of one CLI process; startup through tsx takes well under a second. */
export const PROCESS_MS = 8000;

export type Env = Record<string, string>;

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningServe {
  scheme: string;
  child: ChildProcess;
  host: string;
  port: number;
  stdout(): string;
  stderr(): string;
}

/** Every child spawned; tests kill the ones still running after each test. */
export const children = new Set<ChildProcess>();

/** process.env without any SOCKET_* setting, plus the test's settings. */
export function cliEnv(settings: Env = {}): Env {
  const env: Env = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !name.startsWith('SOCKET_')) env[name] = value;
  return { ...env, SOCKET_PORT: '0', SOCKET_LOG_LEVEL: 'warn', ...settings };
}

export function spawnCli(args: string[], settings: Env = {}, cwd = ROOT): { child: ChildProcess; stdout(): string; stderr(): string } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cliEnv(settings), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

/** Resolves when `child` has exited (at once if it already has), within the deadline. */
export async function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode === null && child.signalCode === null) await within(once(child, 'exit'), PROCESS_MS, 'the process to exit');
  return { code: child.exitCode, signal: child.signalCode };
}

/** Runs one CLI command to completion. */
export async function runCli(args: string[], settings: Env = {}, cwd = ROOT): Promise<Finished> {
  const run = spawnCli(args, settings, cwd);
  // 'close' (not 'exit') so that all of stdout and stderr has been read.
  const [code, signal] = (await within(once(run.child, 'close'), PROCESS_MS, `dropsocket ${args[0]} to finish`)) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout: run.stdout(), stderr: run.stderr() };
}

/** Starts `serve` and resolves once it printed its listening line. */
export async function startServe(settings: Env, cwd = ROOT, flags: string[] = []): Promise<RunningServe> {
  const run = spawnCli(['serve', ...flags], settings, cwd);
  const listening = new Promise<RegExpExecArray>((resolve, reject) => {
    const check = (): void => {
      const found = LISTENING.exec(run.stdout());
      if (found !== null) resolve(found);
    };
    run.child.stdout!.on('data', check);
    run.child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening: ${run.stderr()}`)));
  });
  const [, scheme, host, port] = await within(listening, PROCESS_MS, 'the listening line');
  return { ...run, scheme: scheme!, host: host!, port: Number(port) };
}
