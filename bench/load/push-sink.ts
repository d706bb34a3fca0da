/**
 * Where the dropsocket client's `fanout` hook (bench/client-handlers/fanout.ts) hands pushes
 * to the load generator. Handlers are instantiated by the client and take no arguments, so
 * each client's listener is looked up by the client object itself.
 */
const listeners = new WeakMap<object, (payload: unknown) => void>();

/** Routes pushes that reach `client` to `listener`. */
export function listenForPushes(client: object, listener: (payload: unknown) => void): void {
  listeners.set(client, listener);
}

/** Called by the client hook with the push payload. */
export function deliverPush(client: object, payload: unknown): void {
  listeners.get(client)?.(payload);
}
