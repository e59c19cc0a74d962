import { documentClient, sqsClient } from '../../shared/adapters/aws/clients';
import { DynamoSubscriptionStore, DynamoTenantStore } from '../../shared/adapters/aws/dynamo-config-store';
import { DynamoRateLimiter } from '../../shared/adapters/aws/dynamo-rate-limiter';
import { DynamoDeliveryStore } from '../../shared/adapters/aws/dynamo-delivery-store';
import type { BatchDeps } from '../../shared/adapters/aws/sqs-batch';
import { outboundDeps } from '../../shared/adapters/aws/wiring';
import { systemClock } from '../../shared/clock';
import { cachedLoader } from '../../shared/config-cache';
import { guardedFetch } from '../../shared/delivery/ssrf';
import { loadEnv } from '../../shared/env';
import { NotFoundError, VersionMismatchError } from '../../shared/errors';
import { emfMetrics, lambdaLogger } from '../../shared/adapters/aws/powertools';
import { SqsDeliveryQueue } from '../../shared/adapters/aws/sqs-delivery-queue';
import type { BacklogDeps } from '../../shared/usecases/backlog';
import { internalEvents } from '../../shared/usecases/subscriptions';

export type DelivererDeps = BacklogDeps & BatchDeps;

/** The deliverer's composition root, built once per container. */
export function wire(): DelivererDeps {
  const { resources, settings } = loadEnv('deliverer');
  const { log } = lambdaLogger();
  const subscriptions = new DynamoSubscriptionStore(documentClient(), resources.tables.config);
  const allowPrivate = settings.ALLOW_PRIVATE_TARGETS === 'true';
  const loadSubscription = cachedLoader((id) => subscriptions.get(id), settings.CONFIG_CACHE_SECONDS * 1000, systemClock);
  const tenants = new DynamoTenantStore(documentClient(), resources.tables.config);
  // A tenant's limit is read once per container per CONFIG_CACHE_SECONDS (a subscription without a tenant reads nothing).
  const tenantLimit = cachedLoader(async (id) => (await tenants.get(id))?.rate_limit ?? null, settings.CONFIG_CACHE_SECONDS * 1000, systemClock);
  return {
    deliveries: new DynamoDeliveryStore(documentClient(), resources.tables.deliveries),
    deliveryQueue: new SqsDeliveryQueue(sqsClient(), resources.queues.deliveries),
    // After the last resume page, a sweep once every container's cached subscription shows the resume.
    sweepDelaySeconds: settings.CONFIG_CACHE_SECONDS + 5,
    loadSubscription,
    reloadSubscription: loadSubscription.reload,
    send: (url, headers, body, timeoutMs) => guardedFetch(url, { method: 'POST', headers, body }, { allowPrivate, timeoutMs, resendOnStaleConnection: true }),
    async disableSubscription(id, reason) {
      const s = await subscriptions.get(id);
      if (s?.enabled) await subscriptions.replace({ ...s, enabled: false, disabled_reason: reason, updated_at: systemClock.now().toISOString(), version: s.version + 1 }, s.version);
    },
    async setFailingSince(id, value) {
      const s = await subscriptions.get(id);
      if (!s || s.failing_since === value || (value && s.failing_since)) return;
      const { failing_since: _f, ...rest } = s;
      await subscriptions.replace({ ...rest, ...(value ? { failing_since: value } : {}), version: s.version + 1 }, s.version).catch(() => undefined);
    },
    autoDisableAfterDays: settings.AUTO_DISABLE_AFTER_DAYS,
    requireVerified: settings.HOOKLINE_REQUIRE_VERIFIED === 'true',
    async markVerified(id, deliveryId, url) {
      // Written without a new version (conditional on the one read), so an edit made right after
      // create is not refused for a stale version; a concurrent change is read again, three times at most.
      for (let i = 0; i < 3; i++) {
        const s = await subscriptions.get(id);
        if (!s || s.verified || s.verification_delivery_id !== deliveryId || s.url !== url) return;
        try {
          return await subscriptions.replace({ ...s, verified: true }, s.version);
        } catch (err) {
          if (err instanceof NotFoundError) return;
          if (!(err instanceof VersionMismatchError)) throw err;
        }
      }
    },
    rateLimits: {
      rateLimiter: new DynamoRateLimiter(documentClient(), resources.tables.deliveries),
      tenantRateLimit: async (id) => (await tenantLimit(id)) ?? undefined,
    },
    internal: internalEvents(outboundDeps(resources, settings, log), (message, extra) => log.error(message, extra)),
    metrics: emfMetrics(),
    clock: systemClock,
    sqs: sqsClient(),
    queueUrl: resources.queues.deliveries,
    log,
  };
}
