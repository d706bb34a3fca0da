/**
 * Server-side liveness: one sweep timer over all connections, not a timer each. A
 * connection that has sent nothing for 2.5 heartbeat intervals is dropped, which catches
 * half-open sockets (a peer that vanished without a FIN) that TCP alone may not see for
 * hours.
 */

/** How many heartbeat intervals of silence the server tolerates. */
export const SILENT_INTERVALS_BEFORE_DROP = 2.5;

/** What the sweep needs to know of a connection. */
export interface Watched {
  /** Time (ms, same clock as `now`) the last frame arrived. */
  readonly lastSeen: number;
  /** True while this side paused reading the connection (rate limit): it is sending, so alive. */
  readonly readPaused?: boolean;
}

/** Options of {@link LivenessSweep}. */
export interface LivenessOptions<T extends Watched> {
  heartBeatInterval: number;
  connections(): Iterable<T>;
  onSilent(connection: T): void;
  now?: () => number;
}

/** Runs the sweep every half interval while started. */
export class LivenessSweep<T extends Watched> {
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: LivenessOptions<T>) {}

  /** Starts sweeping; the timer does not keep the process alive. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.sweep(), this.options.heartBeatInterval / 2);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Drops every connection silent for longer than the limit. */
  sweep(): void {
    const now = (this.options.now ?? performance.now.bind(performance))();
    const limit = this.options.heartBeatInterval * SILENT_INTERVALS_BEFORE_DROP;
    const silent: T[] = [];
    for (const connection of this.options.connections()) if (now - connection.lastSeen > limit && connection.readPaused !== true) silent.push(connection);
    for (const connection of silent) this.options.onSilent(connection);
  }
}
