/**
 * Micro-benchmark of the crypto layer (not a test): full NNpsk0 handshakes per second, and
 * seal+open cost per frame against a plaintext channel and against the Stonyx-style scheme
 * (a random 12-byte IV per frame, sent with it, key as a Buffer).
 *
 *   node --expose-gc --import tsx bench/crypto.ts
 *
 * With --expose-gc it also times the young-generation GC that frees 1,000 seals' garbage:
 * node:crypto builds a native-backed cipher object per AEAD call, and each one dead costs
 * the scavenger a weak-handle callback and an OpenSSL context free.
 * Prints a markdown table and writes bench/results/crypto.json.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { connectChannels } from '../test/helpers/channel-pair.js';
import { PlainChannel } from '../src/channel/plain-channel.js';

const RUN_NS = 1_000_000_000n;
const WARMUP_NS = 150_000_000n;
const BATCH = 16;
const PSK = randomBytes(32);
const SIZES = [100, 1024, 64 * 1024];

interface FrameRow {
  bytes: number;
  plainUs: number;
  noiseUs: number;
  naiveUs: number;
  noiseOverheadUs: number;
}

interface Measurement {
  ops: number;
  seconds: number;
}

/**
 * Runs `op` in batches for `durationNs` of wall time and counts how many ran. `seconds` is the
 * process's CPU time (user + system), not wall time: on a shared machine other processes
 * stretch wall time, not the CPU this one spends.
 */
function measure(op: () => void, durationNs = RUN_NS): Measurement {
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let ops = 0;
  do {
    for (let i = 0; i < BATCH; i += 1) op();
    ops += BATCH;
  } while (process.hrtime.bigint() - start < durationNs);
  const cpu = process.cpuUsage(cpuStart);
  return { ops, seconds: (cpu.user + cpu.system) / 1e6 };
}

function bench(op: () => void): Measurement {
  measure(op, WARMUP_NS);
  return measure(op);
}

function microseconds(m: Measurement): number {
  return (m.seconds * 1e6) / m.ops;
}

function fullHandshake(): void {
  const { client, server } = connectChannels(PSK);
  // As a real connection does when it ends: zero and free the transport keys.
  client.close();
  server.close();
}

/** GC pause (µs, median of 25) of a minor GC right after `op` ran 1,000 times. */
function scavengeAfter(op: () => void): number | undefined {
  const gc = (globalThis as { gc?: (options: { type: 'minor' }) => void }).gc;
  if (gc === undefined) return undefined;
  const pauses: number[] = [];
  for (let round = 0; round < 26; round += 1) {
    gc({ type: 'minor' });
    for (let i = 0; i < 1000; i += 1) op();
    const start = process.hrtime.bigint();
    gc({ type: 'minor' });
    if (round > 0) pauses.push(Number(process.hrtime.bigint() - start) / 1e3);
  }
  return pauses.sort((a, b) => a - b)[pauses.length >> 1];
}

/** A JSON envelope of exactly `bytes` UTF-8 bytes. */
function message(bytes: number): string {
  const shell = JSON.stringify({ request: 'echo', id: 1, data: '' });
  return JSON.stringify({ request: 'echo', id: 1, data: 'x'.repeat(bytes - shell.length) });
}

/** The Stonyx scheme: iv || tag || ciphertext under a random IV, key passed as a Buffer. */
function naiveRoundTrip(key: Buffer, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  const frame = Buffer.concat([iv, cipher.getAuthTag(), body]);
  const decipher = createDecipheriv('aes-256-gcm', key, frame.subarray(0, 12));
  decipher.setAuthTag(frame.subarray(12, 28));
  const plain = Buffer.concat([decipher.update(frame.subarray(28)), decipher.final()]);
  return plain.toString('utf8');
}

/** µs per seal+open of `text`, after checking the round trip is faithful. */
function timeRoundTrip(name: string, roundTrip: (text: string) => string, text: string): number {
  if (roundTrip(text) !== text) throw new Error(`${name} did not round-trip`);
  return microseconds(bench(() => {
    roundTrip(text);
  }));
}

function frameRows(): FrameRow[] {
  const { client, server } = connectChannels(PSK);
  const plain = new PlainChannel();
  const naiveKey = randomBytes(32);
  return SIZES.map((bytes) => {
    const text = message(bytes);
    // ws hands received frames over as Buffers, so the baseline pays the UTF-8 encode too.
    const plainUs = timeRoundTrip('plain', (t) => plain.open(Buffer.from(plain.seal(t)), false), text);
    const noiseUs = timeRoundTrip('noise', (t) => server.open(client.seal(t) as Buffer, true), text);
    const naiveUs = timeRoundTrip('naive', (t) => naiveRoundTrip(naiveKey, t), text);
    return { bytes, plainUs, noiseUs, naiveUs, noiseOverheadUs: noiseUs - plainUs };
  });
}

function main(): void {
  const handshakes = bench(fullHandshake);
  const handshakesPerSecond = handshakes.ops / handshakes.seconds;
  const rows = frameRows();
  const { client } = connectChannels(PSK);
  const text = message(100);
  const sealGcUs = scavengeAfter(() => client.seal(text));
  const plainGcUs = scavengeAfter(() => Buffer.from(text));
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const fixed = (value: number): string => value.toFixed(2);
  const lines = [
    `Node ${process.version}, ${cpu}`,
    '',
    `Full NNpsk0 handshake (client + server, in-process, incl. Split): ${handshakesPerSecond.toFixed(0)}/s ` +
      `(${microseconds(handshakes).toFixed(1)} µs each)`,
    '',
    '| message | plaintext seal+open (µs) | Noise AES-GCM seal+open (µs) | naive random-IV AES-GCM (µs) ' +
      '| Noise over plaintext (µs) |',
    '| ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => {
      const cells = [r.plainUs, r.noiseUs, r.naiveUs, r.noiseOverheadUs].map(fixed);
      return `| ${r.bytes} B | ${cells.join(' | ')} |`;
    }),
    '',
    sealGcUs === undefined || plainGcUs === undefined
      ? 'GC cost of seals: run with --expose-gc'
      : `Minor GC right after 1,000 seals of 100 B: ${sealGcUs.toFixed(0)} µs; after 1,000 Buffer.from of the same text: ${plainGcUs.toFixed(0)} µs (median of 25)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const results = new URL('results/', import.meta.url);
  mkdirSync(results, { recursive: true });
  const json = { node: process.version, cpu, date: new Date().toISOString(), handshakesPerSecond, frames: rows, minorGcAfter1000SealsUs: sealGcUs, minorGcAfter1000PlainUs: plainGcUs };
  writeFileSync(new URL('crypto.json', results), `${JSON.stringify(json, null, 2)}\n`);
}

main();
