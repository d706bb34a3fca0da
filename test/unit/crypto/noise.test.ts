import { readFileSync } from 'node:fs';
import QUnit from 'qunit';
import { HandshakeState, type TransportCiphers } from '../../../src/crypto/noise.js';
import { SymmetricState } from '../../../src/crypto/symmetric-state.js';
import { NOISE_PROTOCOL_NAME } from '../../../src/protocol/constants.js';
import { assertThrowsCode, assertThrowsType } from '../../helpers/assert-throws.js';
import type { NoiseVector } from '../../helpers/web-noise-vector.js';

interface VectorFile {
  source: string;
  protocol: string;
  vectors: NoiseVector[];
}

const fixture = JSON.parse(
  readFileSync(new URL('../../fixtures/noise-nnpsk0.json', import.meta.url), 'utf8'),
) as VectorFile;
const vector = fixture.vectors[0]!;
const hex = (value: string): Buffer => Buffer.from(value, 'hex');
const toHex = (value: Buffer): string => value.toString('hex');
const messages = vector.messages.map((m) => ({ payload: hex(m.payload), ciphertext: hex(m.ciphertext) }));
const EMPTY = Buffer.alloc(0);

function initiator(): HandshakeState {
  return new HandshakeState({
    initiator: true,
    prologue: hex(vector.init_prologue),
    psk: hex(vector.init_psks[0]!),
    ephemeralPrivateKey: hex(vector.init_ephemeral),
  });
}

function responder(): HandshakeState {
  return new HandshakeState({
    initiator: false,
    prologue: hex(vector.resp_prologue),
    psk: hex(vector.resp_psks[0]!),
    ephemeralPrivateKey: hex(vector.resp_ephemeral),
  });
}

/** Checks transport messages 2..5 against one side: it writes its own and reads the peer's. */
function checkTransport(assert: Assert, ciphers: TransportCiphers, writesEven: boolean): void {
  messages.slice(2).forEach(({ payload, ciphertext }, index) => {
    if ((index % 2 === 0) === writesEven) {
      const written = ciphers.send.encryptWithAd(EMPTY, payload);
      assert.strictEqual(toHex(written), toHex(ciphertext), `transport ${index} written`);
    } else {
      const read = ciphers.receive.decryptWithAd(EMPTY, ciphertext);
      assert.strictEqual(toHex(read), toHex(payload), `transport ${index} read`);
    }
  });
}

QUnit.module('src/crypto/noise', () => {
  QUnit.module('golden vector', () => {
    QUnit.test('the fixture is the published NNpsk0 vector with six messages', (assert) => {
      assert.strictEqual(fixture.protocol, NOISE_PROTOCOL_NAME);
      assert.true(fixture.source.includes('cacophony'));
      assert.strictEqual(messages.length, 6);
    });

    QUnit.test('the initiator reproduces its messages and reads the responder\'s, byte for byte', (assert) => {
      const hs = initiator();
      const [m0, m1] = messages;
      assert.strictEqual(toHex(hs.writeMessage(m0!.payload)), toHex(m0!.ciphertext));
      assert.strictEqual(toHex(hs.readMessage(m1!.ciphertext)), toHex(m1!.payload));
      assert.true(hs.isComplete());
      assert.strictEqual(toHex(hs.handshakeHash()), vector.handshake_hash);
      checkTransport(assert, hs.split(), true);
    });

    QUnit.test('the responder reads the initiator\'s messages and reproduces its own, byte for byte', (assert) => {
      const hs = responder();
      const [m0, m1] = messages;
      assert.strictEqual(toHex(hs.readMessage(m0!.ciphertext)), toHex(m0!.payload));
      assert.strictEqual(toHex(hs.writeMessage(m1!.payload)), toHex(m1!.ciphertext));
      assert.true(hs.isComplete());
      assert.strictEqual(toHex(hs.handshakeHash()), vector.handshake_hash);
      checkTransport(assert, hs.split(), false);
    });

    QUnit.test('each side decrypts what the other produced', (assert) => {
      const client = initiator();
      const server = responder();
      const m0 = messages[0]!.payload;
      const m1 = messages[1]!.payload;
      assert.strictEqual(toHex(server.readMessage(client.writeMessage(m0))), toHex(m0));
      assert.strictEqual(toHex(client.readMessage(server.writeMessage(m1))), toHex(m1));
      const c = client.split();
      const s = server.split();
      for (const { payload } of messages.slice(2)) {
        const up = c.send.encryptWithAd(EMPTY, payload);
        const down = s.send.encryptWithAd(EMPTY, payload);
        assert.strictEqual(toHex(s.receive.decryptWithAd(EMPTY, up)), toHex(payload));
        assert.strictEqual(toHex(c.receive.decryptWithAd(EMPTY, down)), toHex(payload));
      }
    });
  });

  QUnit.module('HandshakeState', () => {
    const psk = Buffer.alloc(32, 7);
    const prologue = Buffer.from('test');
    const pair = (responderPsk = psk): [HandshakeState, HandshakeState] => [
      new HandshakeState({ initiator: true, prologue, psk }),
      new HandshakeState({ initiator: false, prologue, psk: responderPsk }),
    ];

    QUnit.test('fresh ephemeral keys give different messages and keys each handshake', (assert) => {
      const [a1] = pair();
      const [a2] = pair();
      assert.notStrictEqual(toHex(a1.writeMessage(EMPTY)), toHex(a2.writeMessage(EMPTY)));
    });

    QUnit.test('both sides agree on the handshake hash and on oriented keys', (assert) => {
      const [client, server] = pair();
      server.readMessage(client.writeMessage(EMPTY));
      client.readMessage(server.writeMessage(EMPTY));
      assert.strictEqual(toHex(client.handshakeHash()), toHex(server.handshakeHash()));
      const c = client.split();
      const s = server.split();
      const frame = c.send.encryptWithAd(EMPTY, Buffer.from('hi'));
      assert.strictEqual(s.receive.decryptWithAd(EMPTY, frame).toString(), 'hi');
      assertThrowsCode(assert, () => c.receive.decryptWithAd(EMPTY, frame), 'DECRYPT_FAILED');
    });

    QUnit.test('a responder with another PSK refuses message 1', (assert) => {
      const [client, server] = pair(Buffer.alloc(32, 8));
      const message = client.writeMessage(EMPTY);
      assertThrowsCode(assert, () => server.readMessage(message), 'HANDSHAKE_FAILED');
    });

    QUnit.test('a different prologue fails the handshake', (assert) => {
      const client = new HandshakeState({ initiator: true, prologue: Buffer.from('other'), psk });
      const server = new HandshakeState({ initiator: false, prologue, psk });
      const message = client.writeMessage(EMPTY);
      assertThrowsCode(assert, () => server.readMessage(message), 'HANDSHAKE_FAILED');
    });

    QUnit.test('refuses truncated, empty, tampered and oversized messages', (assert) => {
      const [client] = pair();
      const message = client.writeMessage(EMPTY);
      const tampered = Buffer.from(message);
      tampered[5]! ^= 1;
      const oversized = Buffer.alloc(65_536);
      for (const bad of [message.subarray(0, 47), message.subarray(0, 20), EMPTY, tampered, oversized]) {
        const [, server] = pair();
        assertThrowsCode(assert, () => server.readMessage(bad), 'HANDSHAKE_FAILED', {
          message: `${bad.length} bytes`,
        });
      }
    });

    QUnit.test('refuses calls out of turn and after completion', (assert) => {
      const [client, server] = pair();
      assertThrowsCode(assert, () => client.readMessage(Buffer.alloc(48)), 'HANDSHAKE_FAILED');
      assertThrowsCode(assert, () => server.writeMessage(EMPTY), 'HANDSHAKE_FAILED');
      assertThrowsCode(assert, () => client.split(), 'HANDSHAKE_FAILED');
      assertThrowsCode(assert, () => client.handshakeHash(), 'HANDSHAKE_FAILED');
      server.readMessage(client.writeMessage(EMPTY));
      const message2 = server.writeMessage(EMPTY);
      client.readMessage(message2);
      assertThrowsCode(assert, () => client.readMessage(message2), 'HANDSHAKE_FAILED');
      assertThrowsCode(assert, () => server.writeMessage(EMPTY), 'HANDSHAKE_FAILED');
    });

    QUnit.test('split() hands out the transport keys only once', (assert) => {
      const [client, server] = pair();
      server.readMessage(client.writeMessage(EMPTY));
      client.readMessage(server.writeMessage(EMPTY));
      client.split();
      assertThrowsCode(assert, () => client.split(), 'HANDSHAKE_FAILED');
    });

    QUnit.test('a failed message leaves the handshake dead', (assert) => {
      const [client, server] = pair();
      const message = client.writeMessage(EMPTY);
      assertThrowsCode(assert, () => server.readMessage(Buffer.alloc(48)), 'HANDSHAKE_FAILED');
      assertThrowsCode(assert, () => server.readMessage(message), 'HANDSHAKE_FAILED');
      assert.false(server.isComplete());
    });

    // Points of small order: X25519 with any clamped scalar maps them to all zeros.
    const lowOrderPoints = [
      '00'.repeat(32),
      `01${'00'.repeat(31)}`,
      'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
    ].map(hex);

    /** An insider (with the PSK) forges a correctly tagged message 1 around `point`. */
    function forgeMessage1(point: Buffer): Buffer {
      const forger = new SymmetricState(NOISE_PROTOCOL_NAME);
      forger.mixHash(prologue);
      forger.mixKeyAndHash(psk);
      forger.mixHash(point);
      forger.mixKey(point);
      return Buffer.concat([point, forger.encryptAndHash(EMPTY)]);
    }

    /** The message 2 an implementation that accepts an all-zero DH would take as valid. */
    function forgeMessage2(message1: Buffer, point: Buffer): Buffer {
      const forger = new SymmetricState(NOISE_PROTOCOL_NAME);
      forger.mixHash(prologue);
      forger.mixKeyAndHash(psk);
      const initiatorKey = message1.subarray(0, 32);
      forger.mixHash(initiatorKey);
      forger.mixKey(initiatorKey);
      forger.decryptAndHash(message1.subarray(32));
      forger.mixHash(point);
      forger.mixKey(point);
      forger.mixKey(Buffer.alloc(32));
      return Buffer.concat([point, forger.encryptAndHash(EMPTY)]);
    }

    QUnit.test('the responder refuses a correctly tagged message 1 whose key has low order', (assert) => {
      for (const point of lowOrderPoints) {
        const [, server] = pair();
        server.readMessage(forgeMessage1(point));
        assertThrowsCode(assert, () => server.writeMessage(EMPTY), 'HANDSHAKE_FAILED', {
          message: toHex(point),
        });
        assert.false(server.isComplete());
      }
    });

    QUnit.test('the initiator refuses a message 2 keyed by an all-zero DH output', (assert) => {
      for (const point of lowOrderPoints) {
        const [client] = pair();
        const forged = forgeMessage2(client.writeMessage(EMPTY), point);
        assertThrowsCode(assert, () => client.readMessage(forged), 'HANDSHAKE_FAILED', {
          message: toHex(point),
        });
        assert.false(client.isComplete());
      }
    });

    QUnit.test('rejects a PSK or ephemeral key that is not 32 bytes', (assert) => {
      const shortPsk = Buffer.alloc(31);
      assertThrowsType(assert, () => new HandshakeState({ initiator: true, prologue, psk: shortPsk }), RangeError);
      const shortKey = Buffer.alloc(16);
      const withShortKey = { initiator: true, prologue, psk, ephemeralPrivateKey: shortKey };
      assertThrowsType(assert, () => new HandshakeState(withShortKey), RangeError);
    });
  });
});
