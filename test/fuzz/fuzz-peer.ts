/**
 * Runs one frame case on a raw ws socket. The channel is built from the real Noise code
 * (src/crypto) rather than EnvelopeLink, because the fuzzer must also seal bytes that are
 * not UTF-8 text, and send frames no channel would (tampered, replayed, unsealed).
 */
import { WebSocket } from 'ws';
import type { CipherState } from '../../src/crypto/cipher-state.js';
import { HandshakeState } from '../../src/crypto/noise.js';
import { PROTOCOL_PROLOGUE } from '../../src/protocol/constants.js';
import type { FrameSpec, FuzzCase, HandshakeSpec } from './generators.js';

/** Id of the heartBeat sent after a case's frames; generators never use it. */
export const PROBE_ID = 424_242_424;
const NO_AD = Buffer.alloc(0);
const PROLOGUE = Buffer.from(PROTOCOL_PROLOGUE, 'ascii');

/** What the fuzz socket saw of one case. */
export interface PeerOutcome {
  opened: boolean;
  established: boolean;
  authenticated: boolean;
  /** Code of the server's close, when the server closed before the case ended. */
  serverClose?: number;
  probeAnswered: boolean;
  timedOut: boolean;
  /** Kinds of the answers received (`response`, `error:CODE`, `push`). */
  answers: string[];
  /** Things the server did that no input excuses (an undecryptable frame, a refused good auth). */
  problems: string[];
}

/** Client end of the channel: plaintext, or Noise NNpsk0 then AES-GCM (src/crypto). */
class FuzzChannel {
  #handshake: HandshakeState | undefined;
  #send: CipherState | undefined;
  #receive: CipherState | undefined;

  constructor(readonly psk: Buffer | null) {}

  get established(): boolean {
    return this.psk === null || this.#send !== undefined;
  }

  frameOne(): Buffer {
    this.#handshake = new HandshakeState({ initiator: true, prologue: PROLOGUE, psk: this.psk! });
    return this.#handshake.writeMessage(NO_AD);
  }

  frameTwo(frame: Buffer): void {
    this.#handshake!.readMessage(frame);
    ({ send: this.#send, receive: this.#receive } = this.#handshake!.split());
  }

  seal(bytes: Buffer): { data: Buffer; binary: boolean } {
    if (this.#send === undefined) return { data: bytes, binary: this.psk !== null };
    return { data: this.#send.encryptWithAd(NO_AD, bytes), binary: true };
  }

  open(frame: Buffer): string {
    return this.#receive === undefined ? frame.toString('utf8') : this.#receive.decryptWithAd(NO_AD, frame).toString('utf8');
  }
}

/** Frame 1 altered as the case says. */
function mutateFrameOne(frame: Buffer, spec: Extract<HandshakeSpec, { kind: 'mutated' }>): { data: Buffer; binary: boolean } {
  const copy = Buffer.from(frame);
  if (spec.op === 'flip') copy[spec.at >> 3] = copy[spec.at >> 3]! ^ (1 << (spec.at & 7));
  if (spec.op === 'truncate') return { data: copy.subarray(0, spec.at % copy.length), binary: true };
  if (spec.op === 'extend') return { data: Buffer.concat([copy, spec.extra]), binary: true };
  return { data: copy, binary: spec.op !== 'text' };
}

/** A raw socket for one case, with a wait that wakes on every frame and on close. */
/** One message of a record from the server, as far as the tally reads it. */
interface Answer { request?: unknown; id?: unknown; error?: { code?: unknown }; response?: unknown }

class FuzzSocket {
  readonly ws: WebSocket;
  readonly outcome: PeerOutcome = { opened: false, established: false, authenticated: false, probeAnswered: false, timedOut: false, answers: [], problems: [] };
  closed = false;
  #wake: (() => void) | undefined;

  constructor(url: string, readonly channel: FuzzChannel) {
    this.ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true, maxPayload: 64 * 1024 * 1024 });
    this.ws.on('error', () => {});
    this.ws.on('open', () => this.#poke());
    this.ws.on('close', (code: number) => {
      if (!this.closed) this.outcome.serverClose = code;
      this.closed = true;
      this.#poke();
    });
    this.ws.on('message', (data: Buffer) => {
      this.#receive(data);
      this.#poke();
    });
  }

  #poke(): void {
    this.#wake?.();
  }

  #receive(data: Buffer): void {
    if (!this.channel.established) {
      try {
        this.channel.frameTwo(data);
      } catch {
        this.outcome.problems.push('the server sent a handshake frame that does not verify');
      }
      return;
    }
    let answers: Answer[];
    try {
      // A frame is a record: one or more JSON messages joined by line feeds.
      answers = this.channel.open(data).split('\n').map((message) => JSON.parse(message) as Answer);
    } catch {
      this.outcome.problems.push('the server sent a frame that does not decrypt or parse');
      return;
    }
    for (const answer of answers) this.#tally(answer);
  }

  #tally(answer: Answer): void {
    if (answer.id === PROBE_ID && answer.request === 'heartBeat') this.outcome.probeAnswered = true;
    else if (answer.request === 'auth' && answer.id === PROBE_ID - 1) this.outcome.authenticated = answer.error === undefined;
    else this.outcome.answers.push(answer.error !== undefined ? `error:${String(answer.error.code)}` : answer.id === undefined ? 'push' : 'response');
  }

  /** Resolves when `done()` holds or the socket closed, or after `ms` (then `false`). */
  async until(done: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!done() && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return true;
  }

  send(frame: { data: Buffer; binary: boolean }): void {
    if (!this.closed) this.ws.send(frame.data, { binary: frame.binary });
  }
}

/** Options of {@link runFrameCase}. */
export interface FrameCaseOptions {
  url: string;
  psk: Buffer | null;
  authKey: string;
  deadlineMs: number;
}

/**
 * Opens a socket, handshakes (or not, or badly), authenticates if the case says so, sends
 * the frames and a probe heartBeat, then waits for the probe's answer, the server's close, or
 * the deadline, and ends the socket as the case says.
 */
export async function runFrameCase(c: FuzzCase, o: FrameCaseOptions): Promise<PeerOutcome> {
  const socket = new FuzzSocket(o.url, new FuzzChannel(o.psk));
  const { channel, outcome } = socket;
  outcome.opened = await socket.until(() => socket.ws.readyState === WebSocket.OPEN, o.deadlineMs) && !socket.closed;
  if (!outcome.opened) return end(socket, c);
  if (o.psk !== null && c.handshake.kind !== 'none') {
    const one = channel.frameOne();
    socket.send(c.handshake.kind === 'valid' ? { data: one, binary: true } : mutateFrameOne(one, c.handshake));
    if (c.handshake.kind === 'valid') await socket.until(() => channel.established, o.deadlineMs);
  }
  outcome.established = channel.established;
  if (c.authFirst && channel.established) {
    socket.send(channel.seal(Buffer.from(JSON.stringify({ request: 'auth', id: PROBE_ID - 1, data: { authKey: o.authKey } }))));
    await socket.until(() => outcome.authenticated, o.deadlineMs);
    if (!outcome.authenticated) outcome.problems.push('a valid auth was not accepted');
  }
  sendFrames(socket, c.frames);
  if (channel.established) socket.send(channel.seal(Buffer.from(JSON.stringify({ request: 'heartBeat', id: PROBE_ID }))));
  outcome.timedOut = !(await socket.until(() => outcome.probeAnswered, o.deadlineMs));
  // A close the server decided just after answering (an auth refusal settles late) lands here.
  if (outcome.probeAnswered) await new Promise((resolve) => setImmediate(resolve));
  return end(socket, c);
}

function sendFrames(socket: FuzzSocket, frames: readonly FrameSpec[]): void {
  let last: { data: Buffer; binary: boolean } | undefined;
  for (const frame of frames) {
    let out: { data: Buffer; binary: boolean };
    if (frame.kind === 'raw') out = { data: frame.bytes, binary: frame.binary };
    else if (frame.kind === 'replay') out = last ?? { data: Buffer.alloc(0), binary: true };
    else {
      out = socket.channel.seal(frame.bytes);
      if (frame.kind === 'tampered') {
        const bit = frame.flip % (out.data.length * 8 || 1);
        out.data[bit >> 3] = (out.data[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      }
    }
    if (frame.kind === 'sealed') last = out;
    socket.send(out);
  }
}

function end(socket: FuzzSocket, c: FuzzCase): PeerOutcome {
  if (!socket.closed) {
    socket.closed = true;
    if (c.ending === 'close' && socket.ws.readyState === WebSocket.OPEN) socket.ws.close(1000);
    else socket.ws.terminate();
  }
  return socket.outcome;
}
