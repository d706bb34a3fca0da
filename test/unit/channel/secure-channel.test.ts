import QUnit from 'qunit';
import type { FrameChannel } from '../../../src/channel/frame-channel.js';
import { SecureChannel } from '../../../src/channel/secure-channel.js';
import { CipherState } from '../../../src/crypto/cipher-state.js';
import { transportKeysInUse } from '../../../src/crypto/transport-keys.js';
import { assertThrowsCode, assertThrowsType } from '../../helpers/assert-throws.js';
import { connectChannels } from '../../helpers/channel-pair.js';

const PSK = Buffer.alloc(32, 0x5a);
const MESSAGE = '{"request":"echo","id":1,"data":{"text":"héllo ✓"}}';

const connect = (): ReturnType<typeof connectChannels> => connectChannels(PSK);

/** Close code of every crypto failure. */
const CLOSE = { closeCode: 4002 } as const;

function sealed(channel: FrameChannel, text = MESSAGE): Buffer {
  return channel.seal(text) as Buffer;
}

QUnit.module('src/channel/secure-channel', () => {
  QUnit.test('close() zeroes and frees both keys; seal and open then throw NOT_CONNECTED instead of passing text through', (assert) => {
    const { client, server } = connect();
    const frame = sealed(client);
    const inUse = transportKeysInUse();
    server.close();
    assert.strictEqual(transportKeysInUse(), inUse - 2, 'both of the server side\'s keys are released');
    assertThrowsCode(assert, () => server.seal(MESSAGE), 'NOT_CONNECTED');
    assertThrowsCode(assert, () => server.open(frame, true), 'NOT_CONNECTED');
    server.close();
    assert.strictEqual(transportKeysInUse(), inUse - 2, 'a second close releases nothing more');
    client.close();
  });

  QUnit.test('round-trips messages both ways as binary frames of ciphertext and a 16-byte tag', (assert) => {
    const { client, server } = connect();
    assert.true(client.encrypted);
    for (const text of [MESSAGE, '', 'x'.repeat(100_000)]) {
      const up = sealed(client, text);
      assert.strictEqual(up.length, Buffer.byteLength(text) + 16);
      assert.false(up.includes(Buffer.from('echo')), 'no plaintext on the wire');
      assert.strictEqual(server.open(up, true), text);
      assert.strictEqual(client.open(sealed(server, text), true), text);
    }
  });

  QUnit.test('the same message seals to different frames each time', (assert) => {
    const { client } = connect();
    assert.notStrictEqual(sealed(client).toString('hex'), sealed(client).toString('hex'));
  });

  QUnit.test('a frame with any one byte flipped fails with DECRYPT_FAILED (4002)', (assert) => {
    const { client, server } = connect();
    const frame = sealed(client);
    for (let i = 0; i < frame.length; i += 1) {
      const tampered = Buffer.from(frame);
      tampered[i]! ^= 0x01;
      const message = `byte ${i}`;
      assertThrowsCode(assert, () => server.open(tampered, true), 'DECRYPT_FAILED', { ...CLOSE, message });
    }
    assert.strictEqual(server.open(frame, true), MESSAGE, 'the genuine frame still opens');
  });

  QUnit.test('rejects a replayed frame', (assert) => {
    const { client, server } = connect();
    const frame = sealed(client);
    server.open(frame, true);
    assertThrowsCode(assert, () => server.open(frame, true), 'DECRYPT_FAILED', CLOSE);
  });

  QUnit.test('rejects frames delivered out of order', (assert) => {
    const { client, server } = connect();
    sealed(client, 'first');
    const second = sealed(client, 'second');
    assertThrowsCode(assert, () => server.open(second, true), 'DECRYPT_FAILED', CLOSE);
  });

  QUnit.test('rejects a frame reflected back to its sender', (assert) => {
    const { client, server } = connect();
    assertThrowsCode(assert, () => client.open(sealed(client), true), 'DECRYPT_FAILED', CLOSE);
    assertThrowsCode(assert, () => server.open(sealed(server), true), 'DECRYPT_FAILED', CLOSE);
  });

  QUnit.test('rejects truncated frames, down to shorter than the tag', (assert) => {
    const { client, server } = connect();
    const frame = sealed(client);
    for (const length of [frame.length - 1, 16, 15, 0]) {
      const truncated = frame.subarray(0, length);
      const message = `${length} bytes`;
      assertThrowsCode(assert, () => server.open(truncated, true), 'DECRYPT_FAILED', { ...CLOSE, message });
    }
  });

  QUnit.test('rejects a frame from a different session', (assert) => {
    const first = connect();
    const second = connect();
    const frame = sealed(first.client);
    assertThrowsCode(assert, () => second.server.open(frame, true), 'DECRYPT_FAILED', CLOSE);
  });

  QUnit.test('refuses a text frame with DECRYPT_FAILED', (assert) => {
    const { client, server } = connect();
    assertThrowsCode(assert, () => server.open(sealed(client), false), 'DECRYPT_FAILED', CLOSE);
  });

  QUnit.test('refuses an authentic frame whose plaintext is not UTF-8 with MALFORMED_FRAME', (assert) => {
    const key = Buffer.alloc(32, 1);
    const [peerSend, send, receive] = [new CipherState(), new CipherState(), new CipherState()];
    peerSend.initializeKey(key);
    receive.initializeKey(key);
    send.initializeKey(Buffer.alloc(32, 2));
    const frame = peerSend.encryptWithAd(Buffer.alloc(0), Buffer.from([0x22, 0xff, 0x22]));
    assertThrowsCode(assert, () => new SecureChannel(send, receive).open(frame, true), 'MALFORMED_FRAME', {
      closeCode: 4004,
    });
  });

  QUnit.test('refuses to seal once the nonces are used up, with NONCE_EXHAUSTED (4002)', (assert) => {
    const [send, receive] = [new CipherState(), new CipherState()];
    send.initializeKey(Buffer.alloc(32, 1));
    receive.initializeKey(Buffer.alloc(32, 2));
    send.setNonce(2n ** 64n - 2n);
    const channel = new SecureChannel(send, receive);
    channel.seal(MESSAGE);
    assertThrowsCode(assert, () => channel.seal(MESSAGE), 'NONCE_EXHAUSTED', CLOSE);
  });

  QUnit.test('refuses cipher states without a key', (assert) => {
    assertThrowsType(assert, () => new SecureChannel(new CipherState(), new CipherState()), TypeError);
  });
});
