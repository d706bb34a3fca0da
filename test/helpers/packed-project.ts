/**
 * dropsocket as a user gets it: `npm pack` of this repository, installed into fresh
 * projects outside it. Nothing here imports the sources; everything runs as a subprocess.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { within } from './wait-for.js';

const run = promisify(execFile);

/** Deadline of one npm install from the local cache. */
const INSTALL_MS = 180_000;

/** The environment of a user's shell: no SOCKET_* settings, no npm lifecycle variables of ours. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(SOCKET_|npm_|NODE_OPTIONS$|INIT_CWD$)/.test(name)) env[name] = value;
  }
  return { ...env, ...extra };
}

/** The packed tarball and what it holds. */
export interface Tarball {
  path: string;
  files: string[];
}

/** Packs the repository at `root` into `dir` (prepack builds dist/ first). */
export async function packTarball(root: string, dir: string): Promise<Tarball> {
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, env: userEnv(), timeout: INSTALL_MS, maxBuffer: 16 * 1024 * 1024 });
  // prepack's own output (the build) comes before the JSON on stdout.
  const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { path: join(dir, info!.filename), files: info!.files.map((file) => file.path) };
}

/** A fresh project folder with a package.json, the tarball and `extra` packages installed. */
export async function createProject(parent: string, name: string, manifest: Record<string, unknown>, tarball: string, extra: string[] = []): Promise<string> {
  const dir = join(parent, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name, version: '1.0.0', private: true, ...manifest }, null, 2)}\n`);
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, ...extra], { cwd: dir, env: userEnv(), timeout: INSTALL_MS });
  return dir;
}

/** A temporary folder for the packed projects. */
export function tempParent(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'dropsocket-package-'));
}

/** Writes `files` (path -> text) under `dir`. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

/** What a finished subprocess printed. */
export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion within `timeoutMs`; never rejects on a non-zero exit. */
export async function runCommand(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Outcome> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  try {
    const [code] = (await within(once(child, 'close'), options.timeoutMs ?? 30_000, `${command} ${args.join(' ')}`)) as [number | null];
    return { code, ...output() };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** A long-running command (serve) and what it has printed so far. */
export interface Running {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Resolves with the first match of `pattern` on stdout; rejects if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGTERM, then the exit code (SIGKILL after the deadline). */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** Starts a command that keeps running. */
export function startCommand(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Running {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? userEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
  const output = collect(child);
  return {
    child,
    output,
    waitFor: (pattern, timeoutMs = 30_000) =>
      within(
        new Promise<RegExpExecArray>((resolve, reject) => {
          const check = (): void => {
            const found = pattern.exec(output().stdout);
            if (found !== null) resolve(found);
          };
          child.stdout!.on('data', check);
          child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${output().stderr}`)));
          check();
        }),
        timeoutMs,
        String(pattern),
      ),
    stop: async (timeoutMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      // npx runs the bin in a child of its own: signal the whole group, as a terminal does.
      signalGroup(child, 'SIGTERM');
      try {
        await within(once(child, 'exit'), timeoutMs, 'the process to stop');
      } catch (error) {
        signalGroup(child, 'SIGKILL');
        throw error;
      }
      return child.exitCode;
    },
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (process.platform !== 'win32' && child.pid !== undefined) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // Already gone.
  }
}

function collect(child: ChildProcess): () => { stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return () => ({ stdout, stderr });
}
