/**
 * Replays the published NNpsk0 vector through the WebCrypto handshake and lists every
 * comparison. No node: imports: the unit test runs it on Node's WebCrypto, the browser
 * test bundles it and runs it in Chromium.
 */
import { WebHandshakeState, type WebTransportCiphers } from '../../src/crypto/web/web-handshake-state.js';

/** One vector of test/fixtures/noise-nnpsk0.json. */
export interface NoiseVector {
  init_prologue: string;
  init_psks: string[];
  init_ephemeral: string;
  resp_prologue: string;
  resp_psks: string[];
  resp_ephemeral: string;
  handshake_hash: string;
  messages: { payload: string; ciphertext: string }[];
}

/** What one step produced against what the vector says. */
export interface VectorComparison {
  step: string;
  expected: string;
  actual: string;
}

const EMPTY = new Uint8Array(0);

export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (byte) => parseInt(byte, 16));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Both sides of the vector, each checked on its own: initiator then responder. */
export async function compareWithVector(vector: NoiseVector): Promise<VectorComparison[]> {
  const results: VectorComparison[] = [];
  for (const initiator of [true, false]) {
    const side = initiator ? 'initiator' : 'responder';
    const hs = new WebHandshakeState({
      initiator,
      prologue: fromHex(initiator ? vector.init_prologue : vector.resp_prologue),
      psk: fromHex((initiator ? vector.init_psks : vector.resp_psks)[0]!),
      ephemeralPrivateKey: fromHex(initiator ? vector.init_ephemeral : vector.resp_ephemeral),
    });
    const [m0, m1, ...transport] = vector.messages;
    if (initiator) {
      results.push({ step: `${side} writes message 0`, expected: m0!.ciphertext, actual: toHex(await hs.writeMessage(fromHex(m0!.payload))) });
      results.push({ step: `${side} reads message 1`, expected: m1!.payload, actual: toHex(await hs.readMessage(fromHex(m1!.ciphertext))) });
    } else {
      results.push({ step: `${side} reads message 0`, expected: m0!.payload, actual: toHex(await hs.readMessage(fromHex(m0!.ciphertext))) });
      results.push({ step: `${side} writes message 1`, expected: m1!.ciphertext, actual: toHex(await hs.writeMessage(fromHex(m1!.payload))) });
    }
    results.push({ step: `${side} handshake hash`, expected: vector.handshake_hash, actual: toHex(hs.handshakeHash()) });
    results.push(...(await compareTransport(side, await hs.split(), initiator, transport)));
  }
  return results;
}

async function compareTransport(side: string, ciphers: WebTransportCiphers, writesEven: boolean, messages: NoiseVector['messages']): Promise<VectorComparison[]> {
  const results: VectorComparison[] = [];
  for (const [index, { payload, ciphertext }] of messages.entries()) {
    if ((index % 2 === 0) === writesEven) {
      results.push({ step: `${side} writes transport ${index}`, expected: ciphertext, actual: toHex(await ciphers.send.encryptWithAd(EMPTY, fromHex(payload))) });
    } else {
      results.push({ step: `${side} reads transport ${index}`, expected: payload, actual: toHex(await ciphers.receive.decryptWithAd(EMPTY, fromHex(ciphertext))) });
    }
  }
  return results;
}
