/**
 * A user's handlers on a real server on 127.0.0.1 (a free port) with a connected,
 * authenticated client, in one call: the unit of a handler test. Fast timers, no logs,
 * independent instances (never the singletons), and one `close()` (or `await using`).
 */
import { fileURLToPath } from 'node:url';
import { SocketClient, type SocketClientOptions } from '../client/socket-client.js';
import { generateAuthKey } from '../crypto/psk.js';
import { silentLogger } from '../logger.js';
import type { PushName, PushPayload, SocketApi } from '../rpc/api-types.js';
import type { SocketServerOptions } from '../server/server-contract.js';
import { SocketServer } from '../server/socket-server.js';
import { PushRecorder, type NextPushOptions } from './push-recorder.js';

/** Settings the pair uses unless the test passes its own: short enough for tests to be quick. */
export const TEST_PAIR_DEFAULTS = {
  heartBeatInterval: 500,
  // Longer than the interval: a busy CI machine must not turn a slow answer into a reconnect.
  heartBeatTimeout: 2000,
  requestTimeout: 5000,
  authTimeout: 5000,
  shutdownTimeout: 1000,
  reconnectBaseDelay: 10,
  reconnectMaxDelay: 200,
  maxReconnectAttempts: 10,
} as const;

/**
 * The timers dropsocket's deadlines and heartbeats run on: the ones to fake in a test
 * (`sinon.useFakeTimers({ toFake: [...TIMERS_TO_FAKE] })`). Node's own sockets run on
 * `process.nextTick`, `queueMicrotask` and `setImmediate`, which sinon 19+ fakes by
 * default; faked, no socket ever opens and the pair never starts.
 */
export const TIMERS_TO_FAKE = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance', 'hrtime'] as const;

type ClientOwned = 'singleton' | 'address' | 'authKey' | 'encryption';

/** Options of {@link createTestPair}: server settings at the top level, client settings under `client`. */
export interface TestPairOptions extends Omit<SocketServerOptions, 'singleton' | 'port' | 'host' | 'handlerDir'> {
  /** The handler folder under test (a path, or a file URL). Client hooks load from it too unless `client.handlerDir` says otherwise. */
  handlerDir: string | URL;
  /** Client settings (`authData`, `handlerDir`, timers...); address, key and encryption follow the server. */
  client?: Omit<SocketClientOptions, ClientOwned | 'handlerDir'> & { handlerDir?: string | URL };
}

/** What `nextPush` resolves with: the push's payload type when `Api` knows the name. */
export type NextPushPayload<Api extends SocketApi | undefined, N extends string> = Api extends SocketApi ? (N extends PushName<Api> ? PushPayload<Api, N> : unknown) : unknown;

/** A running server and client; close it (or let `await using` do it) at the end of the test. */
export interface TestPair<Api extends SocketApi | undefined = undefined> extends AsyncDisposable {
  readonly server: SocketServer;
  readonly client: SocketClient<Api>;
  /**
   * The next push named `name` to `client` (or to `options.client`, one from
   * {@link TestPair.addClient}); pushes that arrived before the call are kept in order.
   * @throws SocketError `TIMEOUT` (default after 2000 ms), `CLIENT_CLOSED`
   */
  nextPush<N extends string>(name: N, options?: NextPushOptions & { client?: SocketClient<Api> }): Promise<NextPushPayload<Api, N>>;
  /** Connects and authenticates one more client (with its own `authData`, say); closed with the pair. */
  addClient(options?: TestPairOptions['client']): Promise<SocketClient<Api>>;
  /** Closes every client, then the server. Safe to call twice. */
  close(): Promise<void>;
}

/** Node 20.19+ defines it; older runtimes share the well-known registry symbol. */
const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose ?? (Symbol.for('nodejs.asyncDispose') as typeof Symbol.asyncDispose);

/**
 * Starts the handlers in `handlerDir` on 127.0.0.1 (port 0) and connects a client to them.
 * @throws SocketError what `SocketServer.init()` or `SocketClient.init()` throws; nothing is left running.
 */
export async function createTestPair<Api extends SocketApi | undefined = undefined>(options: TestPairOptions): Promise<TestPair<Api>> {
  const { handlerDir, client: clientOptions = {}, ...serverOptions } = options;
  const server = new SocketServer({
    ...TEST_PAIR_DEFAULTS,
    authKey: generateAuthKey(),
    logger: silentLogger,
    ...serverOptions,
    handlerDir: pathOf(handlerDir),
    singleton: false,
    port: 0,
    host: '127.0.0.1',
  });
  const recorders = new Map<SocketClient<Api>, PushRecorder>();
  const clients: Array<SocketClient<Api>> = [];
  let closing: Promise<void> | undefined;

  async function close(): Promise<void> {
    closing ??= (async () => {
      for (const recorder of recorders.values()) recorder.close();
      await Promise.all(clients.map((client) => client.close()));
      await server.close();
    })();
    return closing;
  }

  async function addClient(extra: TestPairOptions['client'] = {}): Promise<SocketClient<Api>> {
    const { handlerDir: hooksDir, ...settings } = { ...clientOptions, ...extra };
    const client = new SocketClient<Api>({
      ...TEST_PAIR_DEFAULTS,
      logger: silentLogger,
      ...settings,
      handlerDir: pathOf(hooksDir ?? handlerDir),
      singleton: false,
      address: `ws://127.0.0.1:${server.port}`,
      authKey: server.config.authKey,
      encryption: server.config.encryption,
    });
    clients.push(client);
    // Attached before init: a push sent during auth (onClientAuthenticated) is not missed.
    recorders.set(client, new PushRecorder(client as SocketClient<SocketApi | undefined>));
    await client.init();
    return client;
  }

  try {
    await server.init();
    const client = await addClient();
    return {
      server,
      client,
      addClient,
      close,
      nextPush: (name, { client: target = client, ...waitOptions } = {}) => {
        const recorder = recorders.get(target);
        if (recorder === undefined) return Promise.reject(new TypeError('nextPush: that client does not belong to this test pair'));
        return recorder.next(name, waitOptions) as Promise<never>;
      },
      [asyncDispose]: close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function pathOf(dir: string | URL): string {
  return dir instanceof URL ? fileURLToPath(dir) : dir;
}
