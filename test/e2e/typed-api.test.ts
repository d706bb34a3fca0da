/**
 * `dropsocket types` end to end at the type level: a consumer project with the typed-api
 * fixture handlers, the generated declaration, and tsc (strict, exactOptionalPropertyTypes,
 * skipLibCheck off) on a file that must compile and one whose every marked line must fail
 * with the marked error. Uses the built dist/ types, as a user's install does.
 */
import { fileURLToPath } from 'node:url';
import QUnit from 'qunit';
import { writeApiTypes } from '../../src/cli/tool-commands.js';
import { ConsumerProject, type Problem } from '../helpers/consumer-project.js';

const HANDLERS = fileURLToPath(new URL('../fixtures/typed-api/socket-handlers', import.meta.url));

/** Uses every kind of handler correctly; also pins the untyped client's signature. */
const GOOD = `
import { SocketClient, type ClientRequestOptions, type PushAnswer, type PushName, type PushPayload, type RequestName } from 'dropsocket';
import { SocketClient as PageClient } from 'dropsocket/browser';
import type Api from './dropsocket-api.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export async function typed(client: SocketClient<Api>): Promise<void> {
  const joined = await client.request('room.join', { room: 'lobby' });
  const room: string = joined.room;
  const members: number = joined.members;
  const sum: number = await client.request('add', { a: 1, b: '2' });
  const pong: 'pong' = await client.request('ping');
  await client.request('ping', undefined, { timeout: 100 });
  const nothing: null = await client.request('silent');
  await client.request('silent', { note: 'x' });
  const waited = await client.request('slow', { ms: 1 }, { timeout: 50 });
  const anything: unknown = await client.request('legacy', { whatever: [1] });
  client.send('room.join', { room: 'lobby' });
  client.send({ request: 'room.join', data: { room: 'lobby' } });
  client.send('ping');
  client.send({ request: 'ping' });
  const names: Equal<RequestName<Api>, 'add' | 'legacy' | 'ping' | 'room.join' | 'silent' | 'slow'> = true;
  const pushes: Equal<PushName<Api>, 'legacy' | 'news' | 'question'> = true;
  const headline: Equal<PushPayload<Api, 'news'>, { headline: string }> = true;
  const answer: Equal<PushAnswer<Api, 'question'>, { answer: string }> = true;
  console.log(room, members, sum, pong, nothing, waited.waited.toFixed(), anything, names, pushes, headline, answer);
}

export async function page(client: PageClient<Api>): Promise<void> {
  const joined = await client.request('room.join', { room: 'lobby' });
  const members: number = joined.members;
  client.send('ping');
  client.handle('news', (payload) => {
    const headline: string = payload.headline;
    console.log(headline);
  });
  client.handle('question', async () => ({ answer: 'yes' }));
  console.log(members);
}

export async function untypedPage(client: PageClient): Promise<void> {
  const exact: Equal<PageClient['request'], <T = unknown>(request: string, data?: unknown, options?: ClientRequestOptions) => Promise<T>> = true;
  const anything: unknown = await client.request('no.such.name', 1);
  client.handle('anything', (payload) => payload);
  console.log(exact, anything);
}

export async function untyped(client: SocketClient): Promise<void> {
  const exact: Equal<SocketClient['request'], <T = unknown>(request: string, data?: unknown, options?: ClientRequestOptions) => Promise<T>> = true;
  const sum = await client.request<{ sum: number }>('add', { a: 1, b: 2 });
  const anything: unknown = await client.request('no.such.name', 'any data');
  client.send('anything', 1);
  client.send({ request: 'anything' });
  console.log(exact, sum.sum.toFixed(), anything);
}
`;

/** Each marked line must fail with exactly the marked error, and nothing else may fail. */
const BAD = `
import type { SocketClient } from 'dropsocket';
import type { SocketClient as PageClient } from 'dropsocket/browser';
import type Api from './dropsocket-api.js';

export async function wrong(client: SocketClient<Api>): Promise<void> {
  await client.request('room.jion', { room: 'lobby' }); // expect TS2345
  await client.request('room.join', { rom: 'lobby' }); // expect TS2561
  await client.request('room.join'); // expect TS2554
  await client.request('add', { a: 1, b: 2 }); // expect TS2322
  const joined = await client.request('room.join', { room: 'lobby' });
  console.log(joined.roomName); // expect TS2339
  const sum: string = await client.request('add', { a: 1, b: '2' }); // expect TS2322
  await client.request('news', { headline: 'x' }); // expect TS2345
  await client.request('auth', { authKey: 'k' }); // expect TS2345
  client.send('room.jion', { room: 'lobby' }); // expect TS2345
  client.send({ request: 'room.join', data: { room: 7 } }); // expect TS2769
  console.log(sum);
}

export async function wrongPage(client: PageClient<Api>): Promise<void> {
  await client.request('room.jion', { room: 'lobby' }); // expect TS2345
  client.handle('nows', () => undefined); // expect TS2345
  client.handle('news', (payload) => console.log(payload.title)); // expect TS2339
  client.handle('question', () => ({ answer: 42 })); // expect TS2322
}
`;

function expectedProblems(source: string): Array<{ line: number; code: number }> {
  return source.split('\n').flatMap((text, index) => {
    const marked = /\/\/ expect TS(\d+)$/.exec(text);
    return marked === null ? [] : [{ line: index + 1, code: Number(marked[1]) }];
  });
}

function lineAndCode(problems: readonly Problem[]): Array<{ line: number; code: number }> {
  return problems.map(({ line, code }) => ({ line, code })).sort((a, b) => a.line - b.line);
}

QUnit.module('e2e/typed-api (dropsocket types + tsc)', (hooks) => {
  let project: ConsumerProject;

  hooks.beforeEach(() => {
    project = new ConsumerProject(['zod']);
  });

  hooks.afterEach(() => project.remove());

  QUnit.test('correct calls to every kind of handler compile; a wrong name, wrong data or wrong use of a result fails with the expected error', async (assert) => {
    // One tsc run for both files: with skipLibCheck off it checks every declaration file
    // (@types/node, zod), which takes seconds on a busy machine.
    assert.timeout(120_000);
    project.copy(HANDLERS, 'socket-handlers');
    await writeApiTypes({}, project.dir);
    project.write('good.ts', GOOD);
    project.write('bad.ts', BAD);
    const problems = project.typeCheck(['good.ts', 'bad.ts']);

    const outside = problems.filter((problem) => !problem.file.endsWith('/bad.ts'));
    assert.deepEqual(outside, [], outside.map((problem) => `${problem.file}:${problem.line} TS${problem.code} ${problem.message}`).join('\n'));
    const bad = problems.filter((problem) => problem.file.endsWith('/bad.ts'));
    assert.deepEqual(lineAndCode(bad), expectedProblems(BAD), bad.map((problem) => `${problem.line} TS${problem.code} ${problem.message}`).join('\n'));
    const misspeltLine = BAD.split('\n').findIndex((text) => text.includes("client.request('room.jion'")) + 1;
    const misspelt = bad.find((problem) => problem.line === misspeltLine);
    assert.true(misspelt?.message.includes('"room.join"') === true, `the error lists the real names: ${misspelt?.message}`);
  });
});
