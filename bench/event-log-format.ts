/**
 * Section 10 of BENCHMARKS.md from bench/event-log-cost.ts's result: measured calls and DynamoDB
 * capacity per event and per delivery, priced at us-east-1 list prices (on-demand, arm64 Lambda).
 * Lambda durations and the event source mapping's SQS requests are not measured locally: they are
 * the README's stated assumptions, marked as such.
 */
import type { CallRow } from './lib/count-calls';
import type { CapacityRow } from './lib/consumed-capacity';

export interface Measured {
  calls: CallRow[];
  capacity: CapacityRow[];
}
export interface EventLogCostResult {
  events: number;
  redeliveries: number;
  publishes: number;
  stored: number;
  body_bytes: number;
  inbound: Measured;
  redelivered: Measured;
  outbound: Measured;
}

/** us-east-1 list prices (December 2026): per request or unit. */
export const PRICE = {
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000133334,
  sqsRequest: 0.4 / 1e6,
  wru: 0.625 / 1e6,
  rru: 0.125 / 1e6,
  s3Put: 0.005 / 1000,
  s3GbMonth: 0.023,
  httpApiRequest: 1.0 / 1e6,
  /** Provisioned capacity: one write or read unit for an hour. */
  wcuHour: 0.00065,
  rcuHour: 0.00013,
};

const calls = (m: Measured, call: string) => m.calls.filter((r) => r.call === call).reduce((a, r) => a + r.calls, 0);
const cap = (m: Measured, table: string, what: 'table_wcu' | 'index_wcu' | 'rcu') => m.capacity.filter((r) => r.table === table).reduce((a, r) => a + r[what], 0);
const money = (x: number) => `$${x < 0.01 && x > 0 ? x.toFixed(3) : x.toFixed(2)}`;
const n2 = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(x < 0.1 ? 3 : 2));

export interface CostLine {
  item: string;
  perUnit: number;
  price: number;
  measured: boolean;
  /** Shown with the price when it is not per request (`GB-s`, `GB-month`). */
  unit?: string;
}

/** Per-million cost lines of one unmatched event (25 KB, batches of `batch` events in the consumer). */
export function inboundLines(r: EventLogCostResult, batch = 100): CostLine[] {
  const m = r.inbound;
  const e = r.events;
  const gzBytes = 5.2e3;
  return [
    { item: 'Receiver invocations (Function URL)', perUnit: 1, price: PRICE.lambdaRequest, measured: false },
    { item: 'Receiver duration, 512 MB, ~10 ms', perUnit: 0.5 * 0.01, price: PRICE.lambdaGbSecond, measured: false, unit: 'GB-s' },
    { item: 'SQS SendMessage', perUnit: calls(m, 'SQS:SendMessage') / e, price: PRICE.sqsRequest, measured: true },
    { item: 'SQS receives + deletes by the event source mapping (10 per call)', perUnit: 0.2, price: PRICE.sqsRequest, measured: false },
    { item: `Consumer invocations (batches of ${batch})`, perUnit: 1 / batch, price: PRICE.lambdaRequest, measured: false },
    { item: 'Consumer duration, 1 GB, ~300 ms per batch', perUnit: 0.3 / batch, price: PRICE.lambdaGbSecond, measured: false, unit: 'GB-s' },
    { item: 'DynamoDB write units: event item (table)', perUnit: cap(m, 'events', 'table_wcu') / e, price: PRICE.wru, measured: true },
    { item: 'DynamoDB write units: its by_webhook index entry', perUnit: cap(m, 'events', 'index_wcu') / e, price: PRICE.wru, measured: true },
    { item: 'DynamoDB read units: config cache refreshes', perUnit: cap(m, 'config', 'rcu') / e, price: PRICE.rru, measured: true },
    { item: `S3 PutObject, one per batch (measured ${n2(calls(m, 'S3:PutObject') / e)} per event with this run's batches)`, perUnit: 1 / batch, price: PRICE.s3Put, measured: false },
    { item: 'S3 storage, gzipped payload kept 30 days', perUnit: gzBytes / 1e9, price: PRICE.s3GbMonth, measured: false, unit: 'GB-month' },
  ];
}

/** Per-million cost lines of one outbound delivery (one event published to one subscription). */
export function outboundLines(r: EventLogCostResult): CostLine[] {
  const m = r.outbound;
  const p = r.publishes;
  return [
    { item: 'HTTP API request (POST /api/events)', perUnit: 1, price: PRICE.httpApiRequest, measured: false },
    { item: 'Authorizer + api Lambda invocations (authorizer cache TTL 0)', perUnit: 2, price: PRICE.lambdaRequest, measured: false },
    { item: 'Authorizer 256 MB ~5 ms + api 512 MB ~20 ms', perUnit: 0.25 * 0.005 + 0.5 * 0.02, price: PRICE.lambdaGbSecond, measured: false, unit: 'GB-s' },
    { item: 'DynamoDB read units: subscription change counter (consistent GetItem)', perUnit: cap(m, 'config', 'rcu') / p, price: PRICE.rru, measured: true },
    { item: `DynamoDB write units: delivery item (${n2(calls(m, 'DynamoDB:PutItem') / p)} PutItem: created, claimed, result)`, perUnit: cap(m, 'deliveries', 'table_wcu') / p, price: PRICE.wru, measured: true },
    { item: 'DynamoDB write units: their index entries (by_subscription; by_backlog only while held)', perUnit: cap(m, 'deliveries', 'index_wcu') / p, price: PRICE.wru, measured: true },
    { item: 'DynamoDB read units: the deliverer reads the delivery', perUnit: cap(m, 'deliveries', 'rcu') / p, price: PRICE.rru, measured: true },
    { item: 'SQS SendMessageBatch (one message per request with one subscription)', perUnit: calls(m, 'SQS:SendMessageBatch') / p, price: PRICE.sqsRequest, measured: true },
    { item: 'SQS receives + deletes (batch 10, no window: ~1-2 per delivery at low rates)', perUnit: 1, price: PRICE.sqsRequest, measured: false },
    { item: 'Deliverer invocations (batches of up to 10)', perUnit: 0.5, price: PRICE.lambdaRequest, measured: false },
    { item: 'Deliverer duration, 512 MB, ~100 ms subscriber round trip', perUnit: 0.5 * 0.1, price: PRICE.lambdaGbSecond, measured: false, unit: 'GB-s' },
  ];
}

export const total = (lines: CostLine[]) => lines.reduce((a, l) => a + l.perUnit * l.price * 1e6, 0);

function table(lines: CostLine[]): string {
  return [
    '| item | per unit | measured? | price | per million |',
    '| --- | ---: | --- | ---: | ---: |',
    ...lines.map((l) => `| ${l.item} | ${l.unit ? `${l.perUnit.toPrecision(2)} ${l.unit}` : n2(l.perUnit)} | ${l.measured ? 'measured' : 'assumed'} | ${l.unit ? `$${l.price} / ${l.unit}` : `${money(l.price * 1e6)} / M`} | ${money(l.perUnit * l.price * 1e6)} |`),
    `| **total** | | | | **${money(total(lines))}** |`,
  ].join('\n');
}

export function formatEventLogSection(r: EventLogCostResult): string {
  const row = (m: Measured) => m.calls.map((c) => `${c.call} ${c.calls}${c.errors ? ` (${c.errors} failed)` : ''}`).join(', ');
  const capRow = (m: Measured) => m.capacity.filter((c) => c.table_wcu || c.index_wcu || c.rcu).map((c) => `${c.table} ${c.call}: ${n2(c.table_wcu)} WCU + ${n2(c.index_wcu)} index WCU, ${n2(c.rcu)} RCU`).join('; ');
  const ddbPerEvent = (cap(r.inbound, 'events', 'table_wcu') + cap(r.inbound, 'events', 'index_wcu')) / r.events;
  const writesPerEvent = ddbPerEvent;
  const provisioned = (writesPerEvent * PRICE.wcuHour) / (3600 * 0.7);
  const inbound = inboundLines(r);
  return `\`bench/event-log-cost.ts\` (own process; \`npx tsx bench/event-log-cost.ts\` alone): ${r.events} signed ${Math.round(r.body_bytes / 1024)} KB GitHub deliveries matching no command through the in-process stack, then ${r.redeliveries} of them again (provider redeliveries), then ${r.publishes} events published to one subscription on a loopback sink. Every SDK call on the client singletons is counted and every DynamoDB call asks for \`ReturnConsumedCapacity\` (dynalite reports the table's units; index entries are added from the manifest: bench/lib/consumed-capacity.ts). Caches were warm (one event and one publish before counting). ${r.stored} events stored.

- inbound, ${r.events} events: ${row(r.inbound)}. Capacity: ${capRow(r.inbound)}.
- redelivered, ${r.redeliveries} events: ${row(r.redelivered)}. Capacity: ${capRow(r.redelivered)} (a refused conditional put still bills its write unit; no index entry).
- outbound, ${r.publishes} deliveries: ${row(r.outbound)}. Capacity: ${capRow(r.outbound)}.

**Per million unmatched 25 KB events** (measured counts where marked; the rest are the README's assumptions):

${table(inbound)}

DynamoDB is ${n2(ddbPerEvent)} write units per event (the item and its index entry), ${money(ddbPerEvent * PRICE.wru * 1e6)} of the total on demand. On provisioned capacity at 70 % utilization a write unit costs ${money((PRICE.wcuHour / (3600 * 0.7)) * 1e6)} per million, making it ${money(provisioned * 1e6)} and the total ${money(total(inbound) - ddbPerEvent * PRICE.wru * 1e6 + provisioned * 1e6)} (README, "Cost").

**Per million outbound deliveries** (one event published to one subscription):

${table(outboundLines(r))}
`;
}
