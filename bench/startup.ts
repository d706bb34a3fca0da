/**
 * Startup time and idle memory of `dropsocket serve` on JavaScript handlers, against a bare
 * `ws` server, measured the same way for both: spawn a process, time until it prints its
 * listening line, wait for it to settle, read its RSS from /proc, stop it. Alternating
 * runs, medians. Run after `npm run build` (it serves the compiled CLI, as users do).
 *
 *   node --conditions=dropsocket-source --import tsx bench/startup.ts [--runs 15] [--settle-ms 1000]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, 'settle-ms': { type: 'string', default: '1000' } } });
const RUNS = Number(values.runs);
const SETTLE_MS = Number(values['settle-ms']);
// In `dropsocket keygen` form (43 base64url characters): a phrase would be stretched by scrypt at startup.
const KEY = 'c3RhcnR1cC1iZW5jaC1rZXktZm9yLWRyb3Bzb2NrISE';

const BARE_WS = `import { WebSocketServer } from ${JSON.stringify(join(ROOT, 'node_modules', 'ws', 'wrapper.mjs'))};
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false });
server.on('connection', (socket) => socket.on('message', (frame) => socket.send(frame)));
server.on('listening', () => console.log('listening on ws://127.0.0.1:' + server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;
const handler = (body: string): string => `import { Handler } from ${JSON.stringify(join(ROOT, 'dist', 'src', 'index.js'))};\nexport default class extends Handler { ${body} }\n`;

interface Sample {
  readyMs: number;
  /** CPU time (user + system) spent until the listening line: steadier than wall time on a busy machine. */
  cpuMs: number;
  rssMiB: number;
}

const TICKS_PER_SECOND = 100;

/** utime + stime of `pid` in ms, from /proc (clock ticks are 1/100 s on Linux). */
async function cpuMsOf(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

async function measure(args: string[], env: NodeJS.ProcessEnv): Promise<Sample> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
  let stdout = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before listening`)));
  });
  const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpuMs = await cpuMsOf(child.pid!);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
  child.kill('SIGTERM');
  await once(child, 'exit');
  return { readyMs, cpuMs, rssMiB: rssKiB / 1024 };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const dir = await mkdtemp(join(tmpdir(), 'dropsocket-startup-'));
try {
  await mkdir(join(dir, 'handlers'));
  await writeFile(join(dir, 'bare-ws.mjs'), BARE_WS);
  await writeFile(join(dir, 'handlers', 'auth.js'), handler('server() { return true; }'));
  await writeFile(join(dir, 'handlers', 'echo.js'), handler('server(data) { return data; }'));
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, SOCKET_PORT: '0', SOCKET_AUTH_KEY: KEY, SOCKET_HANDLER_DIR: join(dir, 'handlers'), SOCKET_LOG_LEVEL: 'warn' };
  const samples = { dropsocket: [] as Sample[], 'bare ws': [] as Sample[] };
  for (let run = 0; run < RUNS; run++) {
    samples.dropsocket.push(await measure([join(ROOT, 'bin', 'dropsocket.js'), 'serve'], { ...env }));
    samples['bare ws'].push(await measure([join(dir, 'bare-ws.mjs')], { ...env }));
  }
  const row = (name: keyof typeof samples): [string, number, number, number] => {
    const of = (pick: (sample: Sample) => number): number => median(samples[name].map(pick));
    return [name, of((s) => s.readyMs), of((s) => s.cpuMs), of((s) => s.rssMiB)];
  };
  const [ds, ws] = [row('dropsocket'), row('bare ws')];
  console.log(`node ${process.version}, ${RUNS} alternating runs each, medians; RSS ${SETTLE_MS} ms after the listening line\n`);
  console.log('| server | spawn to listening (ms) | CPU until listening (ms) | idle RSS (MiB) |\n| --- | --- | --- | --- |');
  for (const [name, ready, cpu, rss] of [ds, ws]) console.log(`| ${name} | ${ready.toFixed(0)} | ${cpu.toFixed(0)} | ${rss.toFixed(1)} |`);
  console.log(`| ratio | ${(ds[1] / ws[1]).toFixed(2)}x | ${(ds[2] / ws[2]).toFixed(2)}x | ${(ds[3] / ws[3]).toFixed(2)}x |`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
