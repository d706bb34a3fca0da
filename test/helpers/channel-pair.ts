/** Both ends of an encrypted channel, handshaken in memory (tests and bench/crypto.ts). */
import { createChannelHandshake, type FrameChannel } from '../../src/channel/frame-channel.js';

/** Runs the client and server Noise handshakes against each other and returns both channels. */
export function connectChannels(psk: Buffer): { client: FrameChannel; server: FrameChannel } {
  const client = createChannelHandshake({ role: 'client', encryption: true, psk });
  const server = createChannelHandshake({ role: 'server', encryption: true, psk });
  server.start();
  const reply = server.receive(client.start().send!, true);
  const done = client.receive(reply.send!, true);
  return { client: done.channel!, server: reply.channel! };
}
