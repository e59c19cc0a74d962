import { outboundDeps } from '../../shared/adapters/aws/wiring';
import { loadEnv } from '../../shared/env';
import { emfMetrics, lambdaLogger } from '../../shared/adapters/aws/powertools';
import type { InternalEvents, Logger } from '../../shared/ports';
import { internalEvents } from '../../shared/usecases/subscriptions';

export interface AlerterDeps {
  internal: InternalEvents;
  log: Logger;
}

/** The alerter's composition root: publishing only (config and deliveries tables, deliveries queue). */
export function wire(): AlerterDeps {
  const { resources, settings } = loadEnv('alerter');
  const { log } = lambdaLogger();
  return { internal: internalEvents(outboundDeps(resources, settings, log), (message, extra) => log.error(message, extra)), log };
}
