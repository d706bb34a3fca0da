/**
 * The figures of issue 10 (scale-out), on the harness of bench/run.ts:
 * - `fanout`: one broadcast to 10k connections split evenly over 2 `serve` nodes on one
 *   redis-server, against 10k on one node with the local adapter (bench/scenarios/spread-fanout.ts).
 * - `workers`: the saturated closed loop (64 connections x 16 calls in flight) against
 *   `serve --workers 2` and `--workers 1`, unpinned (the scheduler places servers and
 *   generator on both cores), and for reference the pinned single-process `serve` of the main
 *   suite and `--workers 2` with both workers pinned to its CPU. Server CPU is summed over the
 *   primary and every worker.
 *
 *   npm run bench:scale                                   both, encrypted and plaintext, 3 repeats
 *   npm run bench:scale -- --only workers --modes encrypted --repeats 5
 *   npm run bench:scale -- --quick --wait-quiet 120
 *
 * Prints Markdown tables and writes bench/results/scale-<time>.json and scale-latest.json.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { generateAuthKey } from 'dropsocket';
import { canPin, killAll } from './lib/child.js';
import { describeLoad, quietEnough, sourceVersion, writeResults } from './lib/run-record.js';
import { median, table } from './report.js';
import { withSession } from './scenarios/session.js';
import { runSpreadFanout, type SpreadShape } from './scenarios/spread-fanout.js';
import { runClosedLoop, type LoadShape } from './scenarios/throughput.js';

const SCALE_SCENARIOS = ['fanout', 'workers'] as const;
type ScaleScenario = (typeof SCALE_SCENARIOS)[number];
const MODES = ['encrypted', 'plaintext'] as const;
type Mode = (typeof MODES)[number];

interface Plan {
  repeats: number;
  fanout: Omit<SpreadShape, 'nodes'>;
  saturated: LoadShape;
}

const FULL: Plan = { repeats: 3, fanout: { connections: 10_000, concurrency: 64, broadcasts: 5 }, saturated: { connections: 64, inFlight: 16, warmupMs: 1500, windowMs: 3000 } };
const QUICK: Plan = { repeats: 1, fanout: { connections: 10_000, concurrency: 64, broadcasts: 2 }, saturated: { connections: 64, inFlight: 16, warmupMs: 700, windowMs: 1500 } };

/** The server CPU per round trip of `--workers 2` may be at most this times one worker's. */
const WORKERS_CPU_TARGET = 1.1;

/** One row of a table: a configuration measured in every repeat. */
interface Row {
  scenario: ScaleScenario;
  mode: Mode;
  label: string;
  /** The row of the same scenario and mode its ratios are taken against. */
  baseline: string;
  run(authKey: string, plan: Plan): Promise<Record<string, number>>;
}

function rowsOf(mode: Mode): Row[] {
  const encryption = mode === 'encrypted';
  const server = encryption ? 'dropsocket-enc' : 'dropsocket';
  const fanout = (nodes: number, label: string): Row => ({ scenario: 'fanout', mode, label, baseline: '1 node, local adapter', run: async (authKey, plan) => ({ ...(await runSpreadFanout({ ...plan.fanout, nodes }, authKey, encryption)) }) });
  const workers = (label: string, count: number | undefined, pinned = false): Row => ({
    scenario: 'workers',
    mode,
    label,
    baseline: '--workers 1, unpinned',
    run: (authKey, plan) => {
      const options = count === undefined ? { authKey } : { authKey, pinned, settings: { SOCKET_WORKERS: String(count) } };
      return withSession(server, options, async (running, generator) => ({ ...(await runClosedLoop(running, generator, plan.saturated)) }));
    },
  });
  return [
    fanout(1, '1 node, local adapter'),
    fanout(2, '2 nodes, Redis'),
    workers('serve, pinned (server CPU 0, generator CPU 1)', undefined),
    workers('--workers 1, unpinned', 1),
    workers('--workers 2, unpinned', 2),
    // Both workers share CPU 0 (they inherit the primary's affinity), the generator has CPU 1:
    // against the pinned `serve`, this separates what the cluster costs from what running
    // three busy processes on two cores costs.
    workers('--workers 2, pinned to CPU 0 (generator CPU 1)', 2, true),
  ];
}

interface Columns {
  title: string;
  columns: Array<{ key: string; label: string; digits: number; ratio?: boolean }>;
}

const TABLES: Record<ScaleScenario, Columns> = {
  fanout: {
    title: 'Fan-out: one broadcast to 10k connections, trigger on node A to last receipt',
    columns: [
      { key: 'lastMs', label: 'last receipt ms', digits: 1, ratio: true },
      { key: 'medianMs', label: 'median receipt ms', digits: 1 },
      { key: 'serverCpuMs', label: 'server CPU ms (all nodes)', digits: 0, ratio: true },
      { key: 'brokerCpuMs', label: 'redis-server CPU ms', digits: 0 },
      { key: 'generatorCpuMs', label: 'generator CPU ms', digits: 0 },
      { key: 'missed', label: 'missed', digits: 0 },
    ],
  },
  workers: {
    title: 'Workers: saturated closed loop, 64 connections x 16 calls in flight',
    columns: [
      { key: 'roundTripsPerSec', label: 'round trips/s', digits: 0, ratio: true },
      { key: 'serverCpuUsPerRoundTrip', label: 'server CPU µs/rt (primary + workers)', digits: 2, ratio: true },
      { key: 'primaryCpuUsPerRoundTrip', label: 'of which primary', digits: 2 },
      { key: 'serverProcesses', label: 'server processes', digits: 0 },
      { key: 'serverCpuPct', label: 'server CPU %', digits: 0 },
      { key: 'generatorCpuPct', label: 'generator CPU %', digits: 0 },
      { key: 'p50Us', label: 'p50 µs', digits: 0 },
      { key: 'p99Us', label: 'p99 µs', digits: 0 },
      { key: 'errors', label: 'errors', digits: 0 },
    ],
  },
};

interface Options {
  plan: Plan;
  scenarios: Set<ScaleScenario>;
  modes: Set<Mode>;
  waitQuietMs: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' }, modes: { type: 'string' }, repeats: { type: 'string' }, 'wait-quiet': { type: 'string' } } });
  const plan = { ...(values.quick === true ? QUICK : FULL) };
  if (values.repeats !== undefined) plan.repeats = Number.parseInt(values.repeats, 10);
  if (!(plan.repeats >= 1)) throw new Error(`--repeats must be a positive integer, got "${values.repeats}"`);
  const list = <T extends string>(text: string | undefined, all: readonly T[], what: string): Set<T> => {
    const picked = text === undefined ? [...all] : text.split(',').map((item) => item.trim());
    for (const item of picked) if (!all.includes(item as T)) throw new Error(`Unknown ${what} "${item}"; one of: ${all.join(', ')}`);
    return new Set(picked as T[]);
  };
  return { plan, scenarios: list(values.only, SCALE_SCENARIOS, 'scenario'), modes: list(values.modes, MODES, 'mode'), waitQuietMs: Number.parseFloat(values['wait-quiet'] ?? '0') * 1000 };
}

type Collected = Map<Row, Array<Record<string, number>>>;

/** Repeats outside, rows inside (rotated per repeat, so no row always runs first). */
async function runAll(rows: Row[], options: Options, authKey: string, backgrounds: number[], failures: string[]): Promise<Collected> {
  const collected: Collected = new Map(rows.map((row) => [row, []]));
  for (let repeat = 1; repeat <= options.plan.repeats; repeat++) {
    const shift = (repeat - 1) % rows.length;
    for (const row of [...rows.slice(shift), ...rows.slice(0, shift)]) {
      const label = `[${repeat}/${options.plan.repeats}] ${row.scenario} ${row.mode} ${row.label}`;
      backgrounds.push(Math.round(await quietEnough(options.waitQuietMs)));
      try {
        const figures = await row.run(authKey, options.plan);
        collected.get(row)!.push(figures);
        process.stderr.write(`${label}: ${JSON.stringify(figures, (_key, value: unknown) => (typeof value === 'number' ? Number(value.toPrecision(4)) : value))}\n`);
      } catch (error) {
        // One failed session must not void the run: reported, and left out of the medians.
        const message = ((error as Error)?.message ?? String(error)).split('\n')[0]!;
        failures.push(`${label}: ${message}`);
        process.stderr.write(`${label}: FAILED ${message}\n`);
      }
    }
  }
  return collected;
}

/** One table per scenario and mode, medians of the repeats, ratios to the row's baseline. */
function render(rows: Row[], medians: Map<Row, Record<string, number>>, repeats: number): string {
  const parts: string[] = [];
  const format = (value: number | undefined, digits: number): string => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));
  for (const scenario of SCALE_SCENARIOS) {
    for (const mode of MODES) {
      const group = rows.filter((row) => row.scenario === scenario && row.mode === mode);
      if (group.length === 0) continue;
      const { title, columns } = TABLES[scenario];
      const header = ['configuration', ...columns.flatMap((column) => (column.ratio === true ? [column.label, 'ratio'] : [column.label]))];
      const body = group.map((row) => {
        const base = medians.get(group.find((other) => other.label === row.baseline)!);
        return [row.label, ...columns.flatMap((column) => {
          const value = medians.get(row)?.[column.key];
          const cell = format(value, column.digits);
          return column.ratio === true ? [cell, format(value === undefined || base?.[column.key] === undefined ? NaN : value / base[column.key]!, 2)] : [cell];
        })];
      });
      parts.push(`### ${title}, ${mode} (median of ${repeats})`, '', table(header, body), '');
      if (scenario === 'workers') parts.push(workersVerdict(group, medians), '');
    }
  }
  return parts.join('\n');
}

/** The issue's target: `--workers 2` spends at most 1.1x one worker's server CPU per round trip. */
function workersVerdict(group: Row[], medians: Map<Row, Record<string, number>>): string {
  const cpu = (label: string): number => medians.get(group.find((row) => row.label === label)!)?.serverCpuUsPerRoundTrip ?? NaN;
  const ratio = cpu('--workers 2, unpinned') / cpu('--workers 1, unpinned');
  const verdict = Number.isNaN(ratio) ? 'n/a' : ratio <= WORKERS_CPU_TARGET ? 'pass' : '**MISS**';
  return `Target: server CPU per round trip of --workers 2 <= ${WORKERS_CPU_TARGET}x --workers 1: ${ratio.toFixed(2)}x, ${verdict}`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const options = parseOptions();
  const source = sourceVersion();
  if (!canPin()) process.stderr.write('warning: taskset or a second CPU is missing; processes are not pinned\n');
  const rows = [...options.modes].flatMap(rowsOf).filter((row) => options.scenarios.has(row.scenario));
  const backgrounds: number[] = [];
  const failures: string[] = [];
  const collected = await runAll(rows, options, generateAuthKey(), backgrounds, failures);
  const medians = new Map([...collected].map(([row, repeats]) => {
    const keys = new Set(repeats.flatMap((figures) => Object.keys(figures)));
    return [row, Object.fromEntries([...keys].map((key) => [key, median(repeats.map((figures) => figures[key] ?? NaN))]))] as const;
  }));
  const durationS = (performance.now() - started) / 1000;
  const failed = failures.length > 0 ? `\n### Failed sessions (left out of the medians)\n\n${failures.map((line) => `- ${line}`).join('\n')}\n` : '';
  const markdown = `${render(rows, medians, options.plan.repeats)}${failed}`;
  const load = describeLoad(backgrounds);
  const machine = `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} CPUs, pinning: ${canPin()}`;
  process.stdout.write(`${markdown}\n${load}\n${machine}; source ${source}; took ${durationS.toFixed(0)} s\n`);
  const results = rows.map((row) => ({ scenario: row.scenario, mode: row.mode, label: row.label, repeats: collected.get(row), median: medians.get(row) }));
  writeResults('scale', { date: new Date().toISOString(), source, node: process.version, cpu: cpus()[0]?.model, cpus: cpus().length, argv: process.argv.slice(2), durationS, plan: options.plan, backgrounds, results, failures, markdown });
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`scale-out benchmark failed: ${(error as Error)?.stack ?? String(error)}\n`);
  killAll();
  process.exit(1);
});
