import QUnit from 'qunit';
import { RoomIndex } from '../../../src/server/rooms.js';

QUnit.module('src/server/rooms', () => {
  QUnit.test('members of a room are those added to it', (assert) => {
    const rooms = new RoomIndex<string>();
    rooms.add('lobby', 'a');
    rooms.add('lobby', 'b');
    rooms.add('game', 'a');
    assert.deepEqual([...rooms.members('lobby')].sort(), ['a', 'b']);
    assert.deepEqual([...rooms.members('game')], ['a']);
  });

  QUnit.test('adding a member twice keeps one membership', (assert) => {
    const rooms = new RoomIndex<string>();
    rooms.add('lobby', 'a');
    rooms.add('lobby', 'a');
    assert.strictEqual(rooms.members('lobby').size, 1);
  });

  QUnit.test('an unknown room has no members', (assert) => {
    const rooms = new RoomIndex<string>();
    assert.strictEqual(rooms.members('nowhere').size, 0);
    assert.strictEqual(rooms.members('__proto__').size, 0);
  });

  QUnit.test('remove takes a member out of one room only', (assert) => {
    const rooms = new RoomIndex<string>();
    rooms.add('lobby', 'a');
    rooms.add('lobby', 'b');
    rooms.add('game', 'a');
    rooms.remove('lobby', 'a');
    assert.deepEqual([...rooms.members('lobby')], ['b']);
    assert.deepEqual([...rooms.members('game')], ['a']);
  });

  QUnit.test('a room is dropped when its last member leaves', (assert) => {
    const rooms = new RoomIndex<string>();
    rooms.add('lobby', 'a');
    rooms.add('game', 'a');
    rooms.remove('lobby', 'a');
    assert.deepEqual([...rooms.names()], ['game']);
  });

  QUnit.test('removing from an unknown room or a non-member does nothing', (assert) => {
    const rooms = new RoomIndex<string>();
    rooms.remove('nowhere', 'a');
    rooms.add('lobby', 'a');
    rooms.remove('lobby', 'b');
    assert.deepEqual([...rooms.names()], ['lobby']);
    assert.deepEqual([...rooms.members('lobby')], ['a']);
  });

  QUnit.test('members are kept by identity', (assert) => {
    const rooms = new RoomIndex<{ id: string }>();
    const first = { id: 'same' };
    const second = { id: 'same' };
    rooms.add('lobby', first);
    rooms.add('lobby', second);
    rooms.remove('lobby', first);
    assert.deepEqual([...rooms.members('lobby')], [second]);
  });
});
