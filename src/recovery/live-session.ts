/** A connection's recovery state while it is open. Pure. */
import type { PushTexts } from './push-texts.js';

/** What the auth answer, and the connection's `recovery`, say about a resume. */
export interface RecoveryOutcome {
  /** Whether the session was resumed: same id, rooms and meta, missed pushes replayed. */
  readonly recovered: boolean;
  /** Why not (see RESUME_REFUSALS in src/protocol/constants.ts). */
  readonly reason?: string | undefined;
}

/** The ring of runs a session's first run gets; doubled as it fills. */
const FIRST_RING_RUNS = 4;

/** The ring of every session that holds nothing: never written to (a full ring grows first). */
const NO_RUNS: Float64Array = new Float64Array(0);

/**
 * The session of one open connection: its token secret, and its pushes numbered 1, 2, 3,
 * ... with where the texts of those the client has not acknowledged are (positions in the
 * process's PushTexts: what a resume replays first), at most `max` (past it the oldest go;
 * a resume that would need them fails with `gap`, never replays with a hole).
 *
 * On the push path of every delivery. Its cost there is memory traffic, not work: a
 * broadcast touches every recipient's state once, long after the cache last held it, so
 * each object a delivery reads is a cache miss (a ring of one position per push measured
 * ~3% of server CPU per push, against 40 ns when alone in a loop). Pushes are therefore
 * kept as runs: a push whose position follows the previous push's (every broadcast to all,
 * with nothing sent in between) extends the current run and writes only this object's
 * fields. A new run is written to a ring of runs held here, which grows by doubling from 4
 * runs as pushes go unacknowledged; an idle session holds the shared empty ring, and lets
 * its ring go at an acknowledgement that finds nothing new since the previous one (a
 * heartbeat of a session gone quiet).
 *
 *   runs (first seq, first position):  (3, 40) (6, 52) (7, 60)     seq 8, held 6
 *   held pushes:  3->40  4->41  5->42  6->52  7->60  8->61
 */
export class LiveSession {
  /** The secret half of the token the client holds now (never logged). */
  readonly secret: string;
  /** Set when the session left this connection (saved as away, or taken over by a resume). */
  ended = false;
  /** The most pushes kept (SOCKET_RECOVERY_MAX_BUFFERED); past it the oldest go. */
  readonly #max: number;
  #seq: number;
  #held = 0;
  /** The position of push {@link seq} (while something is held). */
  #lastPosition = -1;
  /** Runs as pairs (first seq, first position), oldest at {@link #firstRun}, {@link #runCount} of them. */
  #runs = NO_RUNS;
  #firstRun = 0;
  #runCount = 0;

  /**
   * `max`: the most pushes kept; `seq`: the number of the last push the session was sent
   * (a resumed one goes on from it).
   */
  constructor(secret: string, max: number, seq = 0) {
    this.secret = secret;
    this.#max = max;
    this.#seq = seq;
  }

  /** The number of the last push. */
  get seq(): number {
    return this.#seq;
  }

  /** Unacknowledged pushes held. */
  get held(): number {
    return this.#held;
  }

  /**
   * Numbers the push whose text is at `position` (PushTexts) and keeps it until
   * acknowledged (the newest `max` at most); returns its number.
   */
  add(position: number): number {
    const max = this.#max;
    const seq = ++this.#seq;
    if (this.#held === 0 || position !== this.#lastPosition + 1) {
      if (this.#runCount * 2 === this.#runs.length) {
        this.#runs = grown(this.#runs, this.#firstRun, this.#runCount);
        this.#firstRun = 0;
      }
      const at = ((this.#firstRun + this.#runCount) * 2) % this.#runs.length;
      this.#runs[at] = seq;
      this.#runs[at + 1] = position;
      this.#runCount += 1;
    }
    this.#lastPosition = position;
    if (this.#held < max) this.#held += 1;
    else this.dropBefore(seq - max + 1);
    return seq;
  }

  /** The client has every push up to `seq`: those need no replay. */
  acknowledge(seq: number): void {
    // Nothing pushed since the last acknowledgement: idle, the ring goes. A busy session
    // keeps it, rather than growing a new one after every heartbeat.
    if (this.#held === 0) {
      this.#runs = NO_RUNS;
      this.#firstRun = 0;
      return;
    }
    const acknowledged = Math.min(seq, this.#seq);
    if (acknowledged < this.#seq - this.#held + 1) return;
    this.#held = this.#seq - acknowledged;
    if (this.#held === 0) this.#runCount = 0;
    else this.dropBefore(acknowledged + 1);
  }

  /**
   * The texts of the unacknowledged pushes, oldest first (the last one is number
   * {@link seq}), as far back as `texts` still has them: the newest ones without a hole.
   */
  texts(texts: PushTexts): string[] {
    const found: string[] = [];
    const oldest = this.#seq - this.#held + 1;
    let end = this.#seq;
    for (let run = this.#runCount - 1; run >= 0 && end >= oldest; run--) {
      const at = ((this.#firstRun + run) * 2) % this.#runs.length;
      const [firstSeq, firstPosition] = [this.#runs[at]!, this.#runs[at + 1]!];
      for (let n = end; n >= Math.max(firstSeq, oldest); n--) {
        const text = texts.textAt(firstPosition + (n - firstSeq));
        if (text === undefined) return found.reverse();
        found.push(text);
      }
      end = firstSeq - 1;
    }
    return found.reverse();
  }

  /**
   * Forgets the runs wholly older than push `oldest` (the first run kept may start before
   * it). TypeScript-private, not `#`: a class with #methods carries a brand in every
   * instance, 8 bytes on each idle session.
   */
  private dropBefore(oldest: number): void {
    const runs = this.#runs;
    while (this.#runCount > 1 && runs[((this.#firstRun + 1) * 2) % runs.length]! <= oldest) {
      this.#firstRun = (this.#firstRun + 1) % (runs.length / 2);
      this.#runCount -= 1;
    }
  }
}

/** A ring of runs twice as large, the `count` runs from `first` on moved to its start. */
function grown(runs: Float64Array, first: number, count: number): Float64Array {
  const larger = new Float64Array(Math.max(FIRST_RING_RUNS, (runs.length / 2) * 2) * 2);
  for (let run = 0; run < count; run++) {
    const at = ((first + run) * 2) % runs.length;
    larger[run * 2] = runs[at]!;
    larger[run * 2 + 1] = runs[at + 1]!;
  }
  return larger;
}
