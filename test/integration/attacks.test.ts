/**
 * Attacks on the encrypted channel against a real server: each is refused with close code
 * 4002, while another client, connected all along, keeps being answered, and nothing about
 * the key or the attacked frames reaches the logs.
 */
import QUnit from 'qunit';
import { NoiseHandshake } from '../../src/channel/noise-handshake.js';
import { derivePsk } from '../../src/crypto/psk.js';
import { generateAuthKey, type Envelope, type SocketClient, type SocketServer } from '../../src/index.js';
import Add from '../fixtures/handlers/valid/add.js';
import { captureLogger, serializeLogs, type LogEntry } from '../helpers/capture-logger.js';
import { RawPeer } from '../helpers/raw-peer.js';
import { resetAll, startClient, startExtraClient, startServer, TEST_KEY } from '../helpers/start-server.js';
import { nextEvent, waitUntil } from '../helpers/wait-for.js';
import { WsRelay, type RelayedFrame } from '../helpers/ws-relay.js';

const CRYPTO_FAILED = 4002;
const HANDSHAKE_FRAME_BYTES = 48;
/** Put in the data of attacked requests: it must never show up in a log. */
const MARKER = 'attack-marker-5c0f1e7a';

/** A server with encryption on, a logger that keeps everything, and one well-behaved client. */
interface Scene {
  server: SocketServer;
  bystander: SocketClient;
  bystanderId: string;
  logs: LogEntry[];
}

async function stage(): Promise<Scene> {
  const { logger, entries } = captureLogger();
  const server = await startServer({ encryption: true, logger });
  const bystander = await startClient(server);
  const [bystanderId] = [...server.clientMap.keys()];
  return { server, bystander, bystanderId: bystanderId!, logs: entries };
}

/** A copy of `frame` with bit `i % 8` of byte `i` flipped. */
function flipped(frame: Buffer, i: number): Buffer {
  const copy = Buffer.from(frame);
  copy[i]! ^= 1 << (i % 8);
  return copy;
}

function sealed(peer: RawPeer, envelope: Envelope): Buffer {
  return peer.link.seal(envelope) as Buffer;
}

/** The auth request with the marker beside the key: a frame worth attacking. */
function authRequest(): Envelope {
  return { request: 'auth', id: 1, data: { authKey: TEST_KEY, marker: MARKER } };
}

/** An authenticated raw peer. */
async function authenticated(server: SocketServer): Promise<RawPeer> {
  const peer = await RawPeer.connect(server);
  await peer.auth(server);
  return peer;
}

/**
 * The aftermath every attack must leave: the bystander is still answered and registered,
 * the refusal was logged (so the logger was really wired), and the logs hold neither the
 * key (as given or as PSK bytes) nor the marker nor any attacked frame's bytes.
 */
async function assertContained(assert: Assert, scene: Scene, refusal: string, attacked: readonly Buffer[] = []): Promise<void> {
  assert.deepEqual(await scene.bystander.request('echo', { still: 'served' }), { still: 'served' }, 'the other client is still answered');
  assert.true(scene.server.clientMap.has(scene.bystanderId), 'the other client is still in clientMap');
  assert.true(scene.logs.some((entry) => entry.fields?.code === refusal && entry.fields.closeCode === CRYPTO_FAILED), `the ${refusal} refusal was logged`);
  const logs = serializeLogs(scene.logs);
  const psk = derivePsk(TEST_KEY);
  const secrets = [TEST_KEY, psk.toString('hex'), psk.toString('base64'), MARKER];
  for (const frame of attacked) secrets.push(frame.toString('hex'), frame.toString('base64'), frame.toString('latin1'));
  // Short strings (an empty frame's encodings) would match anything; real frames are longer.
  const leaked = secrets.filter((secret) => secret.length >= 8 && logs.includes(secret));
  assert.deepEqual(leaked, [], 'no key, marker or frame bytes in the logs');
}

QUnit.module('integration: attacks on the encrypted channel', (hooks) => {
  hooks.afterEach(resetAll);

  QUnit.test('a peer with a different key fails the handshake with 4002 and is sent nothing', async (assert) => {
    const scene = await stage();
    const peer = await RawPeer.attempt(scene.server, { authKey: generateAuthKey() });
    assert.false(peer.link.established, 'no channel');
    assert.deepEqual(await peer.closed, { code: CRYPTO_FAILED, reason: 'HANDSHAKE_FAILED' });
    assert.strictEqual(peer.wire.length, 0, 'the server never sent handshake frame 2');
    await assertContained(assert, scene, 'HANDSHAKE_FAILED');
  });

  QUnit.test('a human-chosen wrong key (scrypt path) fails the handshake with 4002 too', async (assert) => {
    const scene = await stage();
    const peer = await RawPeer.attempt(scene.server, { authKey: 'correct horse battery staple' });
    assert.false(peer.link.established);
    assert.strictEqual(await peer.closeCode(), CRYPTO_FAILED);
    await assertContained(assert, scene, 'HANDSHAKE_FAILED');
  });

  QUnit.test('handshake frame 1 with any one bit flipped closes with 4002 before the server sends anything', async (assert) => {
    const scene = await stage();
    const attacked: Buffer[] = [];
    let refusedSilently = 0;
    for (let i = 0; i < HANDSHAKE_FRAME_BYTES; i += 1) {
      const peer = await RawPeer.open(scene.server);
      const frame = peer.link.start()!;
      assert.strictEqual(frame.length, HANDSHAKE_FRAME_BYTES);
      const tampered = flipped(frame, i);
      attacked.push(tampered);
      peer.socket.send(tampered);
      const code = await peer.closeCode();
      if (code !== CRYPTO_FAILED) assert.strictEqual(code, CRYPTO_FAILED, `byte ${i}`);
      else if (peer.wire.length === 0) refusedSilently += 1;
    }
    assert.strictEqual(refusedSilently, HANDSHAKE_FRAME_BYTES, 'every byte position refused with 4002, no frame 2 sent');
    const control = await RawPeer.attempt(scene.server);
    assert.true(control.link.established, 'the untampered handshake still works');
    await assertContained(assert, scene, 'HANDSHAKE_FAILED', attacked);
  });

  QUnit.test('a recorded frame 1 replayed on a new connection gets a frame 2, but nothing the replayer sends is accepted: 4002', async (assert) => {
    const scene = await stage();
    const victim = await RawPeer.open(scene.server);
    const frame1 = victim.link.start()!;
    victim.socket.send(frame1);
    await waitUntil(() => victim.link.established, undefined, 'the victim’s handshake');
    const auth = sealed(victim, authRequest());
    // Frame 1 carries no freshness from the server, so the server cannot tell a replay from
    // the original; but the replayer lacks the ephemeral private key behind it, so it cannot
    // derive the transport keys: whatever it sends next fails, here the victim's own frames.
    const replayer = await RawPeer.open(scene.server);
    replayer.socket.send(frame1);
    await waitUntil(() => replayer.wire.length === 1, undefined, 'frame 2');
    assert.strictEqual(replayer.wire[0]!.data.length, HANDSHAKE_FRAME_BYTES, 'the server answered with a frame 2');
    assert.false(replayer.wire[0]!.data.equals(victim.wire[0]!.data), 'a fresh one: the keys differ from the victim’s');
    replayer.socket.send(auth);
    assert.strictEqual(await replayer.closeCode(), CRYPTO_FAILED, 'the victim’s auth frame is refused');
    assert.strictEqual(scene.server.clientMap.size, 1, 'only the bystander is authenticated');
    await assertContained(assert, scene, 'DECRYPT_FAILED', [frame1, auth]);
  });

  QUnit.test('the auth request with any one bit flipped closes with 4002 and is not answered', async (assert) => {
    const scene = await stage();
    const attacked: Buffer[] = [];
    let length = Infinity;
    let refused = 0;
    for (let i = 0; i < length; i += 1) {
      const peer = await RawPeer.connect(scene.server);
      const frame = sealed(peer, authRequest());
      length = frame.length;
      const tampered = flipped(frame, i);
      attacked.push(tampered);
      peer.socket.send(tampered);
      const code = await peer.closeCode();
      if (code === CRYPTO_FAILED && peer.frames.length === 0) refused += 1;
      else assert.strictEqual(code, CRYPTO_FAILED, `byte ${i}: closed with ${code} after ${peer.frames.length} frames`);
    }
    assert.true(length > 80, `a frame of ${length} bytes`);
    assert.strictEqual(refused, length, 'every byte position refused with 4002, unanswered');
    assert.strictEqual(scene.server.clientMap.size, 1, 'no attacker authenticated');
    await assertContained(assert, scene, 'DECRYPT_FAILED', attacked);
  });

  QUnit.test('a request after auth with any one bit flipped closes with 4002 and never reaches the handler', async (assert) => {
    const scene = await stage();
    const calls = Add.calls;
    const attacked: Buffer[] = [];
    let length = Infinity;
    let refused = 0;
    for (let i = 0; i < length; i += 1) {
      const peer = await authenticated(scene.server);
      const frame = sealed(peer, { request: 'add', id: 2, data: { a: 1, b: 2, marker: MARKER } });
      length = frame.length;
      const tampered = flipped(frame, i);
      attacked.push(tampered);
      peer.socket.send(tampered);
      const code = await peer.closeCode();
      if (code === CRYPTO_FAILED && peer.received.length === 0) refused += 1;
      else assert.strictEqual(code, CRYPTO_FAILED, `byte ${i}: closed with ${code}, ${peer.received.length} answers`);
    }
    assert.strictEqual(refused, length, `all ${length} byte positions refused with 4002, unanswered`);
    assert.strictEqual(Add.calls, calls, 'the handler never ran');
    await assertContained(assert, scene, 'DECRYPT_FAILED', attacked);
  });

  QUnit.test('a replayed frame: the first copy is answered, the second closes with 4002', async (assert) => {
    const scene = await stage();
    const peer = await authenticated(scene.server);
    const frame = sealed(peer, { request: 'echo', id: 2, data: MARKER });
    peer.socket.send(frame);
    assert.strictEqual((await peer.next()).response, MARKER, 'answered once');
    peer.socket.send(frame);
    assert.strictEqual(await peer.closeCode(), CRYPTO_FAILED);
    assert.strictEqual(peer.received.length, 0, 'the replay was not answered');
    await assertContained(assert, scene, 'DECRYPT_FAILED', [frame]);
  });

  QUnit.test('a frame replayed on another connection (same key) closes that connection with 4002', async (assert) => {
    const scene = await stage();
    const victim = await authenticated(scene.server);
    const frame = sealed(victim, { request: 'echo', id: 2, data: MARKER });
    const attacker = await authenticated(scene.server);
    attacker.socket.send(frame);
    assert.strictEqual(await attacker.closeCode(), CRYPTO_FAILED);
    victim.socket.send(frame);
    assert.strictEqual((await victim.next()).response, MARKER, 'the frame is still good on its own connection only');
    await assertContained(assert, scene, 'DECRYPT_FAILED', [frame]);
  });

  QUnit.test('a record of several calls: tampered anywhere, 4002 and none of its calls runs', async (assert) => {
    const scene = await stage();
    const calls = Add.calls;
    const record = [2, 3, 4].map((id) => JSON.stringify({ request: 'add', id, data: { a: id, b: 1, marker: MARKER } })).join('\n');
    const attacked: Buffer[] = [];
    for (const position of [0, Math.floor(record.length / 2), record.length + 3]) {
      const peer = await authenticated(scene.server);
      const frame = flipped(peer.link.sealText(record) as Buffer, position);
      attacked.push(frame);
      peer.socket.send(frame);
      assert.strictEqual(await peer.closeCode(), CRYPTO_FAILED, `byte ${position} flipped`);
      assert.strictEqual(peer.received.length, 0, 'nothing answered');
    }
    assert.strictEqual(Add.calls, calls, 'no call of any record ran');
    await assertContained(assert, scene, 'DECRYPT_FAILED', attacked);
  });

  QUnit.test('a replayed record: its calls run once, the copy closes with 4002', async (assert) => {
    const scene = await stage();
    const peer = await authenticated(scene.server);
    const frame = peer.link.sealText([2, 3].map((id) => JSON.stringify({ request: 'echo', id, data: MARKER })).join('\n')) as Buffer;
    peer.socket.send(frame);
    assert.deepEqual([(await peer.next()).id, (await peer.next()).id], [2, 3], 'both calls answered, in order');
    peer.socket.send(frame);
    assert.strictEqual(await peer.closeCode(), CRYPTO_FAILED);
    assert.strictEqual(peer.received.length, 0, 'the replay was not answered');
    await assertContained(assert, scene, 'DECRYPT_FAILED', [frame]);
  });

  QUnit.test('a record the server sent, reflected back to it, closes with 4002', async (assert) => {
    const scene = await stage();
    const peer = await authenticated(scene.server);
    peer.sendRecord([2, 3, 4].map((id) => ({ request: 'echo', id, data: MARKER })));
    for (let i = 0; i < 3; i++) await peer.next();
    const record = peer.frames.at(-1)!;
    assert.true(record.length > 3 * MARKER.length, 'the three answers came back as one record');
    peer.socket.send(record);
    assert.strictEqual(await peer.closeCode(), CRYPTO_FAILED);
    await assertContained(assert, scene, 'DECRYPT_FAILED', [record]);
  });

  QUnit.test('two frames sent in swapped order close with 4002 and neither is answered', async (assert) => {
    const scene = await stage();
    const peer = await authenticated(scene.server);
    const first = sealed(peer, { request: 'echo', id: 2, data: MARKER });
    const second = sealed(peer, { request: 'echo', id: 3, data: MARKER });
    peer.socket.send(second);
    peer.socket.send(first);
    assert.strictEqual(await peer.closeCode(), CRYPTO_FAILED);
    assert.strictEqual(peer.received.length, 0);
    await assertContained(assert, scene, 'DECRYPT_FAILED', [first, second]);
  });

  QUnit.test('a dropped frame: the one after it closes with 4002', async (assert) => {
    const scene = await stage();
    const peer = await authenticated(scene.server);
    const dropped = sealed(peer, { request: 'echo', id: 2, data: MARKER });
    const next = sealed(peer, { request: 'echo', id: 3, data: MARKER });
    peer.socket.send(next);
    assert.strictEqual(await peer.closeCode(), CRYPTO_FAILED);
    assert.strictEqual(peer.received.length, 0);
    await assertContained(assert, scene, 'DECRYPT_FAILED', [dropped, next]);
  });

  QUnit.test('a frame the server sent, reflected back to it, closes with 4002', async (assert) => {
    const scene = await stage();
    const peer = await authenticated(scene.server);
    // One request, two frames back (the broadcast push, then the answer): the server has now
    // received nonces 0 and 1 and sent 0, 1 and 2.
    peer.send({ request: 'rooms', id: 2, data: { shout: MARKER } });
    await peer.next((envelope) => envelope.request === 'rooms');
    assert.strictEqual(peer.frames.length, 3, 'the auth answer, the push and the answer');
    for (const reflected of peer.frames) {
      const target = await authenticated(scene.server);
      target.socket.send(reflected);
      assert.strictEqual(await target.closeCode(), CRYPTO_FAILED, 'on another connection');
    }
    // The answer was sealed under nonce 2, the very nonce the server expects next: only the
    // per-direction key tells it apart, and that suffices.
    peer.socket.send(peer.frames[2]!);
    assert.strictEqual(await peer.closeCode(), CRYPTO_FAILED, 'on its own connection, at the matching nonce');
    await assertContained(assert, scene, 'DECRYPT_FAILED', peer.frames);
  });

  QUnit.test('handshake frame 2 reflected back to the server closes with 4002', async (assert) => {
    const scene = await stage();
    const peer = await RawPeer.connect(scene.server);
    const frame2 = peer.wire[0]!;
    assert.true(frame2.isBinary);
    assert.strictEqual(frame2.data.length, HANDSHAKE_FRAME_BYTES);
    peer.socket.send(frame2.data);
    assert.strictEqual(await peer.closeCode(), CRYPTO_FAILED);
    // Sent as the first frame of a new connection it is no valid frame 1 either.
    const fresh = await RawPeer.open(scene.server);
    fresh.socket.send(frame2.data);
    assert.strictEqual(await fresh.closeCode(), CRYPTO_FAILED);
    await assertContained(assert, scene, 'HANDSHAKE_FAILED', [frame2.data]);
  });

  QUnit.test('a truncated frame closes with 4002: the last byte dropped, or shorter than the 16-byte tag', async (assert) => {
    const scene = await stage();
    const attacked: Buffer[] = [];
    const cut = await RawPeer.connect(scene.server);
    const frame = sealed(cut, authRequest());
    attacked.push(frame.subarray(0, -1));
    cut.socket.send(frame.subarray(0, -1));
    assert.strictEqual(await cut.closeCode(), CRYPTO_FAILED, 'last byte dropped');
    for (const length of [0, 1, 15, 16]) {
      const peer = await authenticated(scene.server);
      const short = sealed(peer, { request: 'echo', id: 2, data: MARKER }).subarray(0, length);
      peer.socket.send(short);
      assert.strictEqual(await peer.closeCode(), CRYPTO_FAILED, `${length} bytes`);
    }
    await assertContained(assert, scene, 'DECRYPT_FAILED', attacked);
  });

  QUnit.test('a text frame before the handshake closes with 4002', async (assert) => {
    const scene = await stage();
    const json = await RawPeer.open(scene.server);
    json.socket.send(JSON.stringify(authRequest()));
    assert.strictEqual(await json.closeCode(), CRYPTO_FAILED, 'the auth request as JSON text');
    const asText = await RawPeer.open(scene.server);
    asText.socket.send(asText.link.start()!, { binary: false });
    assert.strictEqual(await asText.closeCode(), CRYPTO_FAILED, 'a valid frame 1, but as a text frame');
    assert.strictEqual(asText.wire.length, 0, 'and no frame 2 was sent');
    await assertContained(assert, scene, 'HANDSHAKE_FAILED');
  });

  QUnit.test('a text frame after the handshake closes with 4002', async (assert) => {
    const scene = await stage();
    const json = await authenticated(scene.server);
    json.socket.send(JSON.stringify({ request: 'echo', id: 2, data: MARKER }));
    assert.strictEqual(await json.closeCode(), CRYPTO_FAILED, 'plaintext JSON');
    const asText = await authenticated(scene.server);
    const frame = sealed(asText, { request: 'echo', id: 2, data: MARKER });
    asText.socket.send(frame, { binary: false });
    assert.strictEqual(await asText.closeCode(), CRYPTO_FAILED, 'a valid sealed frame, but as a text frame');
    assert.strictEqual(asText.received.length, 0);
    await assertContained(assert, scene, 'DECRYPT_FAILED', [frame]);
  });

  QUnit.test('an application frame instead of handshake frame 1 closes with 4002', async (assert) => {
    const scene = await stage();
    const json = JSON.stringify(authRequest());
    const padded = Buffer.from(`{"request":"auth","pad":"${'x'.repeat(HANDSHAKE_FRAME_BYTES - 27)}"}`);
    assert.strictEqual(padded.length, HANDSHAKE_FRAME_BYTES, 'JSON exactly the size of frame 1');
    const donor = await RawPeer.connect(scene.server);
    const transport = sealed(donor, authRequest());
    const cases: Array<[string, Buffer | string, boolean]> = [
      ['JSON as text', json, false],
      ['JSON as binary', Buffer.from(json), true],
      ['JSON of frame-1 size as binary', padded, true],
      ['a sealed transport frame of another connection', transport, true],
      ['an empty binary frame', Buffer.alloc(0), true],
    ];
    for (const [what, data, binary] of cases) {
      const peer = await RawPeer.open(scene.server);
      peer.socket.send(data, { binary });
      assert.strictEqual(await peer.closeCode(), CRYPTO_FAILED, what);
      assert.strictEqual(peer.wire.length, 0, `${what}: nothing sent back`);
    }
    await assertContained(assert, scene, 'HANDSHAKE_FAILED', [transport]);
  });

  QUnit.test('a second handshake (a fresh valid frame 1) on an established channel closes with 4002', async (assert) => {
    const scene = await stage();
    const established = await RawPeer.connect(scene.server);
    const beforeAuth = new NoiseHandshake('client', derivePsk(TEST_KEY)).start().send!;
    established.socket.send(beforeAuth);
    assert.strictEqual(await established.closeCode(), CRYPTO_FAILED, 'before auth');
    const peer = await authenticated(scene.server);
    const frameCount = peer.wire.length;
    const again = new NoiseHandshake('client', derivePsk(TEST_KEY)).start().send!;
    assert.strictEqual(again.length, HANDSHAKE_FRAME_BYTES);
    peer.socket.send(again);
    assert.strictEqual(await peer.closeCode(), CRYPTO_FAILED, 'after auth');
    assert.strictEqual(peer.wire.length, frameCount, 'no second frame 2 was sent');
    await assertContained(assert, scene, 'DECRYPT_FAILED', [beforeAuth, again]);
  });

  // A tampered copy sent right before the genuine frame: the refused frame did not advance
  // the receive nonce, so the genuine one would open if the server kept reading after it
  // decided to close. It must not.
  QUnit.test('after a refused frame, nothing more on that connection is opened or dispatched', async (assert) => {
    const scene = await stage();
    const peer = await authenticated(scene.server);
    const calls = Add.calls;
    const genuine = sealed(peer, { request: 'add', id: 2, data: { a: 1, b: 2 } });
    peer.socket.send(flipped(genuine, 0));
    peer.socket.send(genuine);
    assert.strictEqual(await peer.closeCode(), CRYPTO_FAILED);
    assert.strictEqual(peer.received.length, 0, 'not answered');
    assert.strictEqual(Add.calls, calls, 'the handler did not run after the refusal');
    await assertContained(assert, scene, 'DECRYPT_FAILED');
  });
});

QUnit.module('integration: a man in the middle of a real client', (hooks) => {
  let relay: WsRelay | undefined;
  hooks.afterEach(async () => {
    await resetAll();
    await relay?.close();
    relay = undefined;
  });

  /** A client talking to the server through a relay whose `tap` the test sets once it is authenticated. */
  async function victimThroughRelay(scene: Scene): Promise<{ victim: SocketClient; mitm: WsRelay }> {
    const mitm = await WsRelay.start(scene.server.port);
    relay = mitm;
    const victim = await startExtraClient(scene.server, { address: mitm.address, maxReconnectAttempts: 0 });
    return { victim, mitm };
  }

  /** Applies `attack` to the first client-to-server frame from now on, and to that one only. */
  function onNextUpFrame(attack: (frame: RelayedFrame) => RelayedFrame[]): (frame: RelayedFrame) => RelayedFrame[] {
    let done = false;
    return (frame) => {
      if (done || frame.direction !== 'up') return [frame];
      done = true;
      return attack(frame);
    };
  }

  QUnit.test('one bit flipped in a request in flight: the server closes with 4002 and the call fails DISCONNECTED', async (assert) => {
    const scene = await stage();
    const { victim, mitm } = await victimThroughRelay(scene);
    mitm.tap = onNextUpFrame((frame) => [{ ...frame, data: flipped(frame.data, 5) }]);
    const disconnected = nextEvent<[number, string]>(victim.events, 'disconnect');
    const error = (await victim.request('echo', MARKER).catch((e: unknown) => e)) as { code?: string };
    assert.strictEqual(error.code, 'DISCONNECTED');
    assert.deepEqual(mitm.serverCloses, [CRYPTO_FAILED]);
    assert.strictEqual((await disconnected)[0], CRYPTO_FAILED, 'the client learns the close code');
    await assertContained(assert, scene, 'DECRYPT_FAILED', mitm.framesGoing('up').map((frame) => frame.data));
  });

  QUnit.test('two requests in flight delivered in swapped order: 4002, both fail DISCONNECTED', async (assert) => {
    const scene = await stage();
    const { victim, mitm } = await victimThroughRelay(scene);
    let held: RelayedFrame | undefined;
    const inner = mitm.tap;
    mitm.tap = (frame) => {
      if (frame.direction !== 'up') return inner(frame);
      if (held === undefined) {
        held = frame;
        return [];
      }
      const first = held;
      mitm.tap = inner;
      return [frame, first];
    };
    // Sent in two ticks, so they leave as two frames (one tick's calls share one record).
    const first = victim.request('echo', 'a');
    await new Promise((resolve) => setImmediate(resolve));
    const results = await Promise.allSettled([first, victim.request('echo', 'b')]);
    assert.deepEqual(results.map((result) => result.status === 'rejected' && (result.reason as { code?: string }).code), ['DISCONNECTED', 'DISCONNECTED']);
    assert.deepEqual(mitm.serverCloses, [CRYPTO_FAILED]);
    await assertContained(assert, scene, 'DECRYPT_FAILED');
  });

  QUnit.test('a request replayed in flight once answered: the server closes with 4002', async (assert) => {
    const scene = await stage();
    const { victim, mitm } = await victimThroughRelay(scene);
    let copy: RelayedFrame | undefined;
    let replayed = false;
    // Replayed right behind the answer, not behind the request: whether a request arriving
    // with its replay in one read gets answered first is a race this test has no need of.
    mitm.tap = (frame) => {
      if (frame.direction === 'up' && copy === undefined) copy = frame;
      else if (frame.direction === 'down' && copy !== undefined && !replayed) {
        replayed = true;
        return [frame, copy];
      }
      return [frame];
    };
    const disconnected = nextEvent<[number, string]>(victim.events, 'disconnect');
    assert.strictEqual(await victim.request('echo', MARKER).catch(() => 'lost'), MARKER, 'the genuine copy is answered');
    assert.strictEqual((await disconnected)[0], CRYPTO_FAILED);
    assert.deepEqual(mitm.serverCloses, [CRYPTO_FAILED]);
    await assertContained(assert, scene, 'DECRYPT_FAILED');
  });

  QUnit.test('one bit flipped in a server frame: the client closes with 4002 itself', async (assert) => {
    const scene = await stage();
    const { victim, mitm } = await victimThroughRelay(scene);
    let done = false;
    mitm.tap = (frame) => {
      if (done || frame.direction !== 'down') return [frame];
      done = true;
      return [{ ...frame, data: flipped(frame.data, frame.data.length - 1) }];
    };
    const error = (await victim.request('echo', MARKER).catch((e: unknown) => e)) as { code?: string };
    assert.strictEqual(error.code, 'DISCONNECTED', 'the tampered answer was not delivered');
    await waitUntil(() => mitm.clientCloses.length > 0, undefined, 'the client to close');
    assert.deepEqual(mitm.clientCloses, [CRYPTO_FAILED]);
    assert.deepEqual(await scene.bystander.request('echo', 1), 1);
    assert.true(scene.server.clientMap.has(scene.bystanderId));
  });
});
