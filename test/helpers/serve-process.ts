/**
 * `dropsocket serve` as a child process (the compiled CLI: run `npm run build` first), for
 * e2e tests of scale-out: start, read the listening line, signal, await the exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { within } from './wait-for.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LISTENING = /^listening on ws:\/\/[^\s:]+:(\d+)$/m;
/** Deadline for a serve process to start or to exit. */
export const PROCESS_MS = 10_000;

/** A running `serve`. */
export interface ServeProcess {
  readonly child: ChildProcess;
  readonly port: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with how it ended, within {@link PROCESS_MS}. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Starts `dropsocket serve ...args` with only the given SOCKET_* settings. */
export async function startServe(args: string[], settings: Record<string, string>): Promise<ServeProcess> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined && !name.startsWith('SOCKET_')) env[name] = value;
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'dropsocket.js'), 'serve', ...args], { cwd: ROOT, env: { ...env, SOCKET_PORT: '0', SOCKET_LOG_LEVEL: 'warn', ...settings }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const found = LISTENING.exec(stdout);
      if (found !== null) resolve(Number(found[1]));
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening: ${stderr.slice(-800)}`)));
  });
  const exited = async (): Promise<{ code: number | null; signal: NodeJS.Signals | null }> => {
    if (child.exitCode === null && child.signalCode === null) await within(once(child, 'exit'), PROCESS_MS, 'serve to exit');
    return { code: child.exitCode, signal: child.signalCode };
  };
  const port = await within(listening, PROCESS_MS, 'the listening line');
  return { child, port, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Kills every serve process still running (afterEach). */
export async function killAllServe(): Promise<void> {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await within(exited, PROCESS_MS, 'serve to die');
    }
  }
  running.clear();
}
