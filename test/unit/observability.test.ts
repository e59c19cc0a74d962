import { emfMetrics, powertoolsLogger } from '../../shared/adapters/aws/powertools';
import { eventLogIds, jsonLogger, lambdaEntry, sampled } from '../../shared/log';
import { metric } from '../../shared/metric-names';
import { receiveEvent } from '../../shared/usecases/receive-event';

/** Lines written straight to stdout (not through console.log) while `fn` runs. */
function stdoutLines(fn: () => void): string[] {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(...String(chunk).split('\n').filter(Boolean)), true));
  try {
    fn();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('metrics (EMF)', () => {
  it('writes one raw EMF line per metric: namespace, service and the call dimensions, no wrapping message field', () => {
    const log = jest.spyOn(console, 'log');
    const [line, ...rest] = stdoutLines(() => emfMetrics().count(metric.received, { provider: 'github', outcome: 'accepted' }));
    expect(rest).toEqual([]);
    expect(log).not.toHaveBeenCalled();
    log.mockRestore();
    const emf = JSON.parse(line);
    expect(emf.message).toBeUndefined();
    expect(emf._aws.CloudWatchMetrics).toEqual([{ Namespace: 'Hookline', Dimensions: [['service', 'provider', 'outcome']], Metrics: [{ Name: 'Received', Unit: 'Count' }] }]);
    expect(typeof emf._aws.Timestamp).toBe('number');
    expect(emf).toMatchObject({ service: expect.any(String), provider: 'github', outcome: 'accepted', Received: 1 });
  });

  it('gives each call only its own dimensions, also when one emfMetrics writes many lines', () => {
    const m = emfMetrics();
    const lines = stdoutLines(() => {
      m.count(metric.received, { provider: 'github', outcome: 'accepted' });
      m.count(metric.rejected, { status: '401' });
      m.milliseconds(metric.deliveryLatency, 5);
    }).map((l) => JSON.parse(l));
    expect(lines.map((l) => l._aws.CloudWatchMetrics[0].Dimensions)).toEqual([[['service', 'provider', 'outcome']], [['service', 'status']], [['service']]]);
    expect(lines[1]).not.toHaveProperty('provider');
    expect(lines[1]).not.toHaveProperty('Received');
    expect(lines[2]).not.toHaveProperty('status');
    expect(lines[2]).toMatchObject({ DeliveryLatency: 5 });
  });

  it('records latencies in milliseconds', () => {
    const [line] = stdoutLines(() => emfMetrics().milliseconds(metric.deliveryLatency, 123));
    expect(JSON.parse(line)).toMatchObject({ _aws: { CloudWatchMetrics: [{ Metrics: [{ Name: 'DeliveryLatency', Unit: 'Milliseconds' }] }] }, DeliveryLatency: 123 });
  });
});

describe('logs', () => {
  it('carry the ids a logger was given on every line, as JSON on stdout', () => {
    const [line] = stdoutLines(() => powertoolsLogger().with({ event_id: 'evt_1', webhook_id: 'wh_1', attempt: 2 }).info('event stored', { status: 'processed' }));
    expect(JSON.parse(line)).toMatchObject({ level: 'INFO', message: 'event stored', event_id: 'evt_1', webhook_id: 'wh_1', attempt: 2, status: 'processed' });
  });

  it('add ids with `with` without touching the logger they came from; null and undefined ids are left out', () => {
    const root = powertoolsLogger();
    const child = root.with({ webhook_id: 'wh_1', delivery_id: null, attempt: undefined }).with({ event_id: 'evt_2' });
    const [a, b] = stdoutLines(() => {
      child.info('event stored', { status: 'ignored', webhook_id: 'wh_override' });
      root.info('plain');
    }).map((l) => JSON.parse(l));
    expect(a).toMatchObject({ message: 'event stored', event_id: 'evt_2', webhook_id: 'wh_override', status: 'ignored' });
    expect(a).not.toHaveProperty('delivery_id');
    expect(a).not.toHaveProperty('attempt');
    expect(b).toMatchObject({ message: 'plain' });
    expect(b).not.toHaveProperty('event_id');
    expect(b).not.toHaveProperty('webhook_id');
  });

  it('never print secrets, tokens or keys, at any depth', () => {
    const values = { secret: 'whsec_s3cr3t', reply_token: 'xoxb-t0ken', headers: { authorization: 'Bearer hk_live_k3y', 'x-hub-signature-256': 'sha256=abc' }, nested: [{ admin_key: 'adm1n' }] };
    const lines = [...stdoutLines(() => powertoolsLogger().warn('x', values)), ...(() => { const out: string[] = []; jsonLogger({}, (l) => out.push(l)).info('x', values); return out; })()];
    for (const line of lines) for (const s of ['s3cr3t', 't0ken', 'k3y', 'sha256=abc', 'adm1n']) expect(line).not.toContain(s);
    expect(lines[0]).toContain('[redacted]');
  });

  it('rate-limits a flood: at most N lines a second, the next line counts what was dropped', () => {
    const out: string[] = [];
    let t = 0;
    const log = sampled(jsonLogger({}, (l) => out.push(l)), 10, () => t);
    for (let i = 0; i < 25; i++) log.info('request rejected');
    expect(out).toHaveLength(10);
    t = 1000;
    log.info('request rejected');
    expect(JSON.parse(out[10])).toMatchObject({ suppressed: 15 });
  });
});

describe('rejections', () => {
  it('are logged at INFO with webhook id, source IP and reason, and counted by status', async () => {
    const lines: string[] = [];
    const counts: string[] = [];
    const deps = {
      maxBodyBytes: 10,
      rejections: jsonLogger({}, (l) => lines.push(l)),
      metrics: { count: (n: string, d?: Record<string, string>) => void counts.push(`${n}:${JSON.stringify(d)}`), milliseconds: () => undefined },
    } as never;
    await expect(receiveEvent(deps, { provider: 'github', webhookId: 'wh_big', body: Buffer.alloc(11), headers: {}, sourceIp: '198.51.100.7' })).rejects.toMatchObject({ status: 413 });
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'INFO', message: 'request rejected', webhook_id: 'wh_big', source_ip: '198.51.100.7', status: 413, code: 'payload_too_large' });
    expect(counts).toEqual(['Received:{"provider":"github","outcome":"rejected"}', 'Rejected:{"status":"413"}']);
  });
});

describe('the Lambda request id on every line (lambdaEntry)', () => {
  const ctx = (id: string) => ({ awsRequestId: id, functionName: 'deliverer' });

  it('puts function_request_id and function_name on every line written while the handler runs, through any logger', async () => {
    const out: string[] = [];
    const log = jsonLogger({}, (l) => out.push(l)).with({ delivery_id: 'dlv_1' });
    let pt: string[] = [];
    await lambdaEntry(async () => {
      log.info('from a child logger');
      await Promise.resolve();
      pt = stdoutLines(() => powertoolsLogger().info('from powertools', { attempt: 1 }));
    })({}, ctx('req-1'));
    log.info('outside any invocation');
    expect(JSON.parse(out[0])).toMatchObject({ function_request_id: 'req-1', function_name: 'deliverer', delivery_id: 'dlv_1' });
    expect(JSON.parse(pt[0])).toMatchObject({ function_request_id: 'req-1', function_name: 'deliverer', attempt: 1 });
    expect(JSON.parse(out[1]).function_request_id).toBeUndefined();
  });

  it('keeps concurrent invocations in one process apart (the local stack runs every function in one)', async () => {
    const out: string[] = [];
    const log = jsonLogger({}, (l) => out.push(l));
    const slow = lambdaEntry(async (e: { n: number }) => {
      await new Promise((r) => setTimeout(r, e.n));
      log.info('done', { n: e.n });
    });
    await Promise.all([slow({ n: 20 }, ctx('req-a')), slow({ n: 5 }, ctx('req-b'))]);
    const byN = Object.fromEntries(out.map((l) => JSON.parse(l)).map((l) => [l.n, [l.function_request_id, l.cold_start]]));
    // The container's first invocation is the cold start.
    expect(byN).toEqual({ 20: ['req-a', true], 5: ['req-b', false] });
  });

  it("gives an inbound event's lines its event id as trace id", () => {
    expect(eventLogIds({ event_id: 'evt_1', webhook_id: 'wh', delivery_id: 'd-1' })).toEqual({ trace_id: 'evt_1', event_id: 'evt_1', webhook_id: 'wh', delivery_id: 'd-1' });
    expect(eventLogIds({ event_id: 'evt_2', webhook_id: 'wh' })).toEqual({ trace_id: 'evt_2', event_id: 'evt_2', webhook_id: 'wh' });
  });
});
