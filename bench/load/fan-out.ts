/**
 * One broadcast, timed from the trigger request until the last listening peer has the
 * push. All times come from this process's clock (performance.now), so no cross-process
 * clock is involved; receipt is when the peer's message handler ran.
 */
import { fanoutData, fanoutSeq } from '../lib/payload.js';
import type { Peer } from './peers/index.js';

/** Receipt times of the broadcast currently expected. */
export class FanoutHub {
  #seq = -1;
  #receipts: number[] = [];
  #expected = 0;
  #complete: (() => void) | undefined;

  /** The listener every listening peer is connected with. */
  readonly onPush = (payload: unknown): void => {
    if (fanoutSeq(payload) !== this.#seq) return;
    this.#receipts.push(performance.now());
    if (this.#receipts.length === this.#expected) this.#complete?.();
  };

  /**
   * Has `trigger` ask for broadcast `seq` and waits until `expected` listeners received it
   * (or `timeoutMs` passed). Returns receipt times relative to the trigger, in ms.
   */
  async run(trigger: Peer, seq: number, expected: number, timeoutMs: number): Promise<number[]> {
    this.#seq = seq;
    this.#receipts = [];
    this.#expected = expected;
    const all = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#complete = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    const t0 = performance.now();
    await Promise.all([trigger.trigger(fanoutData(seq)), all]);
    this.#seq = -1;
    return this.#receipts.map((at) => at - t0);
  }
}
