/**
 * The server under soak: `dropsocket serve` as a child process, started with the settings
 * in `env`, ready once it prints `listening on ws://HOST:PORT`. It is killed however the
 * soak ends (return, throw, Ctrl-C), so no server outlives the script.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const LISTENING = /listening on ws:\/\/([^\s:]+):(\d+)/;
/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

const running = new Set<ChildProcess>();
let guarded = false;

/** SIGKILLs every server still running; synchronous, so it also works in an `exit` handler. */
export function killServers(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
}

function guard(): void {
  if (guarded) return;
  guarded = true;
  process.on('exit', killServers);
}

/** A running `dropsocket serve`. */
export class ServerProcess {
  /** Server log lines (pino JSON on stderr) by `msg`. */
  readonly logCounts = new Map<string, number>();
  #stderrTail = '';

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  /** Starts the server and resolves once it listens. @throws Error when it exits or stays silent. */
  static async start(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
    guard();
    // Its own process group: a Ctrl-C in the terminal reaches only the soak, which finishes
    // its wave and then stops the server itself (instead of the server stopping mid-wave).
    const child = spawn(process.execPath, ['bin/dropsocket.js', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.add(child);
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error('the server did not print its listening line in time')), READY_TIMEOUT_MS);
      child.stdout!.setEncoding('utf8').on('data', (text: string) => {
        stdout += text;
        const match = LISTENING.exec(stdout);
        if (match === null) return;
        clearTimeout(timer);
        resolve(Number(match[2]));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the server exited before listening (${signal ?? code})`));
      });
    }).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
    const server = new ServerProcess(child, port);
    server.#readLogs();
    return server;
  }

  #readLogs(): void {
    let partial = '';
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      this.#stderrTail = (this.#stderrTail + text).slice(-2000);
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        let message = line.trim();
        try {
          message = String((JSON.parse(line) as { msg?: unknown }).msg ?? line);
        } catch {
          // Not a pino line (the shutdown notice): count it as it is.
        }
        if (message !== '') this.logCounts.set(message, (this.logCounts.get(message) ?? 0) + 1);
      }
    });
  }

  /** The last stderr output, for error messages. */
  get stderrTail(): string {
    return this.#stderrTail;
  }

  /** Resident set size from /proc/<pid>/status (Linux), in bytes; undefined once it exited. */
  rssBytes(): number | undefined {
    try {
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return match === null ? undefined : Number(match[1]) * 1024;
    } catch {
      return undefined;
    }
  }

  /** CPU time the server has used (user + system), in seconds; undefined once it exited. */
  cpuSeconds(): number | undefined {
    try {
      // Fields 14 and 15 of /proc/<pid>/stat, counted after the parenthesised command name.
      const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return undefined;
    }
  }

  /** Asks for a graceful stop (SIGINT) and resolves with the exit code; SIGKILL after a deadline. */
  async stop(): Promise<number | string> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode ?? this.child.signalCode!;
    const exited = new Promise<number | string>((resolve) => this.child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const result = await exited;
    clearTimeout(timer);
    running.delete(this.child);
    return result;
  }
}
