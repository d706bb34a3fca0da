/**
 * `/metrics` of `serve --workers 2` with real processes: any worker answers for the whole
 * node, a worker that does not answer in time or dies is left out without holding up the
 * scrape. The compiled CLI runs: build first. Clients live in this process.
 */
import { fileURLToPath } from 'node:url';
import QUnit from 'qunit';
import { SocketClient, silentLogger } from '../../src/index.js';
import { COLLECT_DEADLINE_MS } from '../../src/metrics/cluster-metrics-hub.js';
import { PRIMARY_WAIT_MS } from '../../src/metrics/cluster-worker-metrics.js';
import { httpGet, sample, type HttpAnswer } from '../helpers/http-scrape.js';
import { killAllServe, startServe } from '../helpers/serve-process.js';
import { TEST_KEY } from '../helpers/start-server.js';
import { nextEvent, waitUntil, within } from '../helpers/wait-for.js';

const HANDLERS = fileURLToPath(new URL('../fixtures/handlers/scale', import.meta.url));
const SETTINGS = { SOCKET_AUTH_KEY: TEST_KEY, SOCKET_HANDLER_DIR: HANDLERS, SOCKET_METRICS: 'true' };
const AUTHENTICATED = 'dropsocket_connections{encryption="on",authenticated="true"}';
const HANDSHAKES = 'dropsocket_handshakes_total{result="ok"}';
const ECHO_CALLS = 'dropsocket_handler_duration_seconds_count{request="echo"}';
/** Enough connections that the kernel's round robin gives each worker some (asserted, not hoped). */
const PER_WORKER = 3;

const clients = new Set<SocketClient>();

/** Connects (one echo call each) until both workers serve at least PER_WORKER; the clients by worker pid. */
async function spreadOverTwoWorkers(port: number): Promise<SocketClient[][]> {
  const byPid = new Map<number, SocketClient[]>();
  for (let attempt = 0; attempt < 8 * PER_WORKER; attempt++) {
    // No reconnect: a client of a killed worker must not reappear on the other one.
    const client = new SocketClient({ singleton: false, address: `ws://127.0.0.1:${port}`, authKey: TEST_KEY, loadHandlers: false, logger: silentLogger, maxReconnectAttempts: 0 });
    clients.add(client);
    await client.init();
    await client.request('echo', attempt);
    const { pid } = client.authResponse as { pid: number };
    byPid.set(pid, [...(byPid.get(pid) ?? []), client]);
    const groups = [...byPid.values()];
    if (groups.length === 2 && groups.every((group) => group.length >= PER_WORKER)) return groups;
  }
  throw new Error(`${8 * PER_WORKER} connections did not reach both workers: ${[...byPid].map(([pid, group]) => `${pid}: ${group.length}`).join(', ')}`);
}

function pidOf(client: SocketClient): number {
  return (client.authResponse as { pid: number }).pid;
}

/** The figures of a scrape that every worker's answer must agree on. */
function figures(scrape: HttpAnswer): Record<string, number | undefined> {
  const read = (series: string): number | undefined => sample(scrape.body, series);
  return { status: scrape.status, connections: read(AUTHENTICATED), handshakes: read(HANDSHAKES), echoCalls: read(ECHO_CALLS), workers: read('dropsocket_workers'), reporting: read('dropsocket_workers_reporting') };
}

QUnit.module('e2e: serve --workers 2 /metrics', (hooks) => {
  hooks.afterEach(async () => {
    for (const client of clients) await client.close();
    clients.clear();
    await killAllServe();
  });

  QUnit.test('a scrape of any worker reports the whole node, the same from each, also when scraped at once', async (assert) => {
    const serve = await startServe(['--workers', '2'], SETTINGS);
    const total = (await spreadOverTwoWorkers(serve.port)).flat().length;
    const node = { status: 200, connections: total, handshakes: total, echoCalls: total, workers: 2, reporting: 2 };
    // Six at once: the round robin hands them to both workers, and their questions overlap in the primary.
    const scrapes = await Promise.all(Array.from({ length: 6 }, () => httpGet(serve.port, '/metrics')));
    scrapes.push(await httpGet(serve.port, '/metrics'), await httpGet(serve.port, '/metrics'));
    assert.deepEqual(scrapes.map(figures), scrapes.map(() => node), `${total} connections over two workers`);
    const text = scrapes[0]!.body;
    assert.strictEqual(text.split('\n').filter((line) => line === '# TYPE dropsocket_connections gauge').length, 1, 'each metric once');
    assert.false(text.startsWith('# dropsocket:'), 'complete: no remark');
    assert.true((sample(text, 'process_resident_memory_bytes') ?? 0) > 0);
  });

  QUnit.test('a worker that does not answer in time is left out at the deadline, its counters kept; once it answers it counts again', async (assert) => {
    const serve = await startServe(['--workers', '2'], SETTINGS);
    const [stoppedClients, liveClients] = await spreadOverTwoWorkers(serve.port);
    const total = stoppedClients!.length + liveClients!.length;
    assert.strictEqual(figures(await httpGet(serve.port, '/metrics')).reporting, 2, 'both answered once');
    const stopped = pidOf(stoppedClients![0]!);
    process.kill(stopped, 'SIGSTOP');
    let scrapes: Array<Promise<HttpAnswer>> = [];
    try {
      const started = performance.now();
      // The round robin may hand one of them to the stopped worker (it answers once resumed); never both.
      scrapes = [httpGet(serve.port, '/metrics', 10_000), httpGet(serve.port, '/metrics', 10_000)];
      const first = await within(Promise.any(scrapes), PRIMARY_WAIT_MS + 2000, 'a scrape answered by the live worker');
      const elapsed = performance.now() - started;
      assert.true(elapsed >= COLLECT_DEADLINE_MS - 20 && elapsed < PRIMARY_WAIT_MS, `answered at the primary's deadline (${Math.round(elapsed)} ms)`);
      assert.deepEqual(figures(first), { status: 200, connections: liveClients!.length, handshakes: total, echoCalls: total, workers: 2, reporting: 1 }, 'its connections left out, its counters as of its last answer');
      assert.true(first.body.startsWith('# dropsocket: 1 of 2 workers did not answer in time'), first.body.slice(0, 100));
    } finally {
      process.kill(stopped, 'SIGCONT');
    }
    for (const scrape of await Promise.all(scrapes)) assert.strictEqual(scrape.status, 200);
    const after = figures(await httpGet(serve.port, '/metrics'));
    assert.deepEqual(after, { status: 200, connections: total, handshakes: total, echoCalls: total, workers: 2, reporting: 2 }, 'its late answers were not mixed into later scrapes');
  });

  QUnit.test('a worker killed with SIGKILL is not waited for: the scrape answers at once, without its connections, with its counters', async (assert) => {
    const serve = await startServe(['--workers', '2'], SETTINGS);
    const [killedClients, liveClients] = await spreadOverTwoWorkers(serve.port);
    const total = killedClients!.length + liveClients!.length;
    assert.strictEqual(figures(await httpGet(serve.port, '/metrics')).handshakes, total);
    const closed = killedClients!.map((client) => nextEvent(client.events, 'disconnect', 5000));
    process.kill(pidOf(killedClients![0]!), 'SIGKILL');
    await Promise.all(closed);
    // The primary has seen the exit (it logs the restart): the kernel no longer hands it connections.
    await waitUntil(() => serve.stderr().includes('worker exited; restarting it'), 5000, 'the primary to see the exit');
    const started = performance.now();
    const scrape = figures(await httpGet(serve.port, '/metrics'));
    const elapsed = performance.now() - started;
    assert.true(elapsed < COLLECT_DEADLINE_MS, `not waited for (${Math.round(elapsed)} ms)`);
    assert.deepEqual([scrape.status, scrape.connections, scrape.handshakes, scrape.echoCalls], [200, liveClients!.length, total, total], 'its connections gone, its counters kept');
    assert.strictEqual(serve.child.exitCode, null, 'the primary kept running');
  });
});
