/**
 * Soak / storm: thousands of clients connecting, authenticating, calling and dropping in
 * waves against one `dropsocket serve` process for a set time. Not part of `npm test`.
 *
 *   npm run soak -- --seconds 60 [--clients 2000] [--wave-ms 2000] [--concurrency 200]
 *                   [--drop 0.25] [--close 0.25] [--room-size 20] [--encryption on|off]
 *
 * Reports connections served, requests answered, errors by code, call and connect latency,
 * and the server's RSS at start, peak and end (after every client left and a settle period),
 * and checks that a fresh client is still answered at the end. Exits 1 when any call failed
 * or the server did not answer at the end, 2 on bad usage.
 */
import { parseArgs } from 'node:util';
import { SocketClient, generateAuthKey, silentLogger } from '../src/index.js';
import { startStallWatchdog } from '../test/fuzz/stall-watchdog.js';
import { ServerProcess, killServers } from './soak/server-process.js';
import { SoakStats } from './soak/soak-stats.js';
import { WaveRunner, type WaveOptions } from './soak/waves.js';

const USAGE = 'usage: npm run soak -- --seconds N [--clients N] [--wave-ms N] [--concurrency N] [--drop 0..1] [--close 0..1] [--room-size N] [--encryption on|off]';
const SETTLE_MS = 5000;
const RSS_SAMPLE_MS = 250;
const STALL_LIMIT_MS = 30_000;
const MB = 1024 * 1024;

interface Plan extends Omit<WaveOptions, 'port' | 'authKey'> {
  seconds: number;
}

function readPlan(argv: string[]): Plan {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(['seconds', 'clients', 'wave-ms', 'concurrency', 'drop', 'close', 'room-size', 'encryption'].map((name) => [name, { type: 'string' }])) as Record<string, { type: 'string' }>,
  });
  const number = (name: string, fallback: number, min: number, max = Infinity): number => {
    const value = values[name] === undefined ? fallback : Number(values[name]);
    if (!Number.isFinite(value) || value < min || value > max) throw new Error(`--${name} must be a number from ${min} to ${max}, got "${values[name]}"`);
    return value;
  };
  const encryption = values.encryption ?? 'on';
  if (encryption !== 'on' && encryption !== 'off') throw new Error(`--encryption must be on or off, got "${encryption}"`);
  return {
    seconds: number('seconds', 60, 1),
    clients: Math.floor(number('clients', 2000, 1)),
    waveMs: number('wave-ms', 2000, 0),
    concurrency: Math.floor(number('concurrency', 200, 1)),
    dropShare: number('drop', 0.25, 0, 1),
    closeShare: number('close', 0.25, 0, 1),
    roomSize: Math.floor(number('room-size', 20, 1)),
    encryption: encryption === 'on',
  };
}

/** Starts the server with a fresh key and room for every client (and the fresh one at the end). */
function startServer(plan: Plan, authKey: string): Promise<ServerProcess> {
  return ServerProcess.start({
    ...process.env,
    SOCKET_PORT: '0',
    SOCKET_HOST: '127.0.0.1',
    SOCKET_AUTH_KEY: authKey,
    SOCKET_HANDLER_DIR: 'socket-handlers',
    SOCKET_ENCRYPTION: String(plan.encryption),
    SOCKET_MAX_CONNECTIONS: String(plan.clients * 2 + 100),
    SOCKET_LOG_LEVEL: 'warn',
  });
}

/** Whether a brand-new client still connects, authenticates and gets its echo. */
async function freshClientAnswered(server: ServerProcess, plan: Plan, authKey: string): Promise<string> {
  const client = new SocketClient({
    singleton: false, loadHandlers: false, maxReconnectAttempts: 0, logger: silentLogger,
    address: `ws://127.0.0.1:${server.port}`, authKey, encryption: plan.encryption, requestTimeout: 10_000,
  });
  try {
    await client.init();
    return (await client.request('echo', 'last call')) === 'last call' ? 'yes' : 'no: wrong answer';
  } catch (error) {
    return `no: ${(error as { code?: string }).code ?? String(error)}`;
  } finally {
    await client.close();
  }
}

interface Outcome {
  seconds: number;
  rss: { start: number; peak: number; end: number };
  cpuSeconds: number;
  fresh: string;
  exit: number | string;
}

function report(plan: Plan, stats: SoakStats, outcome: Outcome, logCounts: Map<string, number>): void {
  const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;
  const ms = (value: number): string => `${value.toFixed(1)} ms`;
  const { rss, seconds } = outcome;
  const errors = [...stats.errors].map(([code, n]) => `${code}=${n}`).join(' ') || 'none';
  const logs = [...logCounts].map(([message, n]) => `"${message}"=${n}`).join(' ') || 'none';
  process.stdout.write([
    `soak: encryption ${plan.encryption ? 'on' : 'off'}, ${seconds.toFixed(1)} s, ${stats.waves} waves, up to ${plan.clients} clients (concurrency ${plan.concurrency}, drop ${plan.dropShare}, close ${plan.closeShare}, room size ${plan.roomSize})`,
    `  connections served:  ${stats.connections} (peak ${stats.peakClients} at once; ${stats.droppedAbruptly} cut abruptly, ${stats.closedCleanly} closed cleanly)`,
    `  requests answered:   ${stats.answered} (${(stats.answered / seconds).toFixed(0)}/s)`,
    `  errors by code:      ${errors}`,
    `  call latency:        p50 ${ms(stats.callPercentile(50))}, p99 ${ms(stats.callPercentile(99))}`,
    `  connect+auth:        p50 ${ms(stats.connectPercentile(50))}, p99 ${ms(stats.connectPercentile(99))}`,
    `  server RSS:          start ${mb(rss.start)}, peak ${mb(rss.peak)}, end ${mb(rss.end)} (${SETTLE_MS / 1000} s after the last client left)`,
    `  server CPU:          ${outcome.cpuSeconds.toFixed(1)} s`,
    `  server log lines:    ${logs}`,
    `  fresh client answered at the end: ${outcome.fresh}; server exit after SIGINT: ${outcome.exit}`,
  ].join('\n') + '\n');
}

/** Runs the waves against a started server, then lets it settle, probes it, and stops it. */
async function soak(plan: Plan, authKey: string, server: ServerProcess, stats: SoakStats, stopping: () => boolean): Promise<Outcome> {
  const rss = { start: server.rssBytes() ?? 0, peak: 0, end: 0 };
  const sampler = setInterval(() => (rss.peak = Math.max(rss.peak, server.rssBytes() ?? 0)), RSS_SAMPLE_MS);
  try {
    const started = Date.now();
    const endAt = started + plan.seconds * 1000;
    const progress = (wave: number): void => {
      process.stderr.write(`wave ${wave}: ${stats.connections} connections, ${stats.answered} answers, ${stats.errors.size} error codes, server RSS ${((server.rssBytes() ?? 0) / MB).toFixed(0)} MB\n`);
    };
    await new WaveRunner({ ...plan, port: server.port, authKey }, stats).run(() => !stopping() && Date.now() < endAt, progress);
    const seconds = (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    rss.end = server.rssBytes() ?? 0;
    const fresh = await freshClientAnswered(server, plan, authKey);
    const cpuSeconds = server.cpuSeconds() ?? Number.NaN;
    return { seconds, rss, cpuSeconds, fresh, exit: await server.stop() };
  } finally {
    clearInterval(sampler);
  }
}

async function main(): Promise<number> {
  let plan: Plan;
  try {
    plan = readPlan(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  // Before the server starts: a signal's default action would skip the exit handler that kills it.
  let stopping = false;
  process.on('SIGINT', () => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write('\nSIGINT: finishing this wave, then stopping (again to abort)\n');
  });
  process.on('SIGTERM', () => process.exit(143));
  const authKey = generateAuthKey();
  const server = await startServer(plan, authKey);
  // Thousands of clients in this one process: should its thread ever block for good, fail loudly (and take the server along).
  const stopWatchdog = startStallWatchdog(STALL_LIMIT_MS, 'soak: the load generator stopped making progress, a deadlock in native code', [server.pid]);
  const stats = new SoakStats();
  try {
    const outcome = await soak(plan, authKey, server, stats, () => stopping);
    report(plan, stats, outcome, server.logCounts);
    return stats.errors.size === 0 && outcome.fresh === 'yes' && outcome.exit === 0 ? 0 : 1;
  } finally {
    stopWatchdog();
    killServers();
  }
}

process.exitCode = await main();
