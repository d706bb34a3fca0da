import QUnit from 'qunit';
import { decodeRelayMessage, encodeRelayMessage, type RelayMessage } from '../../../src/scale/relay-message.js';

QUnit.module('scale/relay-message', () => {
  QUnit.test('round-trips every kind, keeping the envelope text byte for byte', (assert) => {
    const text = '{"request":"news","response":"a\\nb ✓"}';
    const messages: RelayMessage[] = [
      { kind: 'broadcast', text, room: 'red', except: ['x-1', 'y-2'] },
      { kind: 'broadcast', text, room: undefined, except: undefined },
      { kind: 'direct', text, id: 'abc-1' },
      { kind: 'meta', text, key: 'user', value: { nested: [1, 2] } },
      { kind: 'release', text: '', id: 'abc-1' },
    ];
    for (const message of messages) assert.deepEqual(decodeRelayMessage(encodeRelayMessage(message)), message, message.kind);
  });

  QUnit.test('refuses bodies that are not relay messages', (assert) => {
    for (const body of ['no header', '{"k":"z"}\n{}', '{"k":"d"}\n{}', '{"k":"b","x":[1]}\n{}', '{"k":"r"}\n', 'null\n{}']) {
      assert.throws(() => decodeRelayMessage(body), Error, body);
    }
  });
});
