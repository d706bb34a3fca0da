/** Files written into the packed projects: handlers of every module kind, smoke scripts, a TypeScript consumer. */

/** Keys in `dropsocket keygen` form, so no scrypt runs. */
export const PACKAGE_KEY = 'cGFja2FnZS10ZXN0LWtleS1mb3ItZHJvcHNvY2tldDE';

/** One handler per loadable extension, each importing dropsocket by its package name and answering its kind. */
export function handlerFiles(projectType: 'module' | 'commonjs'): Record<string, string> {
  const esm = (kind: string): string =>
    `import { Handler } from 'dropsocket';\nexport default class Kind extends Handler {\n  server(): unknown {\n    return '${kind}';\n  }\n}\n`;
  const cjs = (kind: string): string => `const { Handler } = require('dropsocket');\nmodule.exports = class Kind extends Handler {\n  server() {\n    return '${kind}';\n  }\n};\n`;
  const jsEsm = (kind: string): string => esm(kind).replace('server(): unknown', 'server()');
  return {
    'socket-handlers/auth.ts': `import { Handler, secretsEqual } from 'dropsocket';
export default class Auth extends Handler {
  override server(data: unknown): unknown {
    const { authKey } = (data ?? {}) as { authKey?: unknown };
    return typeof authKey === 'string' && secretsEqual(authKey, this.socketServer.config.authKey);
  }
}
`,
    'socket-handlers/kind-ts.ts': esm('ts'),
    'socket-handlers/kind-mts.mts': esm('mts'),
    'socket-handlers/kind-cts.cts': esm('cts'),
    'socket-handlers/kind-mjs.mjs': jsEsm('mjs'),
    'socket-handlers/kind-cjs.cjs': cjs('cjs'),
    'socket-handlers/kind-js.js': projectType === 'module' ? jsEsm('js') : cjs('js'),
  };
}

/** The requests the handler files answer, and what each answers. */
export const KIND_ANSWERS = { kindTs: 'ts', kindMts: 'mts', kindCts: 'cts', kindMjs: 'mjs', kindCjs: 'cjs', kindJs: 'js' };

const smokeBody = (handlerDir: string): string => `
  const server = new SocketServer({ port: 0, handlerDir: ${JSON.stringify(handlerDir)}, authKey: KEY, logLevel: 'silent' });
  await server.init();
  const client = new SocketClient({ address: 'ws://127.0.0.1:' + server.port, authKey: KEY, loadHandlers: false, logLevel: 'silent' });
  await client.init();
  const answers = {};
  for (const name of NAMES) answers[name] = await client.request(name);
  const failure = await client.request('noSuchHandler').catch((error) => error);
  answers.errorIsSocketError = failure instanceof SocketError && failure.code === 'UNKNOWN_REQUEST';
  answers.handlerIsClass = typeof Handler === 'function';
  await client.close();
  await server.close();
  const pair = await createTestPair({ handlerDir: ${JSON.stringify(handlerDir)}, authKey: KEY, logLevel: 'silent' });
  answers.testingEntry = await pair.client.request('kindMjs');
  await pair.close();
  console.log(JSON.stringify(answers));
`;

/** A script that imports dropsocket (ESM), serves `handlerDir` and calls every handler once. */
export function esmSmoke(handlerDir: string, names: readonly string[]): string {
  return `import { Handler, SocketClient, SocketError, SocketServer } from 'dropsocket';\nimport { createTestPair } from 'dropsocket/testing';\nconst KEY = '${PACKAGE_KEY}';\nconst NAMES = ${JSON.stringify(names)};\n${smokeBody(handlerDir)}`;
}

/** The same through require(). */
export function cjsSmoke(handlerDir: string, names: readonly string[]): string {
  return `const { Handler, SocketClient, SocketError, SocketServer } = require('dropsocket');\nconst { createTestPair } = require('dropsocket/testing');\nconst KEY = '${PACKAGE_KEY}';\nconst NAMES = ${JSON.stringify(names)};\n(async () => {${smokeBody(handlerDir)}})().catch((error) => { console.error(error); process.exit(1); });\n`;
}

/** A TypeScript consumer of the public API, type-checked under the strictest common settings. */
export const TS_CONSUMER = `import { Handler, SocketClient, SocketError, SocketServer, isSocketError, type Connection, type SocketClientOptions, type SocketServerOptions } from 'dropsocket';
import { createTestPair } from 'dropsocket/testing';

export default class Join extends Handler {
  static override skipAuth = false;
  override server(data: unknown, connection: Connection): { room: string; id: string } {
    const room = typeof data === 'string' ? data : 'lobby';
    connection.join(room);
    if (connection.rooms.size > 10) throw new SocketError('TOO_MANY_ROOMS', 'Leave a room first');
    return { room, id: connection.id };
  }
}

const serverOptions: SocketServerOptions = { port: 0, singleton: false, logLevel: 'silent' };
const clientOptions: SocketClientOptions = { address: 'ws://127.0.0.1:1', authData: { name: 'worker' }, singleton: false };

export async function pairTest(): Promise<string> {
  await using pair = await createTestPair({ handlerDir: './socket-handlers', logLevel: 'silent' });
  return pair.client.request<string>('kindTs');
}

export async function roundTrip(): Promise<number> {
  const server = new SocketServer(serverOptions);
  await server.init();
  server.broadcast('news', { text: 'hi' }, { room: 'lobby', except: ['a', 'b'] });
  const client = new SocketClient(clientOptions);
  await client.init();
  try {
    return await client.request<number>('add', { a: 1, b: 2 }, { timeout: 1000 });
  } catch (error) {
    if (isSocketError(error, 'TIMEOUT')) return -1;
    throw error;
  } finally {
    await client.close();
    await server.close();
  }
}
`;

/** tsconfig.json for the consumer: strict in every way a team might turn on, and library types checked. */
export function strictTsconfig(module: string, moduleResolution: string): string {
  return `${JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022', 'ESNext.Disposable'],
        module,
        moduleResolution,
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        noImplicitOverride: true,
        noPropertyAccessFromIndexSignature: true,
        noImplicitReturns: true,
        verbatimModuleSyntax: module !== 'commonjs',
        isolatedModules: true,
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
      },
      files: ['consumer.ts'],
    },
    null,
    2,
  )}\n`;
}

/** A web page's TypeScript, checked with DOM types and no Node types at all. */
export const BROWSER_CONSUMER = `import { SocketClient, SocketError } from 'dropsocket/browser';

const client = new SocketClient({ address: 'wss://example.test/socket', authKey: 'k'.repeat(43), authData: { token: 'user-token' } });
client.handle('news', (payload) => console.log(payload));
client.onReconnected = () => document.title = 'back';

export async function ask(): Promise<string> {
  await client.init();
  try {
    return await client.request<string>('echo', 'hi', { timeout: 500 });
  } catch (error) {
    return error instanceof SocketError ? error.code : 'unknown';
  }
}
`;

/** tsconfig for {@link BROWSER_CONSUMER}: a bundler project for the browser, strict, library types checked. */
export const BROWSER_TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022', 'DOM'],
      module: 'esnext',
      moduleResolution: 'bundler',
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: false,
      noEmit: true,
      types: [],
    },
    files: ['browser-consumer.ts'],
  },
  null,
  2,
)}\n`;
