/** Picks the broker that the `adapter` setting names. The one place that chooses. */
import type { Config } from '../config/resolve-config.js';
import type { Logger } from '../logger.js';
import type { Broker } from '../scale/broker.js';

/**
 * The broker for `config.adapter`: none for `local` (one process, or a worker whose
 * primary relays: the CLI passes that broker in), a {@link RedisBroker} for a redis URL.
 * The Redis module is imported here, on demand, so `local` never loads it.
 */
export async function createBroker(config: Config, logger: Logger): Promise<Broker | undefined> {
  if (config.adapter === 'local') return undefined;
  const { RedisBroker } = await import('../scale/redis-broker.js');
  return new RedisBroker(config.adapter, logger);
}
