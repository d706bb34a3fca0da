import { EventEmitter } from 'node:events';
import QUnit from 'qunit';
import sinon from 'sinon';
import type { EnvelopeLink } from '../../../src/channel/envelope-link.js';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { SocketError } from '../../../src/errors.js';
import { silentLogger } from '../../../src/logger.js';
import { Connection, type ConnectionContext, type ConnectionSocket } from '../../../src/server/connection.js';
import { RoomIndex } from '../../../src/server/rooms.js';

/** The slice of a ws socket a Connection touches. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  isPaused = false;
  bufferedAmount = 0;
  sent: Array<string | Buffer> = [];
  closedWith: [number, string] | undefined;
  send(frame: string | Buffer): void {
    this.sent.push(frame);
  }
  close(code: number, reason: string): void {
    this.closedWith = [code, reason];
    this.readyState = 2;
  }
  terminate(): void {
    this.readyState = 3;
  }
  pause(): void {
    this.isPaused = true;
  }
  resume(): void {
    this.isPaused = false;
  }
}

function setup(link: Partial<EnvelopeLink>, settings: Parameters<typeof resolveConfig>[0] = {}) {
  const socket = new FakeSocket();
  const closed = sinon.spy();
  const context: ConnectionContext = {
    config: resolveConfig(settings),
    logger: silentLogger,
    rooms: new RoomIndex<Connection>(),
    now: () => 0,
    received: sinon.spy(),
    socketError: sinon.spy(),
    closed,
  };
  const connection = new Connection(socket as unknown as ConnectionSocket, { close() {}, ...link } as EnvelopeLink, 'c-1', '127.0.0.1', context);
  return { socket, connection, closed, context };
}

QUnit.module('src/server/connection', (hooks) => {
  let clock: sinon.SinonFakeTimers;
  hooks.beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  hooks.afterEach(() => {
    clock.restore();
  });

  QUnit.test('a channel that can no longer seal (nonces exhausted) closes with 4002 and sends nothing', (assert) => {
    const { socket, connection } = setup({
      sealText: () => {
        throw new SocketError('NONCE_EXHAUSTED');
      },
    });
    assert.true(connection.send('news', 1), 'queued for the tick\'s record');
    clock.runMicrotasks(); // the fake clock owns nextTick, where outboxes flush
    assert.deepEqual(socket.sent, []);
    assert.deepEqual(socket.closedWith, [4002, 'NONCE_EXHAUSTED']);
  });

  QUnit.test('a send past the send-buffer limit closes with 4008 instead of queueing', (assert) => {
    const { socket, connection } = setup({ sealText: (text: string) => text }, { sendBufferLimit: 2048, maxPayload: 1024 });
    assert.true(connection.send('news', 'first'));
    clock.runMicrotasks(); // the fake clock owns nextTick, where outboxes flush
    socket.bufferedAmount = 4096;
    assert.false(connection.send('news', 'second'));
    assert.strictEqual(socket.sent.length, 1);
    assert.deepEqual(socket.closedWith, [4008, 'SEND_BUFFER_FULL']);
  });

  QUnit.test('no auth within authTimeout closes with 4003; auth in time cancels it', (assert) => {
    const late = setup({ sealText: (text: string) => text }, { authTimeout: 1000 });
    const early = setup({ sealText: (text: string) => text }, { authTimeout: 1000 });
    early.connection.markAuthenticated();
    clock.tick(1001);
    assert.deepEqual(late.socket.closedWith, [4003, 'AUTH_TIMEOUT']);
    assert.strictEqual(early.socket.closedWith, undefined);
  });

  QUnit.test('a peer that never answers the close frame is terminated after a grace period', (assert) => {
    const { socket, connection } = setup({ sealText: (text: string) => text });
    connection.close(1000, 'bye');
    assert.strictEqual(socket.readyState, 2);
    clock.tick(1000);
    assert.strictEqual(socket.readyState, 3);
  });

  QUnit.test('on close, pending server calls reject DISCONNECTED and the code this side chose is reported', async (assert) => {
    const { socket, connection, closed } = setup({ sealText: (text: string) => text });
    connection.markAuthenticated();
    const pending = connection.request('question', 1).catch((error: SocketError) => error.code);
    connection.join('lobby');
    connection.fail(new SocketError('RATE_LIMITED'));
    socket.emit('close', 1006, Buffer.from(''));
    assert.strictEqual(await pending, 'DISCONNECTED');
    assert.deepEqual([...connection.rooms], []);
    assert.deepEqual(closed.firstCall.args.slice(1), [4008, 'RATE_LIMITED'], 'not the 1006 of the dead link');
  });

  QUnit.test('over the rate limit, reading pauses and the message is still handled; close lifts the pause', (assert) => {
    const { socket, connection } = setup({ receive: () => ({ envelopes: [{ request: 'echo' }] }) }, { rateLimit: 1, rateBurst: 2 });
    connection.receive(Buffer.from('a'), false);
    connection.receive(Buffer.from('b'), false);
    assert.false(socket.isPaused);
    assert.deepEqual(connection.receive(Buffer.from('c'), false), [{ request: 'echo' }], 'not refused: slowed');
    assert.true(socket.isPaused);
    assert.true(connection.readPaused);
    assert.strictEqual(socket.closedWith, undefined);
    connection.close(1000, 'bye');
    assert.false(socket.isPaused, 'a paused socket could not read the close handshake');
  });

  QUnit.test('a record is charged one per message: one frame of three spends a burst of two', (assert) => {
    const { socket, connection } = setup({ receive: () => ({ envelopes: [{ request: 'a' }, { request: 'b' }, { request: 'c' }] }) }, { rateLimit: 1, rateBurst: 2 });
    assert.strictEqual(connection.receive(Buffer.from('abc'), false)?.length, 3, 'all three handled');
    assert.true(socket.isPaused, 'reading pauses after the frame');
  });

  QUnit.test('handshake frames are not charged; with the limit off nothing is counted', (assert) => {
    const handshake = setup({ receive: () => ({ reply: Buffer.from('frame 2') }) }, { rateLimit: 1, rateBurst: 1 });
    for (let i = 0; i < 5; i++) handshake.connection.receive(Buffer.from('h'), true);
    assert.false(handshake.socket.isPaused);
    const off = setup({ receive: () => ({ envelopes: [{ request: 'echo' }] }) });
    for (let i = 0; i < 5000; i++) off.connection.receive(Buffer.from('a'), false);
    assert.false(off.socket.isPaused);
    assert.strictEqual(clock.countTimers(), 2, 'only the two auth timers: no rate timer');
  });
});
