import QUnit from 'qunit';
import { planReplay, type ReplayInput } from '../../../src/recovery/replay-plan.js';
import type { SessionRecord } from '../../../src/recovery/session-record.js';
import type { LogEntry } from '../../../src/scale/broker.js';
import { encodeRelayMessage, type RelayMessage } from '../../../src/scale/relay-message.js';

const record: SessionRecord = {
  id: 'X-1',
  secret: 's',
  rooms: ['red'],
  meta: { user: 'ann' },
  seq: 5,
  tail: ['t4', 't5'],
  position: { epoch: 'E', offset: '0-10' },
  node: 'X',
  nodeSeq: 3,
  attached: false,
  expiresAt: 1000,
};

function entry(offset: number, node: string, seq: number, message: RelayMessage): LogEntry {
  return { offset: `0-${offset}`, node, seq, body: encodeRelayMessage(message) };
}

const push = (text: string, extra: Partial<{ room: string; except: string[] }> = {}): RelayMessage => ({ kind: 'broadcast', text, ...extra });

function input(overrides: Partial<ReplayInput> = {}): ReplayInput {
  return { record, clientSeq: 3, log: { epoch: 'E', entries: [] }, held: [], maxBuffered: 100, now: 500, ...overrides };
}

QUnit.module('recovery/replay-plan', () => {
  QUnit.test('replays the tail after the client position, then routed log entries, then held pushes', (assert) => {
    const log = {
      epoch: 'E',
      entries: [
        entry(11, 'Y', 1, push('all')),
        entry(12, 'Y', 2, push('blue', { room: 'blue' })),
        entry(13, 'Y', 3, push('not me', { except: ['X-1'] })),
        entry(14, 'X', 3, push('mine, delivered before leaving')),
        entry(15, 'X', 4, { kind: 'direct', text: 'direct', id: 'X-1' }),
        entry(16, 'Z', 1, { kind: 'meta', text: 'meta', key: 'user', value: 'ann' }),
        entry(17, 'Z', 2, { kind: 'meta', text: 'meta bob', key: 'user', value: 'bob' }),
      ],
    };
    const held = [{ text: 'all', origin: { node: 'Y', seq: 1, offset: '0-11' } }, { text: 'held', origin: { node: 'W', seq: 9 } }, { text: 'local' }];
    assert.deepEqual(planReplay(input({ log, held })), { recovered: true, texts: ['t4', 't5', 'all', 'direct', 'meta', 'held', 'local'] });
  });

  QUnit.test('held pushes the session already had are not replayed', (assert) => {
    const held = [{ text: 'old', origin: { node: 'Y', seq: 1, offset: '0-9' } }, { text: 'own old', origin: { node: 'X', seq: 2 } }];
    assert.deepEqual(planReplay(input({ held })), { recovered: true, texts: ['t4', 't5'] });
  });

  QUnit.test('a client that has everything gets nothing', (assert) => {
    assert.deepEqual(planReplay(input({ clientSeq: 5 })), { recovered: true, texts: [] });
  });

  QUnit.test('refusals: expired, epoch changed, trimmed, tail too short, a client ahead of the record, over the cap', (assert) => {
    assert.deepEqual(planReplay(input({ now: 1001 })), { recovered: false, reason: 'expired' });
    assert.deepEqual(planReplay(input({ log: { epoch: 'F', entries: [] } })), { recovered: false, reason: 'epoch-changed' });
    assert.deepEqual(planReplay(input({ log: { epoch: 'E', entries: [], gap: 'trimmed' } })), { recovered: false, reason: 'gap' });
    assert.deepEqual(planReplay(input({ clientSeq: 2 })), { recovered: false, reason: 'gap' }, 'push 3 was dropped from the tail');
    assert.deepEqual(planReplay(input({ clientSeq: 6 })), { recovered: false, reason: 'gap' }, 'the record is older than the session');
    assert.deepEqual(planReplay(input({ maxBuffered: 1 })), { recovered: false, reason: 'gap' });
  });
});
