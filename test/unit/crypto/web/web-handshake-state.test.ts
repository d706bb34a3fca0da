import { readFileSync } from 'node:fs';
import QUnit from 'qunit';
import { HandshakeState } from '../../../../src/crypto/noise.js';
import { WebHandshakeState } from '../../../../src/crypto/web/web-handshake-state.js';
import { assertRejectsCode } from '../../../helpers/assert-throws.js';
import { compareWithVector, type NoiseVector } from '../../../helpers/web-noise-vector.js';

const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/noise-nnpsk0.json', import.meta.url), 'utf8')) as { vectors: NoiseVector[] };
const EMPTY = new Uint8Array(0);
const psk = new Uint8Array(32).fill(7);
const prologue = new TextEncoder().encode('test');
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

QUnit.module('src/crypto/web/web-handshake-state', () => {
  QUnit.test('reproduces the published NNpsk0 vector byte for byte, on both sides (Node WebCrypto)', async (assert) => {
    const results = await compareWithVector(fixture.vectors[0]!);
    assert.strictEqual(results.length, 14, 'handshake, hash and four transport messages per side');
    for (const { step, expected, actual } of results) assert.strictEqual(actual, expected, step);
  });

  QUnit.test('a WebCrypto initiator and a node:crypto responder agree, frames flow both ways', async (assert) => {
    const client = new WebHandshakeState({ initiator: true, prologue, psk });
    const server = new HandshakeState({ initiator: false, prologue: Buffer.from(prologue), psk: Buffer.from(psk) });
    server.readMessage(Buffer.from(await client.writeMessage(EMPTY)));
    await client.readMessage(server.writeMessage(Buffer.alloc(0)));
    assert.strictEqual(Buffer.from(client.handshakeHash()).toString('hex'), server.handshakeHash().toString('hex'));
    const c = await client.split();
    const s = server.split();
    const up = await c.send.encryptWithAd(EMPTY, new TextEncoder().encode('hello server'));
    assert.strictEqual(s.receive.decryptWithAd(Buffer.alloc(0), Buffer.from(up)).toString(), 'hello server');
    const down = s.send.encryptWithAd(Buffer.alloc(0), 'hello page');
    assert.strictEqual(text(await c.receive.decryptWithAd(EMPTY, down)), 'hello page');
  });

  QUnit.test('a responder with another PSK refuses message 1', async (assert) => {
    const client = new WebHandshakeState({ initiator: true, prologue, psk });
    const server = new WebHandshakeState({ initiator: false, prologue, psk: new Uint8Array(32).fill(8) });
    await assertRejectsCode(assert, server.readMessage(await client.writeMessage(EMPTY)), 'HANDSHAKE_FAILED');
  });

  QUnit.test('refuses truncated and tampered messages, and calls out of turn or overlapping', async (assert) => {
    const client = new WebHandshakeState({ initiator: true, prologue, psk });
    const message = await client.writeMessage(EMPTY);
    const tampered = message.slice();
    tampered[40]! ^= 1;
    for (const bad of [message.subarray(0, 47), message.subarray(0, 20), EMPTY, tampered]) {
      const server = new WebHandshakeState({ initiator: false, prologue, psk });
      await assertRejectsCode(assert, server.readMessage(bad), 'HANDSHAKE_FAILED', `${bad.length} bytes`);
    }
    await assertRejectsCode(assert, client.writeMessage(EMPTY), 'HANDSHAKE_FAILED', 'writing twice');
    const fresh = new WebHandshakeState({ initiator: true, prologue, psk });
    const first = fresh.writeMessage(EMPTY);
    await assertRejectsCode(assert, fresh.writeMessage(EMPTY), 'HANDSHAKE_FAILED', 'a second call while the first runs');
    await first;
    await assertRejectsCode(assert, fresh.split(), 'HANDSHAKE_FAILED', 'split before completion');
  });

  QUnit.test('transport: a replayed, reordered or tampered frame fails, and the cipher stays failed', async (assert) => {
    const client = new WebHandshakeState({ initiator: true, prologue, psk });
    const server = new WebHandshakeState({ initiator: false, prologue, psk });
    await server.readMessage(await client.writeMessage(EMPTY));
    await client.readMessage(await server.writeMessage(EMPTY));
    const c = await client.split();
    const s = await server.split();
    const one = await c.send.encryptWithAd(EMPTY, Uint8Array.of(1));
    const two = await c.send.encryptWithAd(EMPTY, Uint8Array.of(2));
    await assertRejectsCode(assert, s.receive.decryptWithAd(EMPTY, two), 'DECRYPT_FAILED', 'reordered');
    await assertRejectsCode(assert, s.receive.decryptWithAd(EMPTY, one), 'DECRYPT_FAILED', 'nothing opens after a failure');
    await assertRejectsCode(assert, c.receive.decryptWithAd(EMPTY, one), 'DECRYPT_FAILED', 'reflected');
  });
});
