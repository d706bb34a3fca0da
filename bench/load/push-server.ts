/**
 * A child process of bench/recovery.ts: a dropsocket server (recovery on or off) whose
 * receivers, real SocketClients, run in a child of its own. Each `batch` command
 * broadcasts BATCH pushes and answers, once every receiver has them, with the CPU this
 * process used from the first broadcast on (all threads: GC helpers count) and the time its
 * garbage collections took. A process per server, so the GC work that kept pushes cause is
 * charged to the server that keeps them.
 *
 *   node [--min-semi-space-size=MB --max-semi-space-size=MB] --conditions=dropsocket-source --import tsx bench/load/push-server.ts server WINDOW_MS ENCRYPTION HEARTBEAT_MS
 *   (its receivers: ... push-server.ts sink PORT AUTH_KEY ENCRYPTION HEARTBEAT_MS)
 */
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';
import { SocketClient, SocketServer, generateAuthKey, silentLogger } from 'dropsocket';
import { cleanEnv, spawnNode, stopChild, type Child } from '../lib/child.js';
import { fanoutData, NAMES } from '../lib/payload.js';
import { listenForPushes } from './push-sink.js';

/** Receivers per server, and broadcasts per batch. */
export const RECEIVERS = 100;
export const BATCH = 100;
/** The CPU the servers run on; their receivers run on the other one. */
export const SERVER_CPU = 0;
const SINK_CPU = 1;
const BATCH_TIMEOUT_MS = 60_000;

/** What a server answers to `batch`. */
export interface BatchCost {
  /** CPU of the server process (user + system, all threads), µs. */
  cpu: number;
  /** Time its garbage collections took, µs. */
  gc: number;
}

const HANDLERS = fileURLToPath(new URL('../handlers', import.meta.url));
const CLIENT_HANDLERS = fileURLToPath(new URL('../client-handlers', import.meta.url));
const SCRIPT = fileURLToPath(import.meta.url);
const NODE_ARGS = ['--conditions=dropsocket-source', '--import', './bench/lib/child-preload.mjs', '--import', 'tsx', SCRIPT];

/** Starts a server child (its young generation fixed at `semiSpaceMb`, unless 0); resolves once its receivers are connected. */
export async function startPushServer(recoveryWindow: number, encryption: boolean, heartBeatInterval: number, semiSpaceMb: number): Promise<Child> {
  const heap = semiSpaceMb > 0 ? [`--min-semi-space-size=${semiSpaceMb}`, `--max-semi-space-size=${semiSpaceMb}`] : [];
  const child = spawnNode({ name: `push server (recovery ${recoveryWindow})`, nodeArgs: [...heap, ...NODE_ARGS, 'server', String(recoveryWindow), String(encryption), String(heartBeatInterval)], env: cleanEnv({}), cpu: SERVER_CPU, ipc: true });
  await once(child.process, 'message');
  return child;
}

/** Stops a server child and, through its signal handler (lib/child.ts), its receivers. */
export function stopPushServer(server: Child): Promise<void> {
  return stopChild(server, 'SIGTERM');
}

/** One batch on `server`: its cost once every receiver has it. */
export async function runBatch(server: Child): Promise<BatchCost> {
  server.process.send('batch');
  // A receiver that dropped would never report the batch: fail, never hang.
  const [cost] = (await once(server.process, 'message', { signal: AbortSignal.timeout(BATCH_TIMEOUT_MS) })) as [BatchCost];
  return cost;
}

async function serve(recoveryWindow: number, encryption: boolean, heartBeatInterval: string): Promise<void> {
  const authKey = generateAuthKey();
  const server = new SocketServer({ singleton: false, port: 0, handlerDir: HANDLERS, authKey, encryption, logger: silentLogger, recoveryWindow, maxConnections: Infinity });
  await server.init();
  const sink: Child = spawnNode({ name: 'receivers', nodeArgs: [...NODE_ARGS, 'sink', String(server.port), authKey, String(encryption), heartBeatInterval], env: cleanEnv({}), cpu: SINK_CPU, ipc: true });
  await once(sink.process, 'message');
  let gcMs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  }).observe({ entryTypes: ['gc'] });
  let sent = 0;
  process.on('message', (command: string) => {
    if (command === 'batch') void batch().then((cost) => process.send!(cost));
  });
  async function batch(): Promise<BatchCost> {
    const delivered = new Promise<void>((resolve) => {
      const target = (sent + BATCH) * RECEIVERS;
      const onReceipt = (receipt: { received: number }): void => {
        if (receipt.received < target) return;
        sink.process.off('message', onReceipt);
        resolve();
      };
      sink.process.on('message', onReceipt);
    });
    const [start, gcStart] = [process.cpuUsage(), gcMs];
    for (let n = sent; n < sent + BATCH; n++) server.broadcast(NAMES.fanout, fanoutData(n));
    sent += BATCH;
    await delivered;
    // GC entries are reported asynchronously: let those of this batch arrive.
    await new Promise((resolve) => setImmediate(resolve));
    const used = process.cpuUsage(start);
    return { cpu: used.user + used.system, gc: (gcMs - gcStart) * 1000 };
  }
  process.send!('ready');
}

/** The receivers: report each time another batch has reached all of them. */
async function receive(port: string, authKey: string, encryption: boolean, heartBeatInterval: number): Promise<void> {
  let received = 0;
  const count = (): void => {
    received += 1;
    if (received % (BATCH * RECEIVERS) === 0) process.send!({ received });
  };
  for (let i = 0; i < RECEIVERS; i++) {
    const client = new SocketClient({ singleton: false, address: `ws://127.0.0.1:${port}`, authKey, encryption, handlerDir: CLIENT_HANDLERS, logger: silentLogger, maxReconnectAttempts: 0, heartBeatInterval, heartBeatTimeout: 10_000 });
    listenForPushes(client, count);
    await client.init();
  }
  process.send!('ready');
}

const [role, ...args] = process.argv.slice(2);
if (role === 'server') await serve(Number(args[0]), args[1] === 'true', args[2]!);
else if (role === 'sink') await receive(args[0]!, args[1]!, args[2] === 'true', Number(args[3]));
