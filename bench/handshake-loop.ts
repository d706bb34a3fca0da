/**
 * Deadlock check for the handshake's key generation (not a test: it takes minutes). Runs N
 * full in-memory handshakes (both sides, ephemeral keys from generateKeyPairSync with the
 * public key as JWK) with a small young generation, so GCs land during key generation
 * often. A deadlock stops the progress lines; run it under `timeout` and check the exit code.
 *
 *   timeout 600 node --max-semi-space-size=1 --import tsx bench/handshake-loop.ts 300000
 */
import { randomBytes } from 'node:crypto';
import { connectChannels } from '../test/helpers/channel-pair.js';

const total = Number(process.argv[2] ?? 300_000);
const PROGRESS_EVERY = 50_000;
const psk = randomBytes(32);
const started = Date.now();
for (let done = 1; done <= total; done++) {
  const { client, server } = connectChannels(psk);
  if (client.open(server.seal('{}') as Buffer, true) !== '{}') throw new Error('handshake produced mismatched keys');
  if (done % PROGRESS_EVERY === 0) process.stdout.write(`${done} handshakes, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}
process.stdout.write(`done: ${total} handshakes without a deadlock in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
