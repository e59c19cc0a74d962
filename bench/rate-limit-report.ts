/** The result of bench/rate-limit.ts (section 9 of `npm run bench`) and its BENCHMARKS.md section. */
import type { CallRow } from './lib/count-calls';

export interface RateLimitResult {
  limit: { per_second: number; burst: number };
  pollers: number;
  deliveries: number;
  received: number;
  duplicates: number;
  unlimited_received: number;
  unlimited_per_second: number;
  span_ms: number;
  achieved_per_second: number;
  max_in_any_second: number;
  calls: Record<'free' | 'limited' | 'poller', { call: string; per_delivery: number; errors: number }[]>;
  rows: CallRow[];
}

const perDelivery = (rows: RateLimitResult['calls']['free']) => rows.map((r) => `${r.call} ${r.per_delivery.toFixed(2)}${r.errors ? ` (${r.errors} refused)` : ''}`).join(', ');
const total = (rows: RateLimitResult['calls']['free']) => rows.reduce((n, r) => n + r.per_delivery, 0).toFixed(2);

/** The markdown section, numbered `n`. */
export function formatRateLimitSection(r: RateLimitResult, n = 9, load?: string): string {
  const off = ((r.achieved_per_second - r.limit.per_second) / r.limit.per_second) * 100;
  return `## ${n}. Outbound deliveries under a rate limit of ${r.limit.per_second}/s

\`bench/rate-limit.ts\`: the local stack's tables and queues (dynalite, fauxqs), the real deliverer handler run by ${r.pollers} local SQS pollers at once (Lambda's SQS event source starts with five concurrent batches and scales up; \`npm start\` runs one poller for the deliveries queue), a sink on loopback. ${r.deliveries} deliveries to a subscription with \`rate_limit\` ${JSON.stringify(r.limit)} were published while the deliverer was stopped, so the whole burst waited at once, then drained; before that, ${r.unlimited_received} deliveries to a subscription without a limit were drained the same way (this machine's capacity in that run)${load ? `; load average ${load}` : ''}.

| | result |
| --- | --- |
| achieved rate at the sink (first to last arrival) | **${r.achieved_per_second.toFixed(1)}/s** (${off >= 0 ? '+' : ''}${off.toFixed(1)} % against ${r.limit.per_second}/s; goal within 5 %: ${Math.abs(off) <= 5 ? 'met' : 'NOT met'}) |
| drain rate without a limit (capacity of this run) | ${r.unlimited_per_second.toFixed(1)}/s |
| most arrivals in any 1 s | ${r.max_in_any_second} |
| received / lost / duplicates | ${r.received} / ${r.deliveries - Math.min(r.received, r.deliveries)} / ${r.duplicates} |
| deliverer AWS calls per delivery, no limit | ${total(r.calls.free)}: ${perDelivery(r.calls.free)} |
| deliverer AWS calls per delivery, limited | ${total(r.calls.limited)}: ${perDelivery(r.calls.limited)} |
| poller calls per delivery (both phases) | ${perDelivery(r.calls.poller)} |

Without a limit the deliverer's calls are those of any delivery (GetItem of the delivery; the claim and the recorded attempt, two PutItem; the subscription is cached). With one, a reservation is one UpdateItem for all the attempts of a container waiting on the bucket at that moment, and a delivery held in the queue costs a PutItem (its slot recorded) and, when it comes back, the GetItem again. Sends can only lag the schedule: when the deliverer is slower than the limit (the drain rate above), the rate is the deliverer's, and deliveries that ran late go as soon as they can.
`;
}
