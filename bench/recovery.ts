/**
 * What recovery costs (issue 13), on one process:
 * 1. memory per disconnected session: heap after N clients went away with their sessions
 *    kept, minus the same with recovery off, over N; once with 5 broadcasts and 1 direct
 *    push still unacknowledged each (a client cut off mid-stream), once with none;
 * 2. server CPU per push delivery with recovery on vs off: two servers, each a process of its
 *    own (load/push-server.ts; its own heap, so the GC work of kept pushes is charged to
 *    the server keeping them) pinned to CPU 0, their receivers (real SocketClients) pinned to
 *    CPU 1; batches of broadcasts of the bench payload alternate between them, and each
 *    counts the server's whole CPU from its first broadcast until every receiver has the
 *    batch (encode, number and keep, seal, write, the writes that complete later, GC, and the
 *    heartbeats that acknowledge). A new pair each round: two processes of the same build
 *    can differ by several % on their own (up to 10% seen here). How V8 sizes the young
 *    generation as it goes is one cause, so the servers run with it fixed at 16 MB
 *    (`--semi-space 0`: V8's own sizing). Twice:
 *    receivers acknowledging with the default heartbeat (30 s: every session's tail is at
 *    its cap of 1000, the heaviest steady state), and every 250 ms (tails short);
 * 3. the work recovery adds per delivery, alone in a loop.
 *
 *   node --conditions=dropsocket-source --import tsx --expose-gc bench/recovery.ts [--quick] [--cpu-only] [--semi-space MB]
 */
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { SocketServer, generateAuthKey, silentLogger } from 'dropsocket';
import { LiveSession } from '../src/recovery/live-session.js';
import { PushStamper } from '../src/recovery/push-stamper.js';
import { PushTexts } from '../src/recovery/push-texts.js';
import { canPin } from './lib/child.js';
import { fanoutData, NAMES } from './lib/payload.js';
import { BATCH, RECEIVERS, runBatch, startPushServer, stopPushServer, type BatchCost } from './load/push-server.js';

const HANDLERS = fileURLToPath(new URL('./handlers', import.meta.url));
const { values: options } = parseArgs({ options: { quick: { type: 'boolean', default: false }, 'cpu-only': { type: 'boolean', default: false }, 'semi-space': { type: 'string', default: '16' } } });
const quick = options.quick;
/** The servers' young generation (V8 semi-space), MB; 0: V8 sizes it as it goes. */
const SEMI_SPACE_MB = Number(options['semi-space']);
const SESSIONS = quick ? 500 : 2000;
const ROUNDS = quick ? 3 : 7;
/** Measured batches per server and round, after the warm-up (which fills the tails: 12 x 100 > 1000). */
const BATCHES = quick ? 8 : 16;
const WARM_UP_BATCHES = 12;
/** How often the receivers acknowledge: their heartbeat interval, ms. */
const ACKNOWLEDGED_EVERY = [30_000, 250];

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  isolatedCost();
  if (options['cpu-only']) return void (await cpuFigures());
  await heapPerSession(0, gc, true); // warm-up: the first server pays for compiling and lazy state
  for (const pushed of [true, false]) {
    const memory: Record<'on' | 'off', number[]> = { on: [], off: [] };
    for (let round = 0; round < 3; round++) {
      memory.off.push(await heapPerSession(0, gc, pushed));
      memory.on.push(await heapPerSession(120_000, gc, pushed));
    }
    const [off, on] = [median(memory.off), median(memory.on)];
    const what = pushed ? 'each with 6 unacknowledged pushes' : 'with nothing unacknowledged';
    console.log(`memory: ${SESSIONS} sessions away, ${what}, median of 3; heap per connection that left: recovery off ${fmt(off)} B, on ${fmt(on)} B; per session kept: ${fmt(on - off)} B`);
  }
  await cpuFigures();
}

/** CPU per push delivery with recovery on and off, in alternating batches (see the header). */
async function cpuFigures(): Promise<void> {
  if (!canPin()) console.log('warning: taskset or a second CPU is missing; servers and receivers are not pinned');
  for (const encryption of [true, false]) {
    for (const heartBeatInterval of ACKNOWLEDGED_EVERY) {
      const totals = { off: { cpu: 0, gc: 0 }, on: { cpu: 0, gc: 0 } };
      const ratios: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const [off, on] = await Promise.all([startPushServer(0, encryption, heartBeatInterval, SEMI_SPACE_MB), startPushServer(120_000, encryption, heartBeatInterval, SEMI_SPACE_MB)]);
        const costs = { off: { cpu: 0, gc: 0 }, on: { cpu: 0, gc: 0 } };
        const add = (into: BatchCost, cost: BatchCost): void => {
          into.cpu += cost.cpu;
          into.gc += cost.gc;
        };
        for (let batch = 0; batch < WARM_UP_BATCHES; batch++) await Promise.all([runBatch(off), runBatch(on)]);
        for (let batch = 0; batch < BATCHES; batch++) {
          const order = batch % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const);
          for (const name of order) add(costs[name], await runBatch(name === 'on' ? on : off));
        }
        await Promise.all([stopPushServer(off), stopPushServer(on)]);
        ratios.push(costs.on.cpu / costs.off.cpu);
        add(totals.off, costs.off);
        add(totals.on, costs.on);
      }
      const deliveries = ROUNDS * BATCHES * BATCH * RECEIVERS;
      const us = (value: number): string => (value / deliveries).toFixed(2);
      const acknowledged = heartBeatInterval === 30_000 ? 'acknowledged every 30 s (tails at the cap)' : `acknowledged every ${heartBeatInterval} ms`;
      console.log(
        `cpu (encryption ${encryption ? 'on' : 'off'}, ${acknowledged}): ${RECEIVERS} receivers, ${ROUNDS} rounds x ${BATCHES} batches of ${BATCH} broadcasts per server; ` +
          `off ${us(totals.off.cpu)} us/push (gc ${us(totals.off.gc)}), on ${us(totals.on.cpu)} us/push (gc ${us(totals.on.gc)}), on/off ${(totals.on.cpu / totals.off.cpu).toFixed(3)}; ` +
          `per round ${ratios.map((ratio) => ratio.toFixed(3)).join(' ')} (min ${Math.min(...ratios).toFixed(3)}, median ${median(ratios).toFixed(3)})`,
      );
    }
  }
}

function startServer(recoveryWindow: number, encryption: boolean, authKey: string): Promise<SocketServer> {
  const server = new SocketServer({ singleton: false, port: 0, handlerDir: HANDLERS, authKey, encryption, logger: silentLogger, recoveryWindow, maxConnections: Infinity });
  return server.init().then(() => server);
}

/** Heap bytes left per connection after N authenticated connections were cut off. */
async function heapPerSession(recoveryWindow: number, gc: () => void, pushed: boolean): Promise<number> {
  const authKey = generateAuthKey();
  const server = await startServer(recoveryWindow, false, authKey);
  settle(gc);
  const before = process.memoryUsage().heapUsed;
  let sockets: WebSocket[] = [];
  for (let i = 0; i < SESSIONS; i += 100) sockets.push(...(await Promise.all(Array.from({ length: Math.min(100, SESSIONS - i) }, () => rawClient(server.port, authKey)))));
  if (pushed) {
    for (let n = 0; n < 5; n++) server.broadcast(NAMES.fanout, fanoutData(n));
    for (const id of server.clientMap.keys()) server.sendTo(id, NAMES.fanout, { ...fanoutData(99), id });
  }
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

/**
 * The work recovery adds per delivery, alone in a loop (steadier than end to end): storing
 * the text (once per broadcast), numbering the push in a full session and writing its
 * number into the bytes (the plaintext path, which copies them; the encrypted one seals the
 * shared scratch), against encoding the text to bytes, which the socket or the cipher does
 * either way. Hot caches here: end to end, each recipient's state is a cache miss.
 */
function isolatedCost(): void {
  const text = JSON.stringify({ request: NAMES.fanout, response: fanoutData(1) });
  const loops = 2_000_000;
  const sessions = Array.from({ length: RECEIVERS }, () => new LiveSession('', 1000));
  const stamper = new PushStamper();
  const texts = new PushTexts(100_000);
  const time = (run: (i: number) => number): number => {
    const start = process.cpuUsage();
    let sink = 0;
    for (let i = 0; i < loops; i++) sink += run(i);
    const used = process.cpuUsage(start);
    if (sink < 0) console.log(sink);
    return ((used.user + used.system) * 1000) / loops;
  };
  const samples = { plain: [] as number[], recovery: [] as number[] };
  for (let round = 0; round < 5; round++) {
    samples.plain.push(time(() => Buffer.from(text).length));
    samples.recovery.push(time((i) => stamper.owned(text, sessions[i % RECEIVERS]!.add(texts.positionOf(text)))!.length));
  }
  const [plain, recovery] = [median(samples.plain), median(samples.recovery)];
  console.log(`isolated: encoding a push to bytes ${plain.toFixed(0)} ns; numbered, kept in a full tail and written into bytes ${recovery.toFixed(0)} ns; added ${(recovery - plain).toFixed(0)} ns per delivery`);
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

await main();
