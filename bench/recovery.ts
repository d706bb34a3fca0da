/**
 * What recovery costs (issue 13), on one process:
 * 1. memory per disconnected session: heap after N clients went away with their sessions
 *    kept, minus the same with recovery off, over N (each had 5 broadcasts and 1 direct
 *    push still unacknowledged, as a client cut off mid-stream has);
 * 2. server CPU per push delivery with recovery on vs off (numbered, kept in the tail):
 *    the server here, its receivers in a child process, broadcasts of the bench payload;
 *    the CPU counted is the server's push path, the synchronous `broadcast()` calls (encode,
 *    number, seal, write to each socket), so the receivers' noise stays out of it.
 *
 *   node --conditions=dropsocket-source --import tsx --expose-gc bench/recovery.ts [--quick]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { SocketClient, SocketServer, generateAuthKey, silentLogger } from 'dropsocket';
import { listenForPushes } from './load/push-sink.js';
import { fanoutData, NAMES } from './lib/payload.js';

const HANDLERS = fileURLToPath(new URL('./handlers', import.meta.url));
const CLIENT_HANDLERS = fileURLToPath(new URL('./client-handlers', import.meta.url));
const quick = process.argv.includes('--quick');
const SESSIONS = quick ? 500 : 2000;
const RECEIVERS = 100;
const BROADCASTS = quick ? 1000 : 3000;
const ROUNDS = quick ? 5 : 9;
const BATCH = 100;

if (process.argv[2] === 'sink') await runSink(process.argv[3]!, process.argv[4]!, process.argv[5] === 'true');
else await main();

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  await heapPerSession(0, gc); // warm-up: the first server pays for compiling and lazy state
  const memory: Record<'on' | 'off', number[]> = { on: [], off: [] };
  for (let round = 0; round < 3; round++) {
    memory.off.push(await heapPerSession(0, gc));
    memory.on.push(await heapPerSession(120_000, gc));
  }
  const [off, on] = [median(memory.off), median(memory.on)];
  console.log(`memory: ${SESSIONS} sessions away, median of 3; heap per connection that left: recovery off ${fmt(off)} B, on ${fmt(on)} B; per session kept: ${fmt(on - off)} B`);
  for (const encryption of [true, false]) {
    const samples: Record<'on' | 'off', number[]> = { on: [], off: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) samples[mode].push(await cpuPerPush(mode === 'on' ? 120_000 : 0, encryption));
    }
    const off = median(samples.off);
    const on = median(samples.on);
    console.log(`cpu (encryption ${encryption ? 'on' : 'off'}): ${RECEIVERS} receivers x ${BROADCASTS} broadcasts, median of ${ROUNDS}: off ${off.toFixed(3)} us/push, on ${on.toFixed(3)} us/push, on/off ${(on / off).toFixed(3)} (${((on / off - 1) * 100).toFixed(1)}%)`);
  }
}

function startServer(recoveryWindow: number, encryption: boolean, authKey: string): Promise<SocketServer> {
  const server = new SocketServer({ singleton: false, port: 0, handlerDir: HANDLERS, authKey, encryption, logger: silentLogger, recoveryWindow, maxConnections: Infinity });
  return server.init().then(() => server);
}

/** Heap bytes left per connection after N authenticated connections were cut off. */
async function heapPerSession(recoveryWindow: number, gc: () => void): Promise<number> {
  const authKey = generateAuthKey();
  const server = await startServer(recoveryWindow, false, authKey);
  settle(gc);
  const before = process.memoryUsage().heapUsed;
  let sockets: WebSocket[] = [];
  for (let i = 0; i < SESSIONS; i += 100) sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, SESSIONS - i) }, () => rawClient(server.port, authKey)))));
  for (let n = 0; n < 5; n++) server.broadcast(NAMES.fanout, fanoutData(n));
  for (const id of server.clientMap.keys()) server.sendTo(id, NAMES.fanout, { ...fanoutData(99), id });
  const gone = new Promise<void>((resolve) => server.events.on('disconnect', () => server.clientMap.size === 0 && resolve()));
  for (const socket of sockets) socket.terminate();
  await gone;
  sockets = [];
  await new Promise((resolve) => setTimeout(resolve, 50));
  settle(gc);
  const after = process.memoryUsage().heapUsed;
  await server.close();
  return (after - before) / SESSIONS;
}

/** A plaintext raw client, authenticated. */
async function rawClient(port: number, authKey: string): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
  await once(socket, 'open');
  socket.send(JSON.stringify({ request: NAMES.auth, id: 1, data: { authKey } }));
  await once(socket, 'message');
  return socket;
}

/** Server CPU (user + system, this process) per push delivered, in microseconds. */
async function cpuPerPush(recoveryWindow: number, encryption: boolean): Promise<number> {
  const authKey = generateAuthKey();
  const server = await startServer(recoveryWindow, encryption, authKey);
  const sink = fork(fileURLToPath(import.meta.url), ['sink', String(server.port), authKey, String(encryption)], { execArgv: process.execArgv.filter((arg) => arg !== '--expose-gc') });
  const counts = new Map<number, () => void>();
  sink.on('message', (message: { received?: number }) => counts.get(message.received ?? -1)?.());
  await once(sink, 'message');
  let cpu = 0;
  for (let sent = 0; sent < BROADCASTS; sent += BATCH) {
    const delivered = new Promise<void>((resolve) => counts.set((sent + BATCH) * RECEIVERS, resolve));
    const start = process.cpuUsage();
    for (let n = sent; n < sent + BATCH; n++) server.broadcast(NAMES.fanout, fanoutData(n));
    const used = process.cpuUsage(start);
    cpu += used.user + used.system;
    await delivered;
  }
  sink.kill();
  await server.close();
  return cpu / (BROADCASTS * RECEIVERS);
}

/** The receivers: report when each batch has reached all of them. */
async function runSink(port: string, authKey: string, encryption: boolean): Promise<void> {
  let received = 0;
  const count = (): void => {
    received += 1;
    if (received % (BATCH * RECEIVERS) === 0) process.send!({ received });
  };
  for (let i = 0; i < RECEIVERS; i++) {
    const client = new SocketClient({ singleton: false, address: `ws://127.0.0.1:${port}`, authKey, encryption, handlerDir: CLIENT_HANDLERS, logger: silentLogger, maxReconnectAttempts: 0 });
    listenForPushes(client, count);
    await client.init();
  }
  process.send!({ ready: true });
}

function settle(gc: () => void): void {
  gc();
  gc();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function fmt(bytes: number): string {
  return Math.round(bytes).toLocaleString('en');
}
