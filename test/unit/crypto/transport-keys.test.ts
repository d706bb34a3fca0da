import QUnit from 'qunit';
import { releaseTransportKey, storeTransportKey, transportKeysInUse, transportKeyView } from '../../../src/crypto/transport-keys.js';
import { assertThrowsType } from '../../helpers/assert-throws.js';

const key = (byte: number): Buffer => Buffer.alloc(32, byte);
// Hex, not deepEqual: a view's underlying slab would be compared too.
const hex = (bytes: Buffer): string => bytes.toString('hex');

QUnit.module('src/crypto/transport-keys', () => {
  QUnit.test('stores a copy: the view reads the key back, later changes to the source do not reach it', (assert) => {
    const source = key(0x11);
    const slot = storeTransportKey(source);
    source.fill(0xff);
    assert.strictEqual(hex(transportKeyView(slot)), hex(key(0x11)));
    releaseTransportKey(slot);
  });

  QUnit.test('keeps many keys apart, across slab boundaries', (assert) => {
    const slots = Array.from({ length: 2500 }, (_, i) => storeTransportKey(key(i % 251)));
    assert.strictEqual(new Set(slots).size, slots.length, 'every key has a slot of its own');
    const wrong = slots.filter((slot, i) => !transportKeyView(slot).equals(key(i % 251)));
    assert.deepEqual(wrong, [], 'every slot still holds its own key');
    for (const slot of slots) releaseTransportKey(slot);
  });

  QUnit.test('release zeroes the key at once and the slot is reused', (assert) => {
    const slot = storeTransportKey(key(0x42));
    const view = transportKeyView(slot);
    const inUse = transportKeysInUse();
    releaseTransportKey(slot);
    assert.strictEqual(hex(view), hex(Buffer.alloc(32)), 'the old bytes are gone from memory');
    assert.strictEqual(transportKeysInUse(), inUse - 1);
    const next = storeTransportKey(key(0x43));
    assert.strictEqual(next, slot, 'a freed slot is handed out before a fresh one');
    assert.strictEqual(hex(transportKeyView(next)), hex(key(0x43)));
    releaseTransportKey(next);
  });

  QUnit.test('refuses a key of the wrong size', (assert) => {
    const error = assertThrowsType(assert, () => storeTransportKey(Buffer.alloc(16)), RangeError);
    assert.strictEqual(error?.message, 'A transport key must be 32 bytes, got 16');
  });
});
