/**
 * Where an idle connection's memory goes (not a test): starts a server in this process, opens
 * N authenticated clients from a child process, runs full GCs, and prints the V8 heap per
 * connection and the object kinds (constructor names) whose count or size grew by N or more,
 * per connection, from a heap snapshot diff of 2N connections against N.
 *
 *   node --expose-gc --import tsx bench/heap-per-connection.ts [--encryption false] [--n 2000]
 */
import { fork } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { SocketServer, generateAuthKey, silentLogger } from '../src/index.js';

const { values } = parseArgs({ options: { encryption: { type: 'string', default: 'true' }, n: { type: 'string', default: '2000' }, child: { type: 'string' } } });

if (values.child !== undefined) {
  const [url, key, encryption, n] = values.child.split(' ');
  const { SocketClient } = await import('../src/index.js');
  for (let i = 0; i < Number(n); i++) {
    await new SocketClient({ singleton: false, address: url, authKey: key, encryption: encryption === 'true', loadHandlers: false, logger: silentLogger, maxReconnectAttempts: 0 }).init();
  }
  process.send!('ready');
  await new Promise(() => {});
}

type Tally = Map<string, { count: number; bytes: number }>;

function snapshotTally(): Tally {
  const file = join(tmpdir(), `heap-${process.pid}-${Date.now()}.heapsnapshot`);
  writeHeapSnapshot(file);
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: string[][] } }; nodes: number[]; strings: string[] };
  rmSync(file);
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0]!;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
  const tally: Tally = new Map();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const key = `${types[snapshot.nodes[i + typeAt!]!]}:${snapshot.strings[snapshot.nodes[i + nameAt!]!]!.slice(0, 60)}`;
    const entry = tally.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += snapshot.nodes[i + sizeAt!]!;
    tally.set(key, entry);
  }
  return tally;
}

function collect(): number {
  for (let i = 0; i < 3; i++) (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

const n = Number(values.n);
const encryption = values.encryption === 'true';
const authKey = generateAuthKey();
const server = new SocketServer({ singleton: false, port: 0, host: '127.0.0.1', handlerDir: 'bench/handlers', authKey, encryption, logger: silentLogger, maxConnections: Infinity });
await server.init();
// Fixed costs (code compiled and modules loaded by the first connections) are left out by
// diffing N connections against 2N: a first child opens N, a second child N more.
const openBatch = async (): Promise<ReturnType<typeof fork>> => {
  const child = fork(new URL(import.meta.url).pathname, ['--child', `ws://127.0.0.1:${server.port} ${authKey} ${encryption} ${n}`], { execArgv: process.execArgv.filter((flag) => flag !== '--expose-gc') });
  await new Promise((resolve) => child.once('message', resolve));
  await new Promise((resolve) => setTimeout(resolve, 500));
  return child;
};
const first = await openBatch();
// Kept as one flat string while the second snapshot is taken: a Map of its keys and counts
// would itself show up as thousands of strings and objects "per connection".
const beforeText = JSON.stringify([...snapshotTally()]);
const heapBefore = collect();
const second = await openBatch();
const heapAfter = collect();
const after = snapshotTally();
const before: Tally = new Map(JSON.parse(beforeText) as Array<[string, { count: number; bytes: number }]>);
const rows = [...after].map(([key, entry]) => {
  const old = before.get(key) ?? { count: 0, bytes: 0 };
  return { key, count: (entry.count - old.count) / n, bytes: (entry.bytes - old.bytes) / n };
}).filter((row) => row.count >= 0.9 || row.bytes >= 8).sort((a, b) => b.bytes - a.bytes);
// heapUsed moves with what the snapshots themselves leave behind; the sum of the object
// kinds that grew by about one or more per connection is the steadier figure.
const perConnection = rows.filter((row) => row.count >= 0.9).reduce((sum, row) => sum + row.bytes, 0);
process.stdout.write(`encryption ${encryption}: ${n} connections over ${n}: ${perConnection.toFixed(0)} bytes per connection in object kinds that grew by one or more each (heapUsed: ${((heapAfter - heapBefore) / n).toFixed(0)})\n`);
for (const row of rows.slice(0, 40)) process.stdout.write(`${row.bytes.toFixed(0).padStart(6)} B  ${row.count.toFixed(2).padStart(5)}/conn  ${row.key}\n`);
first.kill();
second.kill();
await server.close();
