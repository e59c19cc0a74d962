/** Types and the BENCHMARKS.md section of bench/local-throughput.ts (section 11 of `npm run bench`). */
export interface ThroughputRun {
  /** baseline: receive only; floor: receive + store the smallest way; local: `npm start`. */
  target: 'baseline' | 'floor' | 'local';
  round: number;
  requests: number;
  rps: number;
  send_ms: number;
  /** CPU ms of the process tree per request over the send window. */
  cpu_ms_per_request_send: number;
  /** ... and until the tree went quiet again (includes processing every event for `local`). */
  cpu_ms_per_request: number;
  drain_ms: number;
  accepted: number;
  verified: number;
  lost: number;
  detail: string;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface ThroughputResult {
  in_flight: number;
  requests: number;
  warmup: number;
  body_bytes: number;
  runs: ThroughputRun[];
  rps_ratio: Spread;
  cpu_ratio: Spread;
  cpu_ratio_send: Spread;
  /** npm start against the receive + store floor. */
  cpu_ratio_floor: Spread;
  /** The floor against receive only: what storing costs at the least on these emulators. */
  floor_cpu_ratio: Spread;
  lost: number;
}

export const RPS_GOAL = 0.9;
export const CPU_GOAL = 1.25;

const x = (r: number) => `${r.toFixed(2)}x`;
const range = (s: Spread) => (s.min === s.max ? x(s.median) : `${x(s.median)} (${x(s.min)}–${x(s.max)})`);

/** The rows for the summary table: [measure, hookline, reference, ratio, goal]. */
export function throughputRows(t: ThroughputResult): string[][] {
  const med = (target: string, f: (r: ThroughputRun) => number) => {
    const xs = t.runs.filter((r) => r.target === target).map(f).sort((a, b) => a - b);
    return xs[xs.length >> 1];
  };
  return [
    [
      `**11. npm start** requests/s (${t.in_flight} in flight, ${Math.round(t.body_bytes / 1024)} KB signed GitHub deliveries)`,
      `${med('local', (r) => r.rps)}/s`,
      `${med('baseline', (r) => r.rps)}/s: minimal node:http receiver (HMAC + JSON.parse + SendMessage) on the same emulators`,
      `**${range(t.rps_ratio)}**`,
      `≥ ${RPS_GOAL}x: ${t.rps_ratio.median >= RPS_GOAL ? 'met' : 'NOT met'}`,
    ],
    [
      '  CPU per request, processing included (whole process tree)',
      `${med('local', (r) => r.cpu_ms_per_request).toFixed(2)} ms`,
      `${med('baseline', (r) => r.cpu_ms_per_request).toFixed(2)} ms (receives only)`,
      `**${range(t.cpu_ratio)}**`,
      `≤ ${CPU_GOAL}x: ${t.cpu_ratio.median <= CPU_GOAL ? 'met' : 'NOT met'}`,
    ],
    [
      '  CPU per request against the receive + store floor',
      `${med('local', (r) => r.cpu_ms_per_request).toFixed(2)} ms`,
      `${med('floor', (r) => r.cpu_ms_per_request).toFixed(2)} ms: the baseline storing every event the smallest way (${range(t.floor_cpu_ratio)} the baseline)`,
      range(t.cpu_ratio_floor),
      '',
    ],
    [
      '  CPU per request over the send window only',
      `${med('local', (r) => r.cpu_ms_per_request_send).toFixed(2)} ms`,
      `${med('baseline', (r) => r.cpu_ms_per_request_send).toFixed(2)} ms`,
      range(t.cpu_ratio_send),
      '',
    ],
  ];
}

/** The section's text for BENCHMARKS.md. */
export function formatThroughputSection(t: ThroughputResult): string {
  return `\`bench/local-throughput.ts\`: the same closed-loop load (${t.in_flight} requests in flight, the ${t.body_bytes}-byte signed GitHub \`issues.opened\` fixture, a fresh \`X-GitHub-Delivery\` per request, ${t.warmup} warm-up requests, then ${t.requests} measured) against three process trees started one after the other, alternating the order per round: the **baseline**, \`bench/lib/minimal-receiver.ts\` (node:http, HMAC-SHA256 of \`X-Hub-Signature-256\` with \`timingSafeEqual\`, \`JSON.parse\`, one \`SendMessage\` of the body to a fauxqs queue, on the same in-process emulators \`npm start\` uses, bin/local/emulators.ts); the **floor**, the same receiver that also stores every event the smallest way on those emulators (one poller taking up to 100 messages per 0.2 s, one S3 object per batch, one conditional \`PutItem\` per event into a table keyed like the event log with its by-webhook index, \`DeleteMessageBatch\`; no matching, logs or metrics), i.e. what keeping an event log costs at the least there; and **\`npm start\`** (bin/local.ts: the local gateway, the real receiver, and the consumer polling, storing and matching every event). CPU is utime + stime of the whole process tree from \`/proc\` (the emulators run inside each), per request: over the send window, and until the tree is quiet again (under 2% of a core for 0.5 s), which for \`npm start\` includes processing every event. Zero loss: the baseline's queue holds every accepted message, the floor's table every accepted event, and \`npm start\`'s events API (\`GET /api/webhooks/{id}/events\`, every page) lists every accepted event id as stored and matched (\`ignored\`: the webhook's one command is for \`issues.closed\`, so no task is made). Lost: ${t.lost}.

| round | target | requests/s | CPU ms / request (send window) | CPU ms / request (until quiet) | drain after the last response | check |
| --- | --- | ---: | ---: | ---: | ---: | --- |
${t.runs
  .map((r) => `| ${r.round + 1} | ${r.target === 'local' ? 'npm start' : r.target === 'floor' ? 'floor (receive + store)' : 'baseline (receive)'} | ${r.rps} | ${r.cpu_ms_per_request_send.toFixed(2)} | ${r.cpu_ms_per_request.toFixed(2)} | ${(r.drain_ms / 1000).toFixed(1)} s | ${r.detail.replace(/\|/g, '\\|')} |`)
  .join('\n')}

Ratios per round (npm start / baseline): requests/s ${range(t.rps_ratio)}, CPU per request ${range(t.cpu_ratio)} (send window only: ${range(t.cpu_ratio_send)}). The floor's CPU per request is ${range(t.floor_cpu_ratio)} the baseline's; \`npm start\`'s is ${range(t.cpu_ratio_floor)} the floor's.`;
}
