/**
 * What every server is sent, so envelope sizes match across protocols: the same `data` in
 * each echo call, the same push payload in each broadcast. Request names are shared too.
 */

/** The echo request's data: a small object, ~100 bytes of JSON like a typical app message. */
export const ECHO_DATA = { user: 'bench-user-0001', action: 'move', position: { x: 120, y: 48 }, note: 'x'.repeat(32) } as const;

/** Request and event names, identical on every server. */
export const NAMES = { auth: 'auth', echo: 'echo', broadcast: 'broadcast', fanout: 'fanout' } as const;

/** The payload of broadcast number `seq`; receivers match on `seq`. */
export function fanoutData(seq: number): { seq: number; note: string } {
  return { seq, note: 'x'.repeat(64) };
}

/** Reads the broadcast number out of a received payload; -1 when it is not one. */
export function fanoutSeq(payload: unknown): number {
  const seq = (payload as { seq?: unknown } | null)?.seq;
  return typeof seq === 'number' ? seq : -1;
}
