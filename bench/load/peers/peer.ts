/** One client connection as the load generator drives it, whatever the server's protocol. */

/** Called once per call: `failed` is true when the call was answered with an error or lost. */
export type CallDone = (failed: boolean) => void;

/** Receives each broadcast payload that reaches a listening peer. */
export type PushListener = (payload: unknown) => void;

/** A connected, authenticated client. */
export interface Peer {
  /** One echo round trip with `data`. */
  call(data: unknown, done: CallDone): void;
  /** Asks the server to broadcast `data` to every connection; resolves with its answer. */
  trigger(data: unknown): Promise<void>;
  close(): Promise<void>;
}
