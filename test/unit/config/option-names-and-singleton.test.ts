import QUnit from 'qunit';
import { closestWord, unknownOptionProblems } from '../../../src/config/option-names.js';
import { checkSameSingletonOptions, sameOptionValue } from '../../../src/config/singleton-options.js';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import type { SocketError } from '../../../src/errors.js';

const KNOWN = ['port', 'host', 'heartBeatInterval', 'encryption'];

QUnit.module('src/config/option-names and singleton-options', () => {
  QUnit.test('an unknown option key is a problem naming the key and the closest known key', (assert) => {
    assert.deepEqual(unknownOptionProblems({ prot: 1, host: 'h' }, KNOWN), ['unknown option "prot" (did you mean "port"?)']);
    assert.deepEqual(unknownOptionProblems({ heartbeatInterval: 5 }, KNOWN), ['unknown option "heartbeatInterval" (did you mean "heartBeatInterval"?)'], 'case slips too');
    assert.deepEqual(unknownOptionProblems({ colour: 'red' }, KNOWN), ['unknown option "colour"'], 'no far-fetched suggestion');
  });

  QUnit.test('closestWord picks the fewest edits within two', (assert) => {
    assert.strictEqual(closestWord('encrypton', KNOWN), 'encryption');
    assert.strictEqual(closestWord('hots', KNOWN), 'host');
    assert.strictEqual(closestWord('zzzzzz', KNOWN), undefined);
  });

  QUnit.test('resolveConfig refuses an unknown key with CONFIG_INVALID, alongside other problems', (assert) => {
    let error: SocketError | undefined;
    try {
      resolveConfig({ prot: 1, port: -5 } as never);
    } catch (caught) {
      error = caught as SocketError;
    }
    assert.strictEqual(error?.code, 'CONFIG_INVALID');
    assert.true(error?.message.includes('unknown option "prot" (did you mean "port"?)'), error?.message);
    assert.true(error?.message.includes('option "port" must be'), 'every problem listed at once');
  });

  QUnit.test('a second singleton with no options or identical ones is fine; other options throw naming keys, not values', (assert) => {
    const existing = { port: 1, authKey: 'secret-value-1', authData: { a: 1 }, singleton: true };
    checkSameSingletonOptions('SocketClient', existing, {});
    checkSameSingletonOptions('SocketClient', existing, { singleton: true, port: undefined });
    checkSameSingletonOptions('SocketClient', existing, { port: 1, authKey: 'secret-value-1', authData: { a: 1 } });
    let error: SocketError | undefined;
    try {
      checkSameSingletonOptions('SocketClient', existing, { port: 2, authKey: 'secret-value-2', authData: { a: 1 } });
    } catch (caught) {
      error = caught as SocketError;
    }
    assert.strictEqual(error?.code, 'CONFIG_INVALID');
    assert.true(error?.message.includes('differing: port, authKey'), error?.message);
    assert.false(/secret-value/.test(error?.message ?? ''), 'values are never shown');
  });

  QUnit.test('option values compare deeply and strictly, without node:util', (assert) => {
    const log = (): void => {};
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const cyclicToo: Record<string, unknown> = { a: 1 };
    cyclicToo.self = cyclicToo;
    const equal: Array<[unknown, unknown]> = [
      [NaN, NaN],
      [{ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] }],
      [new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3])],
      [Buffer.from('ab'), Buffer.from('ab')],
      [{ logger: { info: log } }, { logger: { info: log } }],
      [cyclic, cyclicToo],
    ];
    const unequal: Array<[unknown, unknown]> = [
      [1, '1'],
      [0, -0],
      [{ a: 1 }, { a: 1, b: undefined }],
      [[1, 2], { 0: 1, 1: 2 }],
      [new Uint8Array([1, 2]), new Uint8Array([1, 3])],
      [new Uint8Array([1]), Buffer.from([1])],
      [() => {}, () => {}],
      [new Map([[1, 2]]), new Map([[1, 2]])],
      [null, {}],
    ];
    for (const [a, b] of equal) assert.true(sameOptionValue(a, b), `equal: ${String(a)}`);
    for (const [a, b] of unequal) assert.false(sameOptionValue(a, b), `unequal: ${String(a)} / ${String(b)}`);
  });
});
