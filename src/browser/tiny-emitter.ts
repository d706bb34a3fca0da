/** A typed event emitter in a few lines: the browser has no node:events. */

type Listener<Args extends unknown[]> = (...args: Args) => void;

/** `on`/`once`/`off`/`emit` for events whose arguments `Events` names, as node:events types them. */
export class TinyEmitter<Events extends { [E in keyof Events]: unknown[] }> {
  readonly #listeners = new Map<keyof Events, Set<Listener<never>>>();

  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): this {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return this;
  }

  once<E extends keyof Events>(event: E, listener: Listener<Events[E]>): this {
    const wrapped: Listener<Events[E]> = (...args) => {
      this.off(event, wrapped);
      listener(...args);
    };
    return this.on(event, wrapped);
  }

  off<E extends keyof Events>(event: E, listener: Listener<Events[E]>): this {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
    return this;
  }

  /** Calls every listener in order; true when there was one. */
  emit<E extends keyof Events>(event: E, ...args: Events[E]): boolean {
    const set = this.#listeners.get(event);
    if (set === undefined || set.size === 0) return false;
    for (const listener of [...set]) (listener as Listener<Events[E]>)(...args);
    return true;
  }
}
