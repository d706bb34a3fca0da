/**
 * What recovery costs (issue 13), on one process:
 * 1. memory per disconnected session: heap after N clients went away with their sessions
 *    kept, minus the same with recovery off, over N; once with 5 broadcasts and 1 direct
 *    push still unacknowledged each (a client cut off mid-stream), once with none;
 * 2. server CPU per push delivery with recovery on vs off (numbered, kept in the tail):
 *    two servers here (on, off), their receivers in child processes, broadcasts of the bench
 *    payload in alternating batches; the CPU counted is the servers' push path, the
 *    synchronous `broadcast()` calls (encode, number, seal, write to each socket).
 *
 *   node --conditions=dropsocket-source --import tsx --expose-gc bench/recovery.ts [--quick]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { SocketClient, SocketServer, generateAuthKey, silentLogger } from 'dropsocket';
import { listenForPushes } from './load/push-sink.js';
import { LiveSession } from '../src/recovery/live-session.js';
import { stampSequence } from '../src/protocol/envelope.js';
import { fanoutData, NAMES } from './lib/payload.js';

const HANDLERS = fileURLToPath(new URL('./handlers', import.meta.url));
const CLIENT_HANDLERS = fileURLToPath(new URL('./client-handlers', import.meta.url));
const quick = process.argv.includes('--quick');
const SESSIONS = quick ? 500 : 2000;
const RECEIVERS = 100;
const BROADCASTS = quick ? 1000 : 3000;
const ROUNDS = quick ? 3 : 7;
const BATCH = 100;


async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  isolatedCost();
  if (process.argv.includes('--cpu-only')) return void (await cpuFigures());
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

/**
 * CPU per push with recovery on and off. Both servers run at once in this process, each
 * with its own receivers, and their batches alternate, so a busy machine slows both alike
 * (rounds run one after the other differed by 20% here, on a shared 2-core machine).
 */
async function cpuFigures(): Promise<void> {
  for (const encryption of [true, false]) {
    const [off, on] = [await Pusher.start(0, encryption), await Pusher.start(120_000, encryption)];
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const before = [off.cpu, on.cpu];
      for (let batch = 0; batch < BROADCASTS / BATCH; batch++) {
        for (const pusher of batch % 2 === 0 ? [off, on] : [on, off]) await pusher.batch();
      }
      ratios.push((on.cpu - before[1]!) / (off.cpu - before[0]!));
    }
    const perPush = (pusher: Pusher): number => pusher.cpu / pusher.deliveries;
    console.log(`cpu (encryption ${encryption ? 'on' : 'off'}): ${RECEIVERS} receivers, ${ROUNDS} x ${BROADCASTS} broadcasts each, batches interleaved: off ${perPush(off).toFixed(3)} us/push, on ${perPush(on).toFixed(3)} us/push, on/off ${(perPush(on) / perPush(off)).toFixed(3)}; per-round on/off: ${ratios.map((ratio) => ratio.toFixed(3)).join(' ')} (median ${median(ratios).toFixed(3)})`);
    await off.stop();
    await on.stop();
  }
}

/** A server with its receivers in a child process; counts the CPU of its broadcast calls. */
class Pusher {
  cpu = 0;
  deliveries = 0;
  #sent = 0;
  readonly #waiting = new Map<number, () => void>();

  private constructor(
    private readonly server: SocketServer,
    private readonly sink: ReturnType<typeof fork>,
  ) {
    sink.on('message', (message: { received?: number }) => this.#waiting.get(message.received ?? -1)?.());
  }

  static async start(recoveryWindow: number, encryption: boolean): Promise<Pusher> {
    const authKey = generateAuthKey();
    const server = await startServer(recoveryWindow, encryption, authKey);
    const sink = fork(fileURLToPath(import.meta.url), ['sink', String(server.port), authKey, String(encryption)], { execArgv: process.execArgv.filter((arg) => arg !== '--expose-gc') });
    await once(sink, 'message');
    return new Pusher(server, sink);
  }

  /** One batch of broadcasts; resolves when every receiver has it. */
  async batch(): Promise<void> {
    const delivered = new Promise<void>((resolve) => this.#waiting.set((this.#sent + BATCH) * RECEIVERS, resolve));
    const start = process.cpuUsage();
    for (let n = this.#sent; n < this.#sent + BATCH; n++) this.server.broadcast(NAMES.fanout, fanoutData(n));
    const used = process.cpuUsage(start);
    this.cpu += used.user + used.system;
    this.#sent += BATCH;
    this.deliveries += BATCH * RECEIVERS;
    await delivered;
  }

  async stop(): Promise<void> {
    this.sink.kill();
    await this.server.close();
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
 * The work recovery adds per delivery, alone in a loop (steadier than end to end on a busy
 * machine): keeping the push in a full tail, and stamping its number, with the encoding
 * to bytes that the channel does either way.
 */
function isolatedCost(): void {
  const text = JSON.stringify({ request: NAMES.fanout, response: fanoutData(1) });
  const loops = 2_000_000;
  const sessions = Array.from({ length: RECEIVERS }, () => new LiveSession(''));
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
    samples.plain.push(time(() => Buffer.byteLength(text)));
    samples.recovery.push(time((i) => Buffer.byteLength(stampSequence(text, sessions[i % RECEIVERS]!.add(text, 1000)))));
  }
  const [plain, recovery] = [median(samples.plain), median(samples.recovery)];
  console.log(`isolated: encoding a push to bytes ${plain.toFixed(0)} ns; with tail + number ${recovery.toFixed(0)} ns; added ${(recovery - plain).toFixed(0)} ns per delivery`);
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

// Last: the classes above must be initialised before the top-level await runs.
if (process.argv[2] === 'sink') await runSink(process.argv[3]!, process.argv[4]!, process.argv[5] === 'true');
else await main();
