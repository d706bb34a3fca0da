import QUnit from 'qunit';
import { createChannelHandshake, type ChannelHandshake } from '../../../src/channel/frame-channel.js';
import { HANDSHAKE_FRAME_BYTES } from '../../../src/protocol/constants.js';
import { assertThrowsCode, assertThrowsType } from '../../helpers/assert-throws.js';

const PSK = Buffer.alloc(32, 0x5a);

function handshake(role: 'client' | 'server', psk = PSK): ChannelHandshake {
  return createChannelHandshake({ role, encryption: true, psk });
}

/** Asserts `run` throws HANDSHAKE_FAILED with close code 4002. */
function assertRefused(assert: Assert, run: () => unknown, message = 'refused: HANDSHAKE_FAILED'): void {
  assertThrowsCode(assert, run, 'HANDSHAKE_FAILED', { closeCode: 4002, message });
}

QUnit.module('src/channel/noise-handshake', () => {
  QUnit.test('the client opens with one binary frame of HANDSHAKE_FRAME_BYTES; the server waits', (assert) => {
    const first = handshake('client').start();
    assert.strictEqual(first.send?.length, HANDSHAKE_FRAME_BYTES);
    assert.strictEqual(first.channel, undefined);
    assert.deepEqual(handshake('server').start(), {});
  });

  QUnit.test('the server answers frame 1 with frame 2 and its channel; then the client has one', (assert) => {
    const client = handshake('client');
    const server = handshake('server');
    server.start();
    const reply = server.receive(client.start().send!, true);
    assert.strictEqual(reply.send?.length, HANDSHAKE_FRAME_BYTES);
    assert.true(reply.channel?.encrypted);
    const done = client.receive(reply.send!, true);
    assert.strictEqual(done.send, undefined);
    assert.strictEqual(done.channel?.open(reply.channel!.seal('{"a":1}') as Buffer, true), '{"a":1}');
  });

  QUnit.test('a server with a different PSK refuses frame 1 with HANDSHAKE_FAILED (4002)', (assert) => {
    const server = handshake('server', Buffer.alloc(32, 0x5b));
    server.start();
    const frame1 = handshake('client').start().send!;
    assertRefused(assert, () => server.receive(frame1, true));
  });

  QUnit.test('refuses a text frame during the handshake', (assert) => {
    const server = handshake('server');
    server.start();
    const frame1 = handshake('client').start().send!;
    assertRefused(assert, () => server.receive(frame1, false));
  });

  QUnit.test('refuses frames one byte short or long', (assert) => {
    const frame1 = handshake('client').start().send!;
    const short = frame1.subarray(0, HANDSHAKE_FRAME_BYTES - 1);
    const long = Buffer.concat([frame1, Buffer.alloc(1)]);
    for (const frame of [short, long]) {
      const server = handshake('server');
      server.start();
      assertRefused(assert, () => server.receive(frame, true), `${frame.length} bytes`);
    }
  });

  QUnit.test('a client refuses its own frame 1 reflected back as frame 2', (assert) => {
    const client = handshake('client');
    const frame1 = client.start().send!;
    assertRefused(assert, () => client.receive(frame1, true));
  });

  QUnit.test('refuses a second handshake frame once the channel exists, on both sides', (assert) => {
    const client = handshake('client');
    const server = handshake('server');
    server.start();
    const frame1 = client.start().send!;
    const reply = server.receive(frame1, true);
    client.receive(reply.send!, true);
    assertRefused(assert, () => server.receive(frame1, true));
    assertRefused(assert, () => client.receive(reply.send!, true));
  });

  QUnit.test('a failed handshake stays failed, even for a then-valid frame', (assert) => {
    const server = handshake('server');
    server.start();
    const frame1 = handshake('client').start().send!;
    assertRefused(assert, () => server.receive(Buffer.alloc(HANDSHAKE_FRAME_BYTES), true));
    assertRefused(assert, () => server.receive(frame1, true));
  });

  QUnit.test('refuses start() twice and a frame before start()', (assert) => {
    const client = handshake('client');
    client.start();
    assertRefused(assert, () => client.start());
    const server = handshake('server');
    assertRefused(assert, () => server.receive(Buffer.alloc(HANDSHAKE_FRAME_BYTES), true));
  });

  QUnit.test('encryption without a PSK is a programming error', (assert) => {
    const options = { role: 'client', encryption: true, psk: null } as const;
    assertThrowsType(assert, () => createChannelHandshake(options), TypeError);
  });

  QUnit.module('with a browser key', () => {
    const PAGE_PSK = Buffer.alloc(32, 0x3c);
    const server = (): ChannelHandshake => createChannelHandshake({ role: 'server', encryption: true, psk: PSK, browserPsk: PAGE_PSK });

    for (const [psk, keyName] of [[PSK, 'service'], [PAGE_PSK, 'browser']] as const) {
      QUnit.test(`a server with both keys accepts the ${keyName} key and says which one it was`, (assert) => {
        const client = handshake('client', psk);
        const responder = server();
        responder.start();
        const reply = responder.receive(client.start().send!, true);
        assert.strictEqual(reply.keyName, keyName);
        const done = client.receive(reply.send!, true);
        assert.strictEqual(reply.channel!.open(done.channel!.seal('hi') as Buffer, true), 'hi', 'the channel works under that key');
      });
    }

    QUnit.test('a third key is refused; a client never takes the browser key', (assert) => {
      const responder = server();
      responder.start();
      assertRefused(assert, () => responder.receive(handshake('client', Buffer.alloc(32, 1)).start().send!, true));
      const client = createChannelHandshake({ role: 'client', encryption: true, psk: PSK, browserPsk: PAGE_PSK });
      const pageOnly = handshake('server', PAGE_PSK);
      pageOnly.start();
      assertRefused(assert, () => pageOnly.receive(client.start().send!, true), 'a client offers its service key only');
    });
  });
});
