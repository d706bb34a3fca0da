/**
 * From raw repeats to what people read: medians per metric, ratios to both baselines (raw ws,
 * and raw ws over TLS 1.3) from the same run, one Markdown table per scenario, and the
 * issue #9 targets with pass or miss.
 */
import type { ServerName } from './servers/start-server.js';

/** The scenarios, in report order. */
export const SCENARIOS = ['unloaded', 'saturated', 'connect', 'memory', 'fanout'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** One repeat's figures for one server in one scenario. */
export type Figures = Record<string, number>;
/** Every repeat, by scenario and server. */
export type Results = Partial<Record<Scenario, Partial<Record<ServerName, Figures[]>>>>;
/** Medians over repeats, by scenario and server. */
export type Medians = Partial<Record<Scenario, Partial<Record<ServerName, Figures>>>>;

interface Column {
  key: string;
  label: string;
  digits: number;
  /** Show the ratios to the baselines beside the figure. */
  ratio?: boolean;
}

const TITLES: Record<Scenario, string> = {
  unloaded: 'Unloaded: 1 connection, 1 request in flight',
  saturated: 'Saturated: 64 connections x 16 requests in flight',
  connect: 'Connection rate: connect + handshake + auth, 32 at a time',
  memory: 'Idle memory: server RSS per authenticated, heartbeat-on connection',
  fanout: 'Fan-out: one broadcast to 10k connections, trigger to last receipt',
};

const COLUMNS: Record<Scenario, Column[]> = {
  unloaded: [
    { key: 'roundTripsPerSec', label: 'round trips/s', digits: 0, ratio: true },
    { key: 'p50Us', label: 'p50 µs', digits: 0, ratio: true },
    { key: 'p99Us', label: 'p99 µs', digits: 0, ratio: true },
    { key: 'serverCpuUsPerRoundTrip', label: 'server CPU µs/rt', digits: 1, ratio: true },
    { key: 'errors', label: 'errors', digits: 0 },
  ],
  saturated: [
    { key: 'roundTripsPerSec', label: 'round trips/s', digits: 0, ratio: true },
    { key: 'p50Us', label: 'p50 µs', digits: 0, ratio: true },
    { key: 'p99Us', label: 'p99 µs', digits: 0, ratio: true },
    { key: 'serverCpuUsPerRoundTrip', label: 'server CPU µs/rt', digits: 1, ratio: true },
    { key: 'serverCpuPct', label: 'server CPU %', digits: 0 },
    { key: 'generatorCpuPct', label: 'generator CPU %', digits: 0 },
    { key: 'serverWritesPerRoundTrip', label: 'server writes/rt', digits: 2 },
    { key: 'errors', label: 'errors', digits: 0 },
  ],
  connect: [
    { key: 'connectsPerSec', label: 'connects/s', digits: 0, ratio: true },
    { key: 'p50Ms', label: 'p50 ms', digits: 2, ratio: true },
    { key: 'p99Ms', label: 'p99 ms', digits: 2, ratio: true },
    { key: 'serverCpuUsPerConnect', label: 'server CPU µs/connect', digits: 0, ratio: true },
    { key: 'serverCpuPct', label: 'server CPU %', digits: 0 },
    { key: 'generatorCpuPct', label: 'generator CPU %', digits: 0 },
    { key: 'errors', label: 'errors', digits: 0 },
  ],
  memory: [
    { key: 'kibPerConnection5000', label: 'KiB/conn at 5k', digits: 2, ratio: true },
    { key: 'kibPerConnection10000', label: 'KiB/conn at 10k', digits: 2, ratio: true },
    { key: 'heapKibPerConnection10000', label: 'of which V8 heap', digits: 2, ratio: true },
    { key: 'externalKibPerConnection10000', label: 'of which external', digits: 2 },
    { key: 'baselineMiB', label: 'RSS at 0 conns MiB', digits: 1 },
    { key: 'generatorRssMiB', label: 'generator RSS MiB', digits: 0 },
  ],
  fanout: [
    { key: 'lastMs', label: 'last receipt ms', digits: 1, ratio: true },
    { key: 'medianMs', label: 'median receipt ms', digits: 1, ratio: true },
    { key: 'serverCpuMs', label: 'server CPU ms', digits: 1, ratio: true },
    { key: 'missed', label: 'missed', digits: 0 },
  ],
};

/** The two baselines every ratio is taken against. */
export const BASELINES = ['raw-ws', 'raw-wss'] as const;
type Baseline = (typeof BASELINES)[number];

/** The targets (issue #9, and #5's plaintext ones kept): a server's metric over a baseline's, same run. */
const TARGETS: Array<{ text: string; scenario: Scenario; server: ServerName; key: string; base?: Baseline; atMost?: number; atLeast?: number }> = [
  { text: 'encrypted server CPU µs per round trip (saturated) <= 1.0x', scenario: 'saturated', server: 'dropsocket-enc', key: 'serverCpuUsPerRoundTrip', atMost: 1.0 },
  { text: 'encrypted round trips/s (saturated) >= 0.9x', scenario: 'saturated', server: 'dropsocket-enc', key: 'roundTripsPerSec', atLeast: 0.9 },
  { text: 'encrypted connects/s >= 0.5x', scenario: 'connect', server: 'dropsocket-enc', key: 'connectsPerSec', atLeast: 0.5 },
  { text: 'plaintext connects/s >= 0.8x', scenario: 'connect', server: 'dropsocket', key: 'connectsPerSec', atLeast: 0.8 },
  { text: 'encrypted idle KiB per connection (10k) <= 1.15x', scenario: 'memory', server: 'dropsocket-enc', key: 'kibPerConnection10000', atMost: 1.15 },
  { text: 'encrypted fan-out to 10k, server CPU <= 1.4x', scenario: 'fanout', server: 'dropsocket-enc', key: 'serverCpuMs', atMost: 1.4 },
  { text: 'encrypted unloaded p99 <= 1.3x', scenario: 'unloaded', server: 'dropsocket-enc', key: 'p99Us', atMost: 1.3 },
  { text: 'encrypted connects/s beat raw ws over TLS 1.3', scenario: 'connect', server: 'dropsocket-enc', key: 'connectsPerSec', base: 'raw-wss', atLeast: 1.0 },
  { text: 'encrypted server CPU µs per round trip (saturated) beat raw ws over TLS 1.3', scenario: 'saturated', server: 'dropsocket-enc', key: 'serverCpuUsPerRoundTrip', base: 'raw-wss', atMost: 1.0 },
  { text: 'plaintext round trips/s (saturated) >= 0.90x', scenario: 'saturated', server: 'dropsocket', key: 'roundTripsPerSec', atLeast: 0.9 },
  { text: 'plaintext server CPU µs per round trip (saturated) <= 1.1x', scenario: 'saturated', server: 'dropsocket', key: 'serverCpuUsPerRoundTrip', atMost: 1.1 },
  { text: 'plaintext unloaded p99 <= 1.5x', scenario: 'unloaded', server: 'dropsocket', key: 'p99Us', atMost: 1.5 },
];

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 === 1 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The median of each metric over the repeats. */
export function summarize(results: Results): Medians {
  const medians: Medians = {};
  for (const [scenario, byServer] of Object.entries(results) as Array<[Scenario, Partial<Record<ServerName, Figures[]>>]>) {
    const out: Partial<Record<ServerName, Figures>> = {};
    for (const [server, repeats] of Object.entries(byServer) as Array<[ServerName, Figures[]]>) {
      const keys = new Set(repeats.flatMap((figures) => Object.keys(figures)));
      out[server] = Object.fromEntries([...keys].map((key) => [key, median(repeats.map((figures) => figures[key] ?? NaN))]));
    }
    medians[scenario] = out;
  }
  return medians;
}

/** `value / baseline value` for the same scenario and metric; NaN without the baseline. */
export function ratio(medians: Medians, scenario: Scenario, server: ServerName, key: string, baseline: Baseline = 'raw-ws'): number {
  const base = medians[scenario]?.[baseline]?.[key];
  const value = medians[scenario]?.[server]?.[key];
  return base === undefined || value === undefined || base === 0 ? NaN : value / base;
}

const format = (value: number | undefined, digits: number): string => (value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));

/** One Markdown table per scenario measured, servers in `order`. */
export function renderTables(medians: Medians, order: readonly ServerName[], repeats: number): string {
  const parts: string[] = [];
  for (const scenario of SCENARIOS) {
    const byServer = medians[scenario];
    if (byServer === undefined) continue;
    const columns = COLUMNS[scenario];
    const header = ['server', ...columns.flatMap((column) => (column.ratio === true ? [column.label, 'x raw ws', 'x raw wss'] : [column.label]))];
    const rows = order.filter((server) => byServer[server] !== undefined).map((server) => [
      server,
      ...columns.flatMap((column) => {
        const cell = format(byServer[server]![column.key], column.digits);
        const ratios = BASELINES.map((baseline) => format(ratio(medians, scenario, server, column.key, baseline), 2));
        return column.ratio === true ? [cell, ...ratios] : [cell];
      }),
    ]);
    parts.push(`### ${TITLES[scenario]} (median of ${repeats})`, '', table(header, rows), '');
  }
  return parts.join('\n');
}

/** The targets that the measured scenarios cover, with ratio and verdict. */
export function renderTargets(medians: Medians): string {
  const rows = TARGETS.filter((target) => medians[target.scenario]?.[target.server] !== undefined).map((target) => {
    const base = target.base ?? 'raw-ws';
    const value = ratio(medians, target.scenario, target.server, target.key, base);
    const pass = target.atLeast !== undefined ? value >= target.atLeast : value <= target.atMost!;
    return [target.text, target.server, base, format(value, 2), Number.isNaN(value) ? 'n/a' : pass ? 'pass' : '**MISS**'];
  });
  return rows.length === 0 ? '' : `### Targets (ratio to a baseline, same run)\n\n${table(['target', 'server', 'against', 'ratio', 'verdict'], rows)}\n`;
}

/** A Markdown table: the first column left-aligned, the rest right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const align = header.map((_, index) => (index === 0 ? '---' : '---:'));
  return [line(header), line(align), ...rows.map(line)].join('\n');
}
