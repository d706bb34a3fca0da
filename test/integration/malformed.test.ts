import QUnit from 'qunit';
import { WebSocket } from 'ws';
import Add from '../fixtures/handlers/valid/add.js';
import { captureLogger, serializeLogs } from '../helpers/capture-logger.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { resetAll, startClient, startServer } from '../helpers/start-server.js';
import { nextEvent, within } from '../helpers/wait-for.js';

const MARKER = 'MARKER-8f3a1c';

/** Frames that must each close a plaintext connection with 4004, before or after auth. */
const MALFORMED: Array<[title: string, frame: string | Buffer, binary?: boolean]> = [
  ['not JSON', `{"request":"add","data":"${MARKER}"`],
  ['JSON that is not an object (array)', `["add","${MARKER}"]`],
  ['JSON that is not an object (string)', `"${MARKER}"`],
  ['JSON null', 'null'],
  ['request not a string', `{"request":42,"id":1,"data":"${MARKER}"}`],
  ['request empty', `{"request":"","id":1,"data":"${MARKER}"}`],
  ['request too long', `{"request":"${'a'.repeat(129)}","id":1,"data":"${MARKER}"}`],
  ['id zero', `{"request":"add","id":0,"data":{"a":1,"b":2,"m":"${MARKER}"}}`],
  ['id negative', `{"request":"add","id":-1,"data":{"a":1,"b":2}}`],
  ['id fractional', `{"request":"add","id":1.5,"data":{"a":1,"b":2}}`],
  ['id a string', `{"request":"add","id":"1","data":{"a":1,"b":2}}`],
  ['id beyond safe integers', `{"request":"add","id":9007199254740993,"data":{"a":1,"b":2}}`],
  ['error of the wrong shape', `{"request":"add","id":1,"error":"${MARKER}"}`],
  ['huge nesting', `{"request":"add","id":1,"data":${'['.repeat(5000)}${']'.repeat(5000)}}`],
  ['invalid UTF-8', Buffer.concat([Buffer.from(`{"request":"add","data":"${MARKER}`), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])],
  ['a binary frame', Buffer.from(`{"request":"add","id":1,"data":{"a":1,"b":2}}`), true],
];

QUnit.module('integration: malformed input (plaintext)', (hooks) => {
  hooks.afterEach(resetAll);

  for (const authenticated of [false, true]) {
    QUnit.test(`every malformed frame closes with 4004, logged once without payload (${authenticated ? 'after' : 'before'} auth)`, async (assert) => {
      const { logger, entries } = captureLogger();
      const server = await startServer({ encryption: false, logger });
      const bystander = await startClient(server);
      const callsBefore = Add.calls;
      for (const [title, frame, binary] of MALFORMED) {
        const peer = await RawPeer.connect(server);
        if (authenticated) await peer.auth(server);
        const warningsBefore = entries.filter((entry) => entry.level === 'warn').length;
        peer.socket.send(frame, { binary: binary === true });
        assert.strictEqual(await peer.closeCode(), 4004, title);
        const warnings = entries.filter((entry) => entry.level === 'warn').slice(warningsBefore);
        assert.deepEqual(warnings.map((entry) => entry.fields?.code), ['MALFORMED_FRAME'], `${title}: one warning`);
      }
      assert.strictEqual(Add.calls, callsBefore, 'no malformed frame reached a handler');
      assert.false(serializeLogs(entries).includes(MARKER), 'no payload in the logs');
      assert.strictEqual(await bystander.request('echo', 'unaffected'), 'unaffected');
    });
  }

  QUnit.test('a well-formed call whose data is wrong is answered, not closed', async (assert) => {
    const server = await startServer({ encryption: false });
    const peer = await RawPeer.connect(server);
    await peer.auth(server);
    peer.send({ request: 'add', id: 9, data: { a: 'one', b: 2 } });
    const answer = await peer.next((envelope) => envelope.id === 9);
    assert.strictEqual(answer.error?.code, 'VALIDATION_ERROR');
    peer.send({ request: 'add', id: 10, data: { a: 1, b: 2 } });
    assert.strictEqual((await peer.next((envelope) => envelope.id === 10)).response, 3);
  });

  QUnit.test('a text frame is not parsed as binary nor the reverse: the encrypted server refuses text with 4002', async (assert) => {
    const server = await startServer({ encryption: true });
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}`);
    await nextEvent(socket, 'open');
    socket.send(`{"request":"auth","id":1,"data":{"authKey":"${server.config.authKey}"}}`);
    const [code] = await within(nextEvent<[number]>(socket, 'close'), 5000, 'close');
    assert.strictEqual(code, 4002);
  });
});
