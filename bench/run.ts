/**
 * The benchmark suite of issue #5: dropsocket (plaintext and encrypted, through the real
 * `serve`) against raw ws (the ceiling) and socket.io (the alternative). Each server runs in
 * its own process on CPU 0, the load generator in another on CPU 1. Every figure is the
 * median of the repeats, with the server order rotated between repeats.
 *
 *   npm run bench                          full run (3 repeats, ~5 minutes)
 *   npm run bench -- --quick               1 repeat, shorter windows
 *   npm run bench -- --only saturated      one scenario (or a comma list)
 *   npm run bench -- --servers raw-ws,dropsocket-enc --cpu-prof /tmp/prof
 *   npm run bench -- --raw-client          diagnostic: plaintext dropsocket driven by the raw ws client
 *   npm run bench -- --wait-quiet 120      on a shared machine: before each session, wait up to
 *                                          120 s for other processes to go quiet
 *
 * Prints Markdown tables and writes bench/results/bench-<time>.json and latest.json.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { generateAuthKey } from 'dropsocket';
import { canPin, killAll } from './lib/child.js';
import { describeLoad, quietEnough, sourceVersion, writeResults } from './lib/run-record.js';
import { SCENARIOS, renderTables, renderTargets, summarize, type Results, type Scenario } from './report.js';
import { runConnectRate, type ConnectShape } from './scenarios/connect-rate.js';
import { runCrowd, type CrowdShape } from './scenarios/crowd.js';
import { withSession, type SessionOptions } from './scenarios/session.js';
import { runClosedLoop, type LoadShape } from './scenarios/throughput.js';
import { SERVER_NAMES, type RunningServer, type ServerName } from './servers/start-server.js';
import type { GeneratorHandle } from './load/generator-handle.js';

interface Plan {
  repeats: number;
  unloaded: LoadShape;
  saturated: LoadShape;
  connect: ConnectShape;
  crowd: Omit<CrowdShape, 'memory' | 'broadcasts'> & { broadcasts: number };
}

const FULL: Plan = {
  repeats: 3,
  unloaded: { connections: 1, inFlight: 1, warmupMs: 1000, windowMs: 2000 },
  saturated: { connections: 64, inFlight: 16, warmupMs: 1500, windowMs: 3000 },
  connect: { warmup: 300, count: 2000, concurrency: 32 },
  crowd: { steps: [5000, 10_000], warmupConnections: 200, concurrency: 64, broadcasts: 3 },
};

const QUICK: Plan = {
  repeats: 1,
  unloaded: { connections: 1, inFlight: 1, warmupMs: 500, windowMs: 1000 },
  saturated: { connections: 64, inFlight: 16, warmupMs: 700, windowMs: 1500 },
  connect: { warmup: 200, count: 1000, concurrency: 32 },
  crowd: { steps: [5000, 10_000], warmupConnections: 200, concurrency: 64, broadcasts: 1 },
};

/** Servers of the crowd scenarios: the targets compare encrypted dropsocket with raw ws. */
const CROWD_SERVERS: readonly ServerName[] = ['raw-ws', 'raw-wss', 'dropsocket-enc', 'socket.io'];

type Group = { scenarios: readonly Scenario[]; servers: readonly ServerName[]; run(server: RunningServer, generator: GeneratorHandle, chosen: Set<Scenario>, plan: Plan): Promise<Partial<Record<Scenario, Record<string, number>>>>; gc?: boolean };

const GROUPS: Group[] = [
  {
    scenarios: ['unloaded', 'saturated'],
    servers: SERVER_NAMES,
    async run(server, generator, chosen, plan) {
      const out: Partial<Record<Scenario, Record<string, number>>> = {};
      if (chosen.has('unloaded')) out.unloaded = { ...(await runClosedLoop(server, generator, plan.unloaded)) };
      if (chosen.has('saturated')) out.saturated = { ...(await runClosedLoop(server, generator, plan.saturated)) };
      return out;
    },
  },
  {
    scenarios: ['connect'],
    servers: SERVER_NAMES,
    run: async (server, generator, _chosen, plan) => ({ connect: { ...(await runConnectRate(server, generator, plan.connect)) } }),
  },
  {
    scenarios: ['memory', 'fanout'],
    servers: CROWD_SERVERS,
    gc: true,
    async run(server, generator, chosen, plan) {
      const broadcasts = chosen.has('fanout') ? plan.crowd.broadcasts : 0;
      const figures = await runCrowd(server, generator, { ...plan.crowd, memory: chosen.has('memory'), broadcasts });
      return { ...(figures.memory && { memory: figures.memory }), ...(figures.fanout && { fanout: { ...figures.fanout } }) };
    },
  },
];

interface Options {
  plan: Plan;
  chosen: Set<Scenario>;
  servers: Set<ServerName>;
  cpuProfileDir: string | undefined;
  rawClient: boolean;
  waitQuietMs: number;
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, only: { type: 'string' }, servers: { type: 'string' }, repeats: { type: 'string' }, 'cpu-prof': { type: 'string' }, 'raw-client': { type: 'boolean' }, 'wait-quiet': { type: 'string' } },
  });
  const plan = { ...(values.quick === true ? QUICK : FULL) };
  if (values.repeats !== undefined) plan.repeats = Number.parseInt(values.repeats, 10);
  if (!(plan.repeats >= 1)) throw new Error(`--repeats must be a positive integer, got "${values.repeats}"`);
  const list = <T extends string>(text: string | undefined, all: readonly T[], what: string): Set<T> => {
    if (text === undefined) return new Set(all);
    const picked = text.split(',').map((item) => item.trim());
    for (const item of picked) if (!all.includes(item as T)) throw new Error(`Unknown ${what} "${item}"; one of: ${all.join(', ')}`);
    return new Set(picked as T[]);
  };
  const servers = list(values.servers, SERVER_NAMES, 'server');
  servers.add('raw-ws');
  servers.add('raw-wss');
  return { plan, chosen: list(values.only, SCENARIOS, 'scenario'), servers, cpuProfileDir: values['cpu-prof'], rawClient: values['raw-client'] === true, waitQuietMs: Number.parseFloat(values['wait-quiet'] ?? '0') * 1000 };
}

/** `items` rotated left by `by`, so each repeat starts with a different server. */
function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

interface Session {
  repeat: number;
  server: ServerName;
  scenarios: Scenario[];
  seconds: number;
  backgroundPct: number;
}

interface Failure {
  repeat: number;
  scenarios: Scenario[];
  server: ServerName;
  error: string;
}

/** What a run collects: figures by scenario and server, and how each session went. */
interface Collected {
  results: Results;
  sessions: Session[];
  failures: Failure[];
}

/** Runs every group's sessions: repeats outside, servers inside, rotated per repeat. */
async function runAll(options: Options, authKey: string): Promise<Collected> {
  const collected: Collected = { results: {}, sessions: [], failures: [] };
  for (const group of GROUPS) {
    const wanted = new Set(group.scenarios.filter((scenario) => options.chosen.has(scenario)));
    if (wanted.size === 0) continue;
    const names = group.servers.filter((name) => options.servers.has(name));
    for (let repeat = 1; repeat <= options.plan.repeats; repeat++) {
      for (const name of rotate(names, repeat - 1)) await runSession(group, wanted, name, repeat, options, authKey, collected);
    }
  }
  return collected;
}

async function runSession(group: Group, wanted: Set<Scenario>, name: ServerName, repeat: number, options: Options, authKey: string, collected: Collected): Promise<void> {
  const label = `[${repeat}/${options.plan.repeats}] ${[...wanted].join('+')} ${name}`;
  const background = await quietEnough(options.waitQuietMs);
  const t0 = performance.now();
  const { cpuProfileDir, rawClient } = options;
  const sessionOptions: SessionOptions = { authKey, rawClient, gcOnSignal: group.gc === true, ...(cpuProfileDir !== undefined && { cpuProfileDir }) };
  let figures: Awaited<ReturnType<Group['run']>>;
  try {
    figures = await withSession(name, sessionOptions, (server, generator) => group.run(server, generator, wanted, options.plan));
  } catch (error) {
    // One failed session (a stalled process, a refused connect) must not void the whole run:
    // it is reported, and the medians use the repeats that completed.
    const message = (error as Error)?.message ?? String(error);
    collected.failures.push({ repeat, scenarios: [...wanted], server: name, error: message });
    process.stderr.write(`${label}: FAILED ${message}\n`);
    return;
  }
  for (const [scenario, values] of Object.entries(figures) as Array<[Scenario, Record<string, number>]>) {
    ((collected.results[scenario] ??= {})[name] ??= []).push(values);
  }
  const seconds = Number(((performance.now() - t0) / 1000).toFixed(1));
  collected.sessions.push({ repeat, server: name, scenarios: [...wanted], seconds, backgroundPct: Math.round(background) });
  process.stderr.write(`${label}: ${seconds} s ${JSON.stringify(figures, (_key, value: unknown) => (typeof value === 'number' ? Number(value.toPrecision(4)) : value))}\n`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const source = sourceVersion();
  const options = parseOptions();
  if (!canPin()) process.stderr.write('warning: taskset or a second CPU is missing; processes are not pinned\n');
  const { results, sessions, failures } = await runAll(options, generateAuthKey());
  const durationS = (performance.now() - started) / 1000;
  const medians = summarize(results);
  const order = SERVER_NAMES.filter((name) => options.servers.has(name));
  const failed = failures.map((f) => `- repeat ${f.repeat}, ${f.scenarios.join('+')}, ${f.server}: ${f.error.split('\n')[0]}`);
  const markdown = `${renderTables(medians, order, options.plan.repeats)}\n${renderTargets(medians)}${failed.length > 0 ? `\n### Failed sessions (left out of the medians)\n\n${failed.join('\n')}\n` : ''}`;
  const load = describeLoad(sessions.map((session) => session.backgroundPct));
  const machine = `Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} CPUs, pinned: ${canPin()}`;
  process.stdout.write(`${markdown}\n${load}\n${machine}; source ${source}; took ${durationS.toFixed(0)} s\n`);
  const { plan } = options;
  const json = { date: new Date().toISOString(), source, node: process.version, cpu: cpus()[0]?.model, cpus: cpus().length, pinned: canPin(), argv: process.argv.slice(2), durationS, plan, sessions, results, failures, medians, markdown };
  writeResults('bench', json);
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${(error as Error)?.stack ?? String(error)}\n`);
  killAll();
  process.exit(1);
});
