/**
 * What an eavesdropper on the wire sees. With encryption on: binary frames only, handshake
 * frames of 48 bytes, then JSON length + 16 bytes per message, and never a byte of plaintext.
 * With encryption off (the control that proves the search would find it): text frames, readable.
 */
import QUnit from 'qunit';
import type { Envelope } from '../../src/index.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { resetAll, startClient, startServer } from '../helpers/start-server.js';
import { WsRelay, type RelayedFrame } from '../helpers/ws-relay.js';

const MARKER = 'hygiene-marker-9b2d44e1';
const HANDSHAKE_FRAME_BYTES = 48;
const TAG_BYTES = 16;

/** Frames that contain `text` as bytes, in any position. */
function containing(frames: readonly { data: Buffer }[], text: string): number {
  return frames.filter((frame) => frame.data.includes(Buffer.from(text, 'utf8'))).length;
}

/**
 * Drives one raw peer through every kind of server frame: the auth answer, a call's answer,
 * an error answer, a heartbeat answer, a broadcast push, and a server-to-client call. Returns
 * every envelope received, in the order the frames came.
 */
async function everyKindOfFrame(peer: RawPeer, authKey: string): Promise<Envelope[]> {
  const seen: Envelope[] = [];
  const next = async (match: (envelope: Envelope) => boolean): Promise<Envelope> => {
    const envelope = await peer.next(match);
    seen.push(envelope);
    return envelope;
  };
  peer.send({ request: 'auth', id: 1, data: { authKey, user: MARKER } });
  await next((envelope) => envelope.request === 'auth');
  peer.send({ request: 'echo', id: 2, data: MARKER });
  await next((envelope) => envelope.id === 2);
  peer.send({ request: 'failWithCode', id: 3, data: MARKER });
  await next((envelope) => envelope.id === 3);
  peer.send({ request: 'heartBeat' });
  await next((envelope) => envelope.request === 'heartBeat');
  peer.send({ request: 'rooms', id: 4, data: { shout: MARKER } });
  await next((envelope) => envelope.request === 'news');
  await next((envelope) => envelope.id === 4);
  peer.send({ request: 'askClient', id: 5, data: MARKER });
  const question = await next((envelope) => envelope.request === 'question');
  peer.send({ request: 'question', id: question.id, response: MARKER });
  await next((envelope) => envelope.id === 5);
  return seen;
}

QUnit.module('integration: what the wire shows', (hooks) => {
  let relay: WsRelay | undefined;
  hooks.afterEach(async () => {
    await resetAll();
    await relay?.close();
    relay = undefined;
  });

  QUnit.test('encryption on: every server frame is binary, carries no plaintext, and costs exactly 16 bytes', async (assert) => {
    const server = await startServer({ encryption: true });
    const peer = await RawPeer.connect(server);
    const envelopes = await everyKindOfFrame(peer, server.config.authKey);
    assert.true(envelopes.some((envelope) => JSON.stringify(envelope).includes(MARKER)), 'the marker was in the messages');
    assert.true(peer.wire.every((frame) => frame.isBinary), 'binary frames only');
    assert.strictEqual(peer.wire[0]!.data.length, HANDSHAKE_FRAME_BYTES, 'handshake frame 2: 48 bytes');
    assert.strictEqual(containing(peer.wire, MARKER), 0, 'the marker never appears on the wire');
    assert.strictEqual(containing(peer.wire, '"request"'), 0, 'no JSON on the wire');
    assert.deepEqual(
      peer.frames.map((frame) => frame.length),
      envelopes.map((envelope) => Buffer.byteLength(JSON.stringify(envelope)) + TAG_BYTES),
      'each frame is the JSON length plus the 16-byte tag: no nonce, no IV, no padding',
    );
  });

  QUnit.test('encryption on: the same message twice looks different on the wire', async (assert) => {
    const server = await startServer({ encryption: true });
    const peer = await RawPeer.connect(server);
    await peer.auth(server);
    // Without an id (fire-and-forget), so the two messages are identical; echo still replies.
    const request: Envelope = { request: 'echo', data: MARKER };
    const sent = [peer.link.seal(request) as Buffer, peer.link.seal(request) as Buffer];
    // One at a time: two answers in one tick would leave as one record.
    const answers = [];
    for (const frame of sent) {
      peer.socket.send(frame);
      answers.push(await peer.next());
    }
    assert.deepEqual(answers[0], answers[1], 'the same answer twice');
    assert.false(sent[0]!.equals(sent[1]!), 'the two requests differ in every sealing');
    const [first, second] = peer.frames.slice(-2);
    assert.strictEqual(first!.length, second!.length, 'equal sizes: lengths do leak');
    assert.false(first!.equals(second!), 'the two answers differ on the wire');
  });

  QUnit.test('encryption on: each connection starts from fresh ephemeral keys', async (assert) => {
    const server = await startServer({ encryption: true });
    const [a, b] = [await RawPeer.connect(server), await RawPeer.connect(server)];
    assert.false(a.wire[0]!.data.equals(b.wire[0]!.data), 'handshake frame 2 differs per connection');
    assert.false(a.wire[0]!.data.subarray(0, 32).equals(b.wire[0]!.data.subarray(0, 32)), 'so does the server ephemeral key in it');
  });

  QUnit.test('encryption on: a real client and server exchange binary frames only, both ways, never the marker', async (assert) => {
    const server = await startServer({ encryption: true });
    relay = await WsRelay.start(server.port);
    const client = await startClient(server, { address: relay.address, authData: { user: MARKER } });
    assert.strictEqual(await client.request('echo', MARKER), MARKER);
    assert.deepEqual(await client.request('askClient', MARKER), { answer: { echoed: MARKER, ready: true } });
    await client.request('rooms', { shout: MARKER });
    const up = relay.framesGoing('up');
    const down = relay.framesGoing('down');
    assert.true(up.length >= 5 && down.length >= 5, `${up.length} frames up, ${down.length} down`);
    assert.true(relay.frames.every((frame: RelayedFrame) => frame.isBinary), 'binary frames only');
    assert.deepEqual([up[0]!.data.length, down[0]!.data.length], [HANDSHAKE_FRAME_BYTES, HANDSHAKE_FRAME_BYTES], 'two 48-byte handshake frames');
    assert.strictEqual(containing(relay.frames, MARKER), 0, 'the marker never appears on the wire');
    assert.strictEqual(containing(relay.frames, server.config.authKey), 0, 'nor does the auth key');
  });

  QUnit.test('encryption off (the control): every frame is text and the marker is readable both ways', async (assert) => {
    const server = await startServer({ encryption: false });
    relay = await WsRelay.start(server.port);
    const client = await startClient(server, { address: relay.address, authData: { user: MARKER } });
    assert.strictEqual(await client.request('echo', MARKER), MARKER);
    assert.true(relay.frames.every((frame) => !frame.isBinary), 'text frames only');
    assert.true(containing(relay.framesGoing('up'), MARKER) >= 2, 'the marker is readable going up');
    assert.true(containing(relay.framesGoing('down'), MARKER) >= 2, 'and coming down');
    assert.strictEqual(containing(relay.framesGoing('up'), server.config.authKey), 1, 'the auth key travels in clear in the auth request');
    const peer = await RawPeer.connect(server);
    await everyKindOfFrame(peer, server.config.authKey);
    assert.true(peer.wire.length >= 7 && peer.wire.every((frame) => !frame.isBinary), 'every kind of server frame is text');
  });
});
