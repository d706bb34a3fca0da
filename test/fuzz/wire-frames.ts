/**
 * Protocol-level fuzz cases: a hand-made HTTP upgrade on a plain TCP socket, then raw
 * WebSocket frames that no well-behaved client library would write (reserved opcodes, RSV
 * bits, unmasked frames, oversized or fragmented control frames, lying lengths, bad close
 * codes). They exercise how the server cleans up after ws refuses a frame (1002, 1009).
 */
import { connect } from 'node:net';
import type { Prng } from './prng.js';

/** A protocol-level case. */
export interface WireCase {
  /** The HTTP request that opens the socket (sometimes deliberately broken). */
  upgrade: Buffer;
  /** Frame bytes written once the server has answered 101. */
  frames: Buffer;
  labels: string[];
  /** Close codes this case itself sends: the server may echo them back. */
  peerCodes: number[];
  /** `publicInfo` calls it makes (the one handler allowed before auth). */
  publicInfoCalls: number;
}

/** What the socket saw. */
export interface WireOutcome {
  upgraded: boolean;
  /** Code of the first close frame the server sent, if any (1005: a close frame without one). */
  serverClose?: number;
  timedOut: boolean;
}

interface FrameBits {
  fin?: boolean;
  rsv?: number;
  opcode: number;
  masked?: boolean;
  payload: Buffer;
  /** A length field that lies about the payload. */
  declaredLength?: bigint;
}

/** One WebSocket frame as bytes (RFC 6455 section 5.2). */
export function encodeFrame(bits: FrameBits, maskKey: Buffer): Buffer {
  const { fin = true, rsv = 0, opcode, masked = true, payload } = bits;
  const length = bits.declaredLength ?? BigInt(payload.length);
  const head = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f)];
  const maskBit = masked ? 0x80 : 0;
  let extended = Buffer.alloc(0);
  if (length < 126n) head.push(maskBit | Number(length));
  else if (length < 65_536n) {
    head.push(maskBit | 126);
    extended = Buffer.alloc(2);
    extended.writeUInt16BE(Number(length));
  } else {
    head.push(maskBit | 127);
    extended = Buffer.alloc(8);
    extended.writeBigUInt64BE(length);
  }
  const body = masked ? Buffer.from(payload.map((byte, i) => byte ^ maskKey[i % 4]!)) : payload;
  return Buffer.concat([Buffer.from(head), extended, masked ? maskKey : Buffer.alloc(0), body]);
}

const PUBLIC_INFO = Buffer.from('{"request":"publicInfo","id":3}');

function closePayload(code: number, reason: Buffer): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(code);
  return Buffer.concat([out, reason]);
}

type WireFrame = [label: string, bits: FrameBits, peerCode?: number];

function wireFrame(r: Prng, maxPayload: number): WireFrame {
  const junk = (n: number): Buffer => r.bytes(n);
  const code = r.pick([1000, 1001, 1002, 1005, 1006, 999, 0, 2999, 3000, 4004, 4999, 5000]);
  return r.weighted<() => WireFrame>([
    [() => ['publicInfo', { opcode: 1, payload: PUBLIC_INFO }], 3],
    [() => ['text-junk', { opcode: r.pick([1, 2]), payload: junk(r.int(0, 40)) }], 2],
    [() => ['continuation-alone', { opcode: 0, payload: junk(4) }], 1],
    [() => ['reserved-opcode', { opcode: r.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), payload: junk(3) }], 1],
    [() => ['rsv-bits', { opcode: 1, rsv: r.int(1, 7), payload: PUBLIC_INFO }], 1],
    [() => ['unmasked', { opcode: 1, masked: false, payload: PUBLIC_INFO }], 1],
    [() => ['long-ping', { opcode: 9, payload: junk(126) }], 1],
    [() => ['fragmented-ping', { opcode: 9, fin: false, payload: junk(2) }], 1],
    [() => ['ping', { opcode: r.pick([9, 10]), payload: junk(r.int(0, 125)) }], 1],
    [() => ['huge-length', { opcode: 2, payload: junk(8), declaredLength: r.pick([2n ** 63n, 2n ** 53n, BigInt(maxPayload + 17), BigInt(maxPayload * 4)]) }], 1],
    [() => ['short-close', { opcode: 8, payload: junk(1) }], 1],
    [() => [`close-${code}`, { opcode: 8, payload: closePayload(code, r.chance(0.3) ? Buffer.from([0xff, 0xfe]) : junk(r.int(0, 8))) }, code], 1],
    [() => ['long-close', { opcode: 8, payload: closePayload(1000, junk(124)) }], 0.5],
  ])();
}

/** A publicInfo call split into fragments, with a ping between them (allowed by the RFC). */
function fragmented(r: Prng): FrameBits[] {
  const cut = r.int(1, PUBLIC_INFO.length - 1);
  const parts: FrameBits[] = [{ opcode: 1, fin: false, payload: PUBLIC_INFO.subarray(0, cut) }];
  if (r.chance(0.5)) parts.push({ opcode: 9, payload: Buffer.from('mid') });
  parts.push({ opcode: r.chance(0.9) ? 0 : 1, payload: PUBLIC_INFO.subarray(cut) });
  return parts;
}

function upgradeRequest(r: Prng): [label: string | undefined, request: Buffer] {
  const key = r.bytes(16).toString('base64');
  const lines = ['GET / HTTP/1.1', 'Host: 127.0.0.1', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13'];
  const broken = r.weighted<() => [string | undefined, string[]]>([
    [() => [undefined, lines], 12],
    [() => ['http:version-12', lines.map((line) => line.replace('Version: 13', 'Version: 12'))], 1],
    [() => ['http:no-key', lines.filter((line) => !line.startsWith('Sec-WebSocket-Key'))], 1],
    [() => ['http:short-key', lines.map((line) => (line.startsWith('Sec-WebSocket-Key') ? 'Sec-WebSocket-Key: abc' : line))], 1],
    [() => ['http:garbage', [r.bytes(r.int(1, 60)).toString('latin1')]], 1],
  ])();
  return [broken[0], Buffer.from(`${broken[1].join('\r\n')}\r\n\r\n`, 'latin1')];
}

/** A protocol-level case: an upgrade request and 1..3 raw frames (or a fragmented call). */
export function generateWireCase(r: Prng, options: { maxPayload: number }): WireCase {
  const [httpLabel, upgrade] = upgradeRequest(r);
  const labels: string[] = httpLabel === undefined ? [] : [httpLabel];
  const peerCodes: number[] = [];
  const bits: FrameBits[] = [];
  let publicInfoCalls = 0;
  if (r.chance(0.2)) {
    labels.push('fragmented');
    bits.push(...fragmented(r));
    publicInfoCalls += 1;
  } else {
    for (let count = r.int(1, 3); count > 0; count--) {
      const [label, frame, code] = wireFrame(r, options.maxPayload);
      labels.push(label);
      bits.push(frame);
      if (code !== undefined) peerCodes.push(code);
      if (label === 'publicInfo') publicInfoCalls += 1;
    }
  }
  const frames = Buffer.concat(bits.map((frame) => encodeFrame(frame, r.bytes(4))));
  return { upgrade, frames, labels, peerCodes, publicInfoCalls };
}

const PROBE_PING = encodeFrame({ opcode: 9, payload: Buffer.from('probe') }, Buffer.from([1, 2, 3, 4]));

/**
 * Runs a wire case against `port`: upgrade, write the frames and a probe ping, then wait for
 * the probe's pong, the server's close, or the deadline; the socket is destroyed after.
 */
export function runWireCase(port: number, wire: WireCase, deadlineMs: number): Promise<WireOutcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const outcome: WireOutcome = { upgraded: false, timedOut: false };
    let received = Buffer.alloc(0);
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      outcome.timedOut = true;
      finish();
    }, deadlineMs);
    socket.on('error', () => {});
    socket.on('close', finish);
    socket.on('connect', () => socket.write(wire.upgrade));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!outcome.upgraded) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!received.subarray(0, 12).toString('latin1').startsWith('HTTP/1.1 101')) return finish();
        outcome.upgraded = true;
        received = received.subarray(end + 4);
        socket.write(Buffer.concat([wire.frames, PROBE_PING]));
      }
      const seen = scanServerFrames(received);
      if (seen.close !== undefined) outcome.serverClose = seen.close;
      if (seen.close !== undefined || seen.probePong) finish();
    });
  });
}

/** Walks the unmasked frames the server sent: its close code, and whether the probe was ponged. */
function scanServerFrames(bytes: Buffer): { close?: number; probePong: boolean } {
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at]! & 0x0f;
    let length = bytes[at + 1]! & 0x7f;
    let start = at + 2;
    if (length === 126) [length, start] = [bytes.length >= at + 4 ? bytes.readUInt16BE(at + 2) : Infinity, at + 4];
    else if (length === 127) [length, start] = [bytes.length >= at + 10 ? Number(bytes.readBigUInt64BE(at + 2)) : Infinity, at + 10];
    if (start + length > bytes.length) break;
    const payload = bytes.subarray(start, start + length);
    if (opcode === 8) return { close: payload.length >= 2 ? payload.readUInt16BE(0) : 1005, probePong: false };
    if (opcode === 10 && payload.toString('latin1') === 'probe') return { probePong: true };
    at = start + length;
  }
  return { probePong: false };
}
