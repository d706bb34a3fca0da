/**
 * The soak's load: waves of real SocketClients against one server. Each wave tops the
 * connected clients up to the peak (connect, handshake, auth, then echo, whoami, room.join,
 * room.say), lets every older client make a call meanwhile, then ends some clients: those
 * that came through the wave's TCP proxy are cut abruptly (the proxy destroys their sockets:
 * no close frame, 1006 on the server), and the oldest of the rest close cleanly (1000).
 */
import { SocketClient, silentLogger } from '../../src/index.js';
import { TcpProxy } from '../../test/helpers/tcp-proxy.js';
import type { SoakStats } from './soak-stats.js';

/** Settings of the load. */
export interface WaveOptions {
  port: number;
  authKey: string;
  encryption: boolean;
  /** Clients connected at the peak of each wave. */
  clients: number;
  /** Shortest time between the starts of two waves. */
  waveMs: number;
  /** Connects (and calls) in flight at once. */
  concurrency: number;
  /** Share of each wave's new clients cut abruptly at its end. */
  dropShare: number;
  /** Share of the surviving clients closed cleanly at each wave's end (oldest first). */
  closeShare: number;
  /** Clients per room: room.say reaches this many minus one. */
  roomSize: number;
}

interface Live {
  client: SocketClient;
  room: string;
}

/** Runs `work` on every item with at most `limit` running at once. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function timed<T>(stats: SoakStats, run: () => Promise<T>): Promise<T | undefined> {
  const started = performance.now();
  try {
    const result = await run();
    stats.call(performance.now() - started);
    return result;
  } catch (error) {
    stats.error(error);
    return undefined;
  }
}

/** Drives waves until `stop()` says so; leaves no client connected. */
export class WaveRunner {
  readonly #live: Live[] = [];
  #serial = 0;

  constructor(
    readonly options: WaveOptions,
    readonly stats: SoakStats,
  ) {}

  /** Runs waves while `keepGoing()` holds, then closes every client. */
  async run(keepGoing: () => boolean, onWave: (wave: number) => void): Promise<void> {
    while (keepGoing()) {
      const started = Date.now();
      await this.#wave();
      this.stats.waves += 1;
      onWave(this.stats.waves);
      const rest = this.options.waveMs - (Date.now() - started);
      if (rest > 0 && keepGoing()) await new Promise((resolve) => setTimeout(resolve, rest));
    }
    await pool(this.#live.splice(0), this.options.concurrency, (live) => this.#closeCleanly(live));
  }

  async #wave(): Promise<void> {
    const { clients, concurrency, dropShare } = this.options;
    const proxy = await TcpProxy.start(this.options.port);
    const doomed: Live[] = [];
    const fresh = Array.from({ length: Math.max(0, clients - this.#live.length) }, () => this.#serial++);
    const older = [...this.#live];
    const connecting = pool(fresh, concurrency, async (serial) => {
      const viaProxy = (serial * 0.618034) % 1 < dropShare;
      const live = await this.#connect(serial, viaProxy ? proxy.port : this.options.port);
      if (live === undefined) return;
      (viaProxy ? doomed : this.#live).push(live);
      this.stats.peakClients = Math.max(this.stats.peakClients, this.#live.length + doomed.length);
      await this.#session(live, serial);
    });
    const busyOlder = pool(older, concurrency, async ({ client }) => {
      await timed(this.stats, () => client.request('echo', 'still here'));
    });
    await Promise.all([connecting, busyOlder]);
    await proxy.close();
    this.stats.droppedAbruptly += doomed.length;
    const closing = this.#live.splice(0, Math.floor(this.#live.length * this.options.closeShare));
    await pool(closing, concurrency, (live) => this.#closeCleanly(live));
    // A cut client does not reconnect (maxReconnectAttempts 0); close() just settles its state.
    await Promise.all(doomed.map(({ client }) => client.close()));
  }

  async #connect(serial: number, port: number): Promise<Live | undefined> {
    const client = new SocketClient({
      singleton: false,
      loadHandlers: false,
      maxReconnectAttempts: 0,
      logger: silentLogger,
      address: `ws://127.0.0.1:${port}`,
      authKey: this.options.authKey,
      encryption: this.options.encryption,
      authData: { name: `soak-${serial}` },
      requestTimeout: 20_000,
      authTimeout: 20_000,
    });
    const started = performance.now();
    try {
      await client.init();
    } catch (error) {
      this.stats.error(error);
      await client.close();
      return undefined;
    }
    this.stats.connected(performance.now() - started);
    return { client, room: `room-${Math.floor(serial / this.options.roomSize)}` };
  }

  /** The calls each new client makes: echo, whoami, then join its room and say something there. */
  async #session({ client, room }: Live, serial: number): Promise<void> {
    await timed(this.stats, () => client.request('echo', { serial }));
    await timed(this.stats, () => client.request('whoami'));
    if ((await timed(this.stats, () => client.request('room.join', { room }))) === undefined) return;
    await timed(this.stats, () => client.request('room.say', { room, text: `hello from ${serial}` }));
  }

  async #closeCleanly({ client }: Live): Promise<void> {
    await client.close();
    this.stats.closedCleanly += 1;
  }
}
