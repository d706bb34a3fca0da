/**
 * Write coalescing: every frame written to one socket in the same tick leaves in one
 * syscall. Under load a connection answers many calls per tick (they arrive together and
 * complete together); written one by one, each answer costs a writev on loopback, which
 * is as much as the whole rest of a plaintext round trip. The cork is lifted on
 * process.nextTick, after the current callback and its microtasks, so an unloaded
 * connection's latency does not change.
 *
 * No per-connection state: the socket's own cork count says whether this tick corked it
 * (ws corks only around a single frame, synchronously), so idle connections pay nothing.
 */

/** The part of a net.Socket that corking needs. */
export interface Corkable {
  readonly writableCorked: number;
  cork(): void;
  uncork(): void;
}

/** Call before each write: the first write of a tick corks `socket` until the next tick. */
export function corkUntilNextTick(socket: Corkable): void {
  if (socket.writableCorked > 0) return;
  socket.cork();
  process.nextTick(uncork, socket);
}

function uncork(socket: Corkable): void {
  socket.uncork();
}
