/**
 * What SOCKET_METRICS costs: server CPU per round trip of the saturated closed loop
 * (64 connections x 16 calls in flight, echo), metrics off vs on, plaintext and encrypted.
 * Sessions alternate off/on so machine noise hits both alike; each figure is the median.
 * The target (issue 12): at most 5% more CPU with metrics on.
 *
 *   node --conditions=dropsocket-source --import tsx bench/metrics-overhead.ts [--repeats 5]
 *
 * Run `npm run build` first: the servers are the real `serve` (bin/dropsocket.js).
 */
import { parseArgs } from 'node:util';
import { generateAuthKey } from 'dropsocket';
import { killAll } from './lib/child.js';
import { backgroundBusyPct } from './lib/proc-stat.js';
import { median } from './report.js';
import { withSession } from './scenarios/session.js';
import { runClosedLoop, type LoadShape, type ThroughputFigures } from './scenarios/throughput.js';
import type { ServerName } from './servers/start-server.js';

const SHAPE: LoadShape = { connections: 64, inFlight: 16, warmupMs: 1500, windowMs: 3000 };
const SERVERS: ServerName[] = ['dropsocket', 'dropsocket-enc'];

const { values } = parseArgs({ options: { repeats: { type: 'string', default: '5' } } });
const repeats = Number(values.repeats);
const authKey = generateAuthKey();

interface Run {
  server: ServerName;
  metrics: boolean;
  figures: ThroughputFigures;
  metricsSeen?: number;
}

/** The server's messages_received counter, read once the window is over: the metrics path really ran. */
async function receivedCounter(url: string): Promise<number | undefined> {
  const response = await fetch(`${url.replace('ws://', 'http://')}/metrics`);
  const line = (await response.text()).split('\n').find((candidate) => candidate.startsWith('dropsocket_messages_received_total '));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
}

async function measure(server: ServerName, metrics: boolean): Promise<Run> {
  return withSession(server, { authKey, settings: { SOCKET_METRICS: String(metrics) } }, async (running, generator) => {
    const figures = await runClosedLoop(running, generator, SHAPE);
    const metricsSeen = metrics ? await receivedCounter(running.target.url) : undefined;
    return { server, metrics, figures, ...(metricsSeen !== undefined && { metricsSeen }) };
  });
}

const runs: Run[] = [];
const busy = await backgroundBusyPct(500);
try {
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const server of SERVERS) {
      // Alternate which mode goes first, so a trend in machine load does not favour one.
      for (const metrics of repeat % 2 === 0 ? [false, true] : [true, false]) {
        const run = await measure(server, metrics);
        runs.push(run);
        process.stderr.write(`${server} metrics=${metrics}: ${run.figures.serverCpuUsPerRoundTrip.toFixed(2)} us/rt, ${Math.round(run.figures.roundTripsPerSec)} rt/s\n`);
      }
    }
  }
} finally {
  killAll();
}

const lines = [
  `Background load before the run: ${busy.toFixed(0)}% of the machine. ${repeats} repeats, medians.`,
  '',
  '| server | metrics off: server CPU µs / round trip | metrics on | on / off | round trips/s off | on |',
  '| --- | --- | --- | --- | --- | --- |',
];
for (const server of SERVERS) {
  const of = (metrics: boolean, pick: (figures: ThroughputFigures) => number): number => median(runs.filter((run) => run.server === server && run.metrics === metrics).map((run) => pick(run.figures)));
  const off = of(false, (figures) => figures.serverCpuUsPerRoundTrip);
  const on = of(true, (figures) => figures.serverCpuUsPerRoundTrip);
  lines.push(`| ${server} | ${off.toFixed(2)} | ${on.toFixed(2)} | ${(on / off).toFixed(3)} | ${Math.round(of(false, (figures) => figures.roundTripsPerSec))} | ${Math.round(of(true, (figures) => figures.roundTripsPerSec))} |`);
}
const unseen = runs.filter((run) => run.metrics && !(run.metricsSeen !== undefined && run.metricsSeen > 0));
if (unseen.length > 0) lines.push('', `WARNING: ${unseen.length} metrics-on runs did not show messages in /metrics`);
process.stdout.write(`${lines.join('\n')}\n`);
