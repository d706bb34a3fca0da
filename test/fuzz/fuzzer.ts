/**
 * The fuzzer: a real server (fixture handlers, journaled) and one well-behaved client in
 * this process; cases from generators.ts go to the server one at a time on raw sockets.
 * After every case: the well-behaved client still gets its echo, every handler call came
 * from a well-formed frame, the close matches the oracle, the connection is gone from the
 * server, and the logs hold no payload. Every `sampleEvery` cases: heap after a full GC,
 * and no socket left open. Used by test/integration/fuzz.test.ts and scripts/fuzz.ts.
 */
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { derivePsk } from '../../src/crypto/psk.js';
import type { SocketClient, SocketServer } from '../../src/index.js';
import { TEST_KEY, startClient, startServer } from '../helpers/start-server.js';
import { checkCalls, checkClose, closedWith, describeCase, type Finding } from './checks.js';
import { runFrameCase } from './fuzz-peer.js';
import { generateCase, type FuzzCase, type GeneratorOptions } from './generators.js';
import { drainCalls } from './handlers/_journal.js';
import { LogCapture } from './log-capture.js';
import { predictCase, predictWire, type Prediction } from './oracle.js';
import { MARKER } from './values.js';
import { startStallWatchdog } from './stall-watchdog.js';
import { ServerWatch } from './server-watch.js';
import { runWireCase } from './wire-frames.js';
import { FuzzTally, type FuzzSummary } from './tally.js';

export type { FuzzFailure, FuzzSummary } from './tally.js';

/** Small, so frames just under and over it are cheap to build and send. */
export const FUZZ_MAX_PAYLOAD = 4096;
const FUZZ_HANDLER_DIR = fileURLToPath(new URL('./handlers', import.meta.url));
const DISCONNECT_WAIT_MS = 3000;
const SOCKETS_SETTLE_MS = 3000;
/** Longer than any wait of a case (all are bounded by a few seconds), shorter than QUnit's 20 s test timeout. */
const STALL_LIMIT_MS = 15_000;

/** Options of {@link runFuzz}; give `cases`, `seconds`, or both (whichever ends first). */
export interface FuzzOptions {
  seed: number;
  encryption: boolean;
  cases?: number | undefined;
  seconds?: number | undefined;
  /** Run only this case index (reproduction). */
  only?: number | undefined;
  /** Heap and socket sample interval, in cases. @default 100 */
  sampleEvery?: number;
  /**
   * How long a case may wait for its probe's answer or the server's close. A passing run
   * never waits it out (each wait ends on one of the two), so it is generous: a loaded
   * machine must not turn a slow answer into a failure. @default 1000
   */
  deadlineMs?: number;
  onCase?: (c: FuzzCase, findings: readonly Finding[]) => void;
}

/** A full GC, so heap samples measure what is retained, not what is merely unswept. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

function openTcpSockets(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}

/** A wire case's own close code, which the server only echoed, is tallied as `peer`. */
function peerOrCode(c: FuzzCase, code: number | undefined): number | 'peer' | undefined {
  return code !== undefined && c.wire !== undefined && (c.wire.peerCodes.includes(code) || code === 1005) ? 'peer' : code;
}

function describeEcho(value: unknown): string {
  if (value instanceof Error) return `${(value as { code?: string }).code ?? value.name}: ${value.message}`;
  return JSON.stringify(value) ?? String(value);
}

/** One run against one server. */
class FuzzRun {
  readonly tally: FuzzTally;
  readonly #gen: GeneratorOptions;
  readonly #psk: Buffer | null;
  readonly #watch: ServerWatch;
  readonly #gc = exposeGc();
  #baselineSockets = 0;
  #clientClose = '';

  constructor(
    readonly options: FuzzOptions,
    readonly server: SocketServer,
    readonly client: SocketClient,
    readonly logs: LogCapture,
    watch: ServerWatch,
  ) {
    this.#gen = { encryption: options.encryption, maxPayload: FUZZ_MAX_PAYLOAD, authKey: TEST_KEY };
    this.#psk = options.encryption ? derivePsk(TEST_KEY) : null;
    this.#watch = watch;
    this.tally = new FuzzTally(options.seed, options.encryption);
    client.events.on('disconnect', (code, reason) => (this.#clientClose = ` (its socket closed with ${code} ${reason})`));
  }

  async run(): Promise<FuzzSummary> {
    const { cases = Infinity, seconds = Infinity, only, sampleEvery = 100 } = this.options;
    const stopAt = Date.now() + seconds * 1000;
    this.#baselineSockets = openTcpSockets();
    this.#sample(0);
    for (let index = only ?? 0; index < (only === undefined ? cases : only + 1) && Date.now() < stopAt; index++) {
      const fatal = await this.#runCase(index);
      if (fatal) break;
      if ((index + 1) % sampleEvery === 0) await this.#checkResources(index);
    }
    await this.#checkResources(this.tally.cases);
    return this.tally.summary(this.logs);
  }

  /** Runs and checks case `index`; true when the run cannot go on (the good client is gone). */
  async #runCase(index: number): Promise<boolean> {
    const c = generateCase(this.options.seed, index, this.#gen);
    const followed = this.#watch.follow();
    const { prediction, timedOut, peerSawClose, answers, problems } = await this.#execute(c);
    const findings: Finding[] = problems.map((detail) => ({ kind: 'server-frame', detail }));
    if (!(await followed.closed(DISCONNECT_WAIT_MS))) findings.push({ kind: 'no-disconnect', detail: 'the server never reported the socket closed' });
    const { connection, code } = followed.get();
    const calls = drainCalls().filter((call) => call.connection === connection?.id);
    const seen = { peerSawClose, serverReported: code, timedOut, calls };
    findings.push(...checkCalls(calls, prediction), ...checkClose(c, prediction, seen), ...this.#checkServer(connection?.id));
    findings.push(...(await this.#checkClient(index)));
    const closed = peerOrCode(c, closedWith(c, seen));
    this.tally.record(c, { answers, closed, reported: peerOrCode(c, code), calls: calls.length, findings, dump: () => describeCase(c) });
    this.options.onCase?.(c, findings);
    return findings.some((finding) => finding.kind === 'client');
  }

  /** The server's state once the case's connection is gone, and what it logged meanwhile. */
  #checkServer(connectionId: string | undefined): Finding[] {
    const findings: Finding[] = [];
    if (connectionId !== undefined && this.logs.takeClosings(connectionId) > 1) {
      findings.push({ kind: 'log-repeat', detail: 'one connection was logged as closing more than once' });
    }
    for (const leak of this.logs.leaks.splice(0)) findings.push({ kind: 'log-leak', detail: `a log entry holds a payload or the key: ${leak}` });
    if (this.server.clientMap.size !== 1) {
      findings.push({ kind: 'client-map', detail: `clientMap holds ${this.server.clientMap.size} connections after the case` });
    }
    const { connects, disconnects } = this.#watch;
    if (connects - disconnects !== 1) findings.push({ kind: 'connection-tally', detail: `${connects} connects, ${disconnects} disconnects` });
    return findings;
  }

  /** The well-behaved client must still get its echo. */
  async #checkClient(index: number): Promise<Finding[]> {
    const echo = await this.client.request('echo', index, { timeout: 2000 }).catch((error: unknown) => error);
    if (echo === index) return [];
    return [{ kind: 'client', detail: `the well-behaved client's echo returned ${describeEcho(echo)}${this.#clientClose}` }];
  }

  async #execute(c: FuzzCase): Promise<{ prediction: Prediction; timedOut: boolean; peerSawClose?: number | undefined; answers: string[]; problems: string[] }> {
    const deadlineMs = this.options.deadlineMs ?? 1000;
    if (c.wire !== undefined) {
      const outcome = await runWireCase(this.server.port, c.wire, deadlineMs);
      const answers = [outcome.upgraded ? 'wire:upgraded' : 'wire:refused'];
      return { prediction: predictWire(c), timedOut: outcome.timedOut, peerSawClose: outcome.serverClose, answers, problems: [] };
    }
    const outcome = await runFrameCase(c, { url: `ws://127.0.0.1:${this.server.port}`, psk: this.#psk, authKey: TEST_KEY, deadlineMs });
    const context = { ...this.#gen, established: outcome.established, authenticated: outcome.authenticated };
    return { prediction: predictCase(c, context), timedOut: outcome.timedOut, peerSawClose: outcome.serverClose, answers: outcome.answers, problems: outcome.problems };
  }

  /** No socket left open (both ends of the good client's are the baseline), then a heap sample. */
  async #checkResources(index: number): Promise<void> {
    const deadline = Date.now() + SOCKETS_SETTLE_MS;
    while (openTcpSockets() > this.#baselineSockets && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const open = openTcpSockets();
    if (open > this.#baselineSockets) this.tally.fail(index, 'socket-leak', `${open - this.#baselineSockets} TCP sockets still open ${SOCKETS_SETTLE_MS} ms after case ${index}`);
    this.#sample(index);
  }

  #sample(index: number): void {
    this.#gc();
    this.tally.sampleHeap(index, process.memoryUsage().heapUsed);
  }
}

/** Starts a fuzz server and a well-behaved client, runs the cases, stops both, and summarises. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzSummary> {
  const mode = `seed ${options.seed}, encryption ${options.encryption ? 'on' : 'off'}`;
  const stopWatchdog = startStallWatchdog(STALL_LIMIT_MS, `fuzz (${mode}): the process stopped making progress, a deadlock in native code`);
  try {
    return await fuzzAgainstNewServer(options);
  } finally {
    stopWatchdog();
  }
}

async function fuzzAgainstNewServer(options: FuzzOptions): Promise<FuzzSummary> {
  const logs = new LogCapture([MARKER, TEST_KEY]);
  const server = await startServer({
    singleton: false,
    encryption: options.encryption,
    maxPayload: FUZZ_MAX_PAYLOAD,
    handlerDir: FUZZ_HANDLER_DIR,
    logger: logs.logger,
    // The well-behaved client calls once per case, faster than the default 500/s allows;
    // a finite limit still runs the token bucket on every frame.
    rateLimit: 1_000_000,
  });
  const watch = new ServerWatch(server);
  let client: SocketClient | undefined;
  try {
    client = await startClient(server, { singleton: false, loadHandlers: false, maxReconnectAttempts: 0, maxPayload: FUZZ_MAX_PAYLOAD });
    drainCalls();
    return await new FuzzRun(options, server, client, logs, watch).run();
  } finally {
    await client?.close();
    await server.close();
  }
}
