/**
 * What the kernel says about a process: CPU time (utime + stime, all threads, from
 * /proc/<pid>/stat) and resident memory (VmRSS from /proc/<pid>/status). Linux only.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Clock ticks per second (`getconf CLK_TCK`), the unit of utime and stime. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const text = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim();
    ticksPerSecond = Number.parseInt(text, 10);
    if (!(ticksPerSecond > 0)) throw new Error(`getconf CLK_TCK printed "${text}"`);
  }
  return ticksPerSecond;
}

/** CPU time the process has used so far, user plus system, in microseconds. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) is in parentheses and may hold spaces: count fields after the last ')'.
  // What follows starts at field 3, so fields 14 and 15 (utime, stime) are at 11 and 12.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`Unreadable /proc/${pid}/stat`);
  return (ticks * 1e6) / clockTicksPerSecond();
}

/** Pids of the children of every process, from the ppid field (4) of each /proc/<pid>/stat. */
function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it exited while we looked
    }
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ', 2)[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  return children;
}

/**
 * Each of `pids` and all its descendants (a `serve --workers N` primary and its workers),
 * from one scan of /proc.
 */
export function processTrees(pids: readonly number[]): number[] {
  const children = childrenByParent();
  const all = [...pids];
  for (let index = 0; index < all.length; index++) all.push(...(children.get(all[index]!) ?? []));
  return all;
}

/**
 * `read` summed over `processes` (from {@link processTrees}). A descendant that exited since
 * the scan is skipped (its CPU time went with it; the benchmark's servers keep their workers).
 */
export function sumOver(processes: readonly number[], read: (pid: number) => number): number {
  let total = 0;
  for (const pid of processes) {
    try {
      total += read(pid);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ESRCH') throw error;
    }
  }
  return total;
}

/** CPU time so far of `pids` and all their descendants, summed, in microseconds. */
export function treeCpuMicros(pids: readonly number[]): number {
  return sumOver(processTrees(pids), cpuMicros);
}

/** Read- and write-type system calls the process has made so far (/proc/<pid>/io syscr, syscw). */
export function syscalls(pid: number): { reads: number; writes: number } {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? NaN);
  return { reads: field('syscr'), writes: field('syscw') };
}

/** Resident set size of the process in KiB. */
export function rssKib(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`No VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

/** Busy and total CPU time of the whole machine so far, in clock ticks (first line of /proc/stat). */
function machineTicks(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
  return { busy, total: busy + idle! + iowait! };
}

/**
 * How busy the machine is over `ms` while the benchmark itself is idle, in % of one CPU:
 * other people's processes on a shared machine skew every figure, so each session records it.
 */
export async function backgroundBusyPct(ms: number): Promise<number> {
  const before = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = machineTicks();
  return ((after.busy - before.busy) * 100) / ((ms / 1000) * clockTicksPerSecond());
}
