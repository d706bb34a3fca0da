import QUnit from 'qunit';
import { createChannelHandshake } from '../../../src/channel/frame-channel.js';
import { PlainChannel } from '../../../src/channel/plain-channel.js';
import { assertThrowsCode } from '../../helpers/assert-throws.js';

QUnit.module('src/channel/plain-channel', () => {
  QUnit.test('seal sends the JSON text itself and open returns a text frame\'s text', (assert) => {
    const channel = new PlainChannel();
    const text = '{"request":"echo","data":"héllo ✓"}';
    assert.false(channel.encrypted);
    assert.strictEqual(channel.seal(text), text);
    assert.strictEqual(channel.open(Buffer.from(text), false), text);
  });

  QUnit.test('refuses a binary frame with MALFORMED_FRAME (4004)', (assert) => {
    assertThrowsCode(assert, () => new PlainChannel().open(Buffer.from('{}'), true), 'MALFORMED_FRAME', {
      closeCode: 4004,
    });
  });

  QUnit.test('refuses a text frame that is not valid UTF-8 with MALFORMED_FRAME (4004)', (assert) => {
    const invalid = [Buffer.from([0x7b, 0xff, 0x7d]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80])];
    for (const frame of invalid) {
      assertThrowsCode(assert, () => new PlainChannel().open(frame, false), 'MALFORMED_FRAME', {
        closeCode: 4004,
        message: frame.toString('hex'),
      });
    }
  });

  QUnit.test('the plaintext handshake yields the channel at start and refuses any frame', (assert) => {
    for (const role of ['client', 'server'] as const) {
      const handshake = createChannelHandshake({ role, encryption: false, psk: null });
      const step = handshake.start();
      assert.strictEqual(step.send, undefined);
      assert.true(step.channel instanceof PlainChannel);
      assertThrowsCode(assert, () => handshake.receive(Buffer.from('{}'), false), 'HANDSHAKE_FAILED', {
        closeCode: 4002,
      });
    }
  });
});
