import { ConflictError, ValidationError } from '../errors';
import type { RecoverInput, SubscriptionRecord } from '../model/subscription';
import type { Actor, BacklogJob, DeliveryQueue, OutboundDeps } from '../ports';
import { recordAudit } from './audit';
import { deliverOne, type DeliverDeps, type DeliverOutcome } from './deliver';
import { getSubscription, subscriptionView } from './subscriptions';

/**
 * Pause, resume and recovery of one subscription's deliveries. The backlog is the delivery table
 * itself (status `paused` or `failed`, found through the sparse by_backlog index), never only the
 * queue, so a pause of days loses nothing to SQS's 4-day retention; the work on it is paged, one
 * queue message per page, each page queuing the next.
 */

/** Paused deliveries a resume page sends one after the other. */
export const RESUME_PAGE = 25;
/** Failed deliveries a recovery page queues (50 SendMessageBatch calls). */
export const RECOVER_PAGE = 500;
/** A resume page starts no attempt after this long (the deliverer's timeout is 60 s, an attempt at most 30 s). */
export const RESUME_BUDGET_MS = 25_000;
/** The count in a recover answer stops here (the recovery itself goes on to the end). */
export const RECOVER_COUNT_CAP = 1_000_000;
/** Longest SQS delay: the safety copies of a resume page, and the sweep after a resume. */
const MAX_DELAY_SECONDS = 900;

async function setPaused(deps: OutboundDeps, actor: Actor, before: SubscriptionRecord, paused: boolean): Promise<SubscriptionRecord> {
  if ((before.paused ?? false) === paused) return before;
  const now = deps.clock.now().toISOString();
  const { paused: _p, paused_at: _a, ...rest } = before;
  const after: SubscriptionRecord = { ...rest, ...(paused ? { paused: true, paused_at: now } : {}), updated_at: now, version: before.version + 1 };
  await deps.subscriptions.replace(after, before.version);
  await deps.subscriptionsChanged();
  await recordAudit(deps, actor, paused ? 'subscription.pause' : 'subscription.resume', { type: 'subscription', id: before.subscription_id }, subscriptionView(before), subscriptionView(after));
  return after;
}

/** `POST /api/subscriptions/{id}/pause`: from now on its deliveries are recorded `paused` and not attempted. Pausing a paused subscription changes nothing. */
export async function pauseSubscription(deps: OutboundDeps, actor: Actor, id: string): Promise<SubscriptionRecord> {
  return setPaused(deps, actor, await getSubscription(deps, id), true);
}

/**
 * `POST /api/subscriptions/{id}/resume`: unpauses, then queues the first page of the backlog.
 * Resuming a subscription that is not paused queues a page too (it finds nothing, or what an
 * earlier resume could not queue: that one answered 503 and the caller retried).
 */
export async function resumeSubscription(deps: OutboundDeps, actor: Actor, id: string): Promise<SubscriptionRecord> {
  const after = await setPaused(deps, actor, await getSubscription(deps, id), false);
  await deps.deliveryQueue.sendJob({ op: 'resume', subscription_id: id, job_id: deps.ids.next('rsm'), cursor: null });
  return after;
}

export interface RecoverResult {
  queued: number;
  recovery_id: string;
  since: string;
  until: string;
  count_capped?: boolean;
}

/**
 * `POST /api/subscriptions/{id}/recover`: re-sends every `failed` delivery created in
 * [since, until) (until: now). `queued` is counted when the request is accepted, on the keys-only
 * index (about ten Queries per 100,000); the re-sending runs in the background a page at a time.
 */
export async function recoverSubscription(deps: OutboundDeps, actor: Actor, id: string, input: RecoverInput): Promise<RecoverResult> {
  const s = await getSubscription(deps, id);
  if (!s.enabled) throw new ConflictError('The subscription is disabled: enable it first, or every recovered delivery fails again at once.', 'subscription_disabled');
  const since = new Date(input.since).toISOString();
  const until = new Date(input.until ?? deps.clock.now()).toISOString();
  if (until <= since) throw new ValidationError('The window is empty.', [{ path: 'since', message: 'must be in the past (until defaults to now)' }]);
  const range = { from: since, to: until };
  const counted = await deps.deliveries.countBacklog(id, 'failed', range, RECOVER_COUNT_CAP + 1);
  const recovery_id = deps.ids.next('rcv');
  await deps.deliveryQueue.sendJob({ op: 'recover', subscription_id: id, job_id: recovery_id, cursor: null, range });
  const result: RecoverResult = { queued: Math.min(counted, RECOVER_COUNT_CAP), recovery_id, since, until, ...(counted > RECOVER_COUNT_CAP ? { count_capped: true } : {}) };
  await recordAudit(deps, actor, 'subscription.recover', { type: 'subscription', id }, null, result);
  return result;
}

/** What the deliverer runs backlog pages with. */
export interface BacklogDeps extends DeliverDeps {
  deliveryQueue: DeliveryQueue;
  /** Tests use small pages to prove that continuation covers everything. */
  resumePageSize?: number;
  recoverPageSize?: number;
  /** Seconds after a resume's last page before the sweep (the config cache's age plus a margin). */
  sweepDelaySeconds?: number;
  /** Wall time in ms (a page's time budget; the business clock may be frozen in tests). */
  elapsed?: () => number;
}

/**
 * One page of a backlog job (a `{backlog}` message on the deliveries queue).
 *
 * resume: the oldest paused deliveries, attempted one after the other in creation order (so the
 * backlog reaches the endpoint in its original order), then the next page is queued. Before the
 * first attempt each id is also queued 15 minutes out: if this invocation dies mid-attempt the copy
 * finishes that delivery (the deliverer attempts a paused delivery of an unpaused subscription); an
 * attempt that already ended makes the copy a no-op. A page out of time queues itself again from
 * the same cursor: the deliveries sent have left the paused index, the rest come first. After the
 * last page, one sweep a little later picks up deliveries paused by a container that had not yet
 * seen the resume.
 *
 * recover: queues the page's failed deliveries with the job id and the next page. The deliverer
 * attempts a failed delivery once per job id, so a redelivered page sends nothing twice.
 */
export async function runBacklogJob(deps: BacklogDeps, job: BacklogJob): Promise<DeliverOutcome> {
  const load = deps.reloadSubscription ?? ((id: string) => deps.loadSubscription(id));
  const sub = await load(job.subscription_id, deps.clock.now().getTime());
  // Deleted, disabled or paused again: the job stops; the backlog stays in the table for the next resume or recover.
  if (!sub || !sub.enabled) return { kind: 'done' };
  if (job.op === 'recover') {
    const page = await deps.deliveries.backlogPage(sub.subscription_id, 'failed', job.range ?? {}, deps.recoverPageSize ?? RECOVER_PAGE, job.cursor ?? undefined);
    await deps.deliveryQueue.sendAll(page.items, { recover: job.job_id });
    if (page.next_cursor) await deps.deliveryQueue.sendJob({ ...job, cursor: page.next_cursor });
    return { kind: 'done' };
  }
  if (sub.paused) return { kind: 'done' };
  const page = await deps.deliveries.backlogPage(sub.subscription_id, 'paused', {}, deps.resumePageSize ?? RESUME_PAGE, job.cursor ?? undefined);
  if (!page.items.length) {
    if (!job.sweep) await deps.deliveryQueue.sendJob({ ...job, cursor: null, sweep: true }, Math.min(MAX_DELAY_SECONDS, deps.sweepDelaySeconds ?? 10));
    return { kind: 'done' };
  }
  await deps.deliveryQueue.sendAll(page.items, { delaySeconds: MAX_DELAY_SECONDS });
  const elapsed = deps.elapsed ?? (() => performance.now());
  const started = elapsed();
  for (const id of page.items) {
    if (elapsed() - started > RESUME_BUDGET_MS) {
      await deps.deliveryQueue.sendJob(job);
      return { kind: 'done' };
    }
    const outcome = await deliverOne(deps, id, { onlyPaused: true });
    // A retry due sooner than the safety copy gets its own message.
    if (outcome.kind === 'retry' && outcome.delaySeconds < MAX_DELAY_SECONDS) await deps.deliveryQueue.sendAll([id], { delaySeconds: outcome.delaySeconds });
  }
  await deps.deliveryQueue.sendJob(page.next_cursor ? { ...job, cursor: page.next_cursor } : { ...job, cursor: null, sweep: false });
  return { kind: 'done' };
}

/** A deliveries-queue message: one delivery (`recover`: re-sent by that recovery job), or a page of a subscription's backlog. */
export type DeliveryMessage = { delivery_id: string; recover?: string; backlog?: undefined } | { backlog: BacklogJob };

/** The deliverer's one entry: an attempt of one delivery, or one backlog page. */
export function runDeliveryMessage(deps: BacklogDeps, m: DeliveryMessage): Promise<DeliverOutcome> {
  return m.backlog ? runBacklogJob(deps, m.backlog) : deliverOne(deps, m.delivery_id, m.recover ? { recover: m.recover } : {});
}
