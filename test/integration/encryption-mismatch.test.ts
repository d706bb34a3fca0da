import QUnit from 'qunit';
import { SocketClient, type SocketError } from '../../src/index.js';
import { captureLogger } from '../helpers/capture-logger.js';
import { clientOptionsFor, resetAll, startServer } from '../helpers/start-server.js';
import { waitUntil } from '../helpers/wait-for.js';

QUnit.module('integration: encryption on one side only', (hooks) => {
  hooks.afterEach(resetAll);

  QUnit.test('a plaintext client to an encrypted server: HANDSHAKE_FAILED naming SOCKET_ENCRYPTION, on both sides', async (assert) => {
    const { logger, entries } = captureLogger();
    const server = await startServer({ encryption: true, logger });
    const client = new SocketClient(clientOptionsFor(server, { encryption: false }));
    const error = (await client.init().catch((e: unknown) => e)) as SocketError;
    assert.strictEqual(error.code, 'HANDSHAKE_FAILED');
    assert.true(error.message.includes('this client has encryption off'), error.message);
    assert.true(error.message.includes('SOCKET_ENCRYPTION'), error.message);
    await waitUntil(() => entries.some((entry) => entry.fields?.code === 'HANDSHAKE_FAILED'), 5000, 'the server log line');
    const line = entries.find((entry) => entry.fields?.code === 'HANDSHAKE_FAILED')!;
    assert.true(String(line.fields?.reason).includes('the peer probably has encryption off'), String(line.fields?.reason));
    assert.false(JSON.stringify(entries).includes(server.config.authKey), 'no key in the logs (the plaintext auth carried it)');
  });

  QUnit.test('an encrypted client to a plaintext server: MALFORMED_FRAME naming SOCKET_ENCRYPTION, on both sides', async (assert) => {
    const { logger, entries } = captureLogger();
    const server = await startServer({ encryption: false, logger });
    const client = new SocketClient(clientOptionsFor(server, { encryption: true }));
    const error = (await client.init().catch((e: unknown) => e)) as SocketError;
    assert.strictEqual(error.code, 'MALFORMED_FRAME');
    assert.true(error.message.includes('probably has encryption off'), error.message);
    assert.true(error.message.includes('SOCKET_ENCRYPTION'), error.message);
    await waitUntil(() => entries.some((entry) => entry.fields?.code === 'MALFORMED_FRAME'), 5000, 'the server log line');
    const line = entries.find((entry) => entry.fields?.code === 'MALFORMED_FRAME')!;
    assert.true(String(line.fields?.reason).includes('the peer probably has encryption on'), String(line.fields?.reason));
  });

  QUnit.test('both encrypted with different keys: HANDSHAKE_FAILED naming SOCKET_AUTH_KEY, never its value', async (assert) => {
    const server = await startServer({ encryption: true });
    const otherKey = 'b3RoZXIta2V5LWZvci1kcm9wc29ja2V0LXRlc3RzLTAx';
    const client = new SocketClient(clientOptionsFor(server, { authKey: otherKey }));
    const error = (await client.init().catch((e: unknown) => e)) as SocketError;
    assert.strictEqual(error.code, 'HANDSHAKE_FAILED');
    assert.true(error.message.includes('SOCKET_AUTH_KEY'), error.message);
    assert.false(error.message.includes(otherKey) || error.message.includes(server.config.authKey), 'no key in the message');
  });
});
