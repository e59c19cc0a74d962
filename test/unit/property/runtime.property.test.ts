/**
 * Property tests (fast-check) for what runs on every delivery: the provider verifiers, the
 * conditions engine and templates. Whatever the input: no exception, no wrong signature accepted,
 * bounded work. numRuns keeps the file to a few seconds; a failure prints its seed and shrunk input.
 */
import { cpuUsage } from 'node:process';
import fc from 'fast-check';
import { evaluateConditions } from '../../../shared/commands/evaluate-conditions';
import { parseTemplate, renderForEvent, MAX_RENDERED_CHARS } from '../../../shared/commands/template';
import { Conditions } from '../../../shared/model/conditions';
import { Verification, type WebhookRecord } from '../../../shared/model/webhook';
import { providers } from '../../../shared/providers';

const NOW = new Date('2026-12-01T12:00:00Z');
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ids = Object.keys(providers) as (keyof typeof providers)[];

function webhookFor(provider: string): WebhookRecord {
  return {
    webhook_id: 'prop',
    provider,
    secret: SECRET,
    previous_secrets: [],
    enabled: true,
    commands: [],
    ...(provider === 'custom' ? { verification: Verification.parse({ header: 'X-Signature', timestamp_header: 'X-Timestamp', signed_payload: '{timestamp}.{body}' }) } : {}),
  } as unknown as WebhookRecord;
}

/** A signed sample as the provider would send it, as the receiver sees it. */
function sampleOf(provider: keyof typeof providers, now = NOW) {
  const a = providers[provider]!;
  const s = a.sample!(webhookFor(provider), SECRET, now);
  const headers = Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { adapter: a, body: s.body, headers };
}
const verify = (provider: keyof typeof providers, body: Buffer, headers: Record<string, string | undefined>, secrets: string[], now: Date) =>
  providers[provider]!.verify({ body, headers }, secrets, now, webhookFor(provider));

const signedProviders = ids.filter((p) => providers[p]!.sample);
// GitLab's plain secret token is compared as is and does not sign the body (README: providers).
const bodySigned = signedProviders.filter((p) => p !== 'gitlab');
const RUNS = 40;

describe('verifiers, for every provider', () => {
  it.each(bodySigned)('%s: accepts its own signed sample and refuses it with any one byte changed', (p) => {
    const { body, headers } = sampleOf(p);
    expect(verify(p, Buffer.from(body), headers, [SECRET], NOW)).toEqual({ ok: true });
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const bytes = Buffer.from(body);
        const i = at % bytes.length;
        bytes[i] = (bytes[i] + delta) % 256;
        expect(verify(p, bytes, headers, [SECRET], NOW).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it.each(signedProviders)('%s: refuses its signed sample under any other secret', (p) => {
    const { body, headers } = sampleOf(p);
    fc.assert(
      fc.property(fc.string({ minLength: 8, maxLength: 80 }).filter((s) => s !== SECRET), (other) => {
        expect(verify(p, Buffer.from(body), headers, [other], NOW).ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it.each(signedProviders)('%s: never throws on random bodies, header values, secrets and clock skews, and never accepts a forged signature', (p) => {
    const { headers: real } = sampleOf(p);
    const names = Object.keys(real);
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2048 }),
        fc.array(fc.tuple(fc.constantFrom(...names, 'x-other'), fc.string({ maxLength: 200 })), { maxLength: 8 }),
        fc.array(fc.string({ maxLength: 100 }), { maxLength: 3 }),
        fc.integer({ min: -10 * 365 * 86_400, max: 10 * 365 * 86_400 }),
        (body, pairs, secrets, skew) => {
          const headers = Object.fromEntries(pairs);
          const v = verify(p, Buffer.from(body), headers, secrets, new Date(NOW.getTime() + skew * 1000));
          // A random header value is a signature nobody computed (GitLab's plain token equality aside).
          if (!(p === 'gitlab' && secrets.includes(headers['x-gitlab-token'] ?? '\u0000'))) expect(v.ok).toBe(false);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it.each(signedProviders)('%s: a signature made within 30 s of the receiver clock verifies; skew never makes it throw', (p) => {
    fc.assert(
      fc.property(fc.integer({ min: -30, max: 30 }), fc.integer({ min: -3 * 86_400, max: 3 * 86_400 }), (small, large) => {
        const { body, headers } = sampleOf(p, new Date(NOW.getTime() + small * 1000));
        expect(verify(p, Buffer.from(body), headers, [SECRET], NOW)).toEqual({ ok: true });
        expect(() => verify(p, Buffer.from(body), headers, [SECRET], new Date(NOW.getTime() + large * 1000))).not.toThrow();
      }),
      { numRuns: RUNS },
    );
  });
});

const json = fc.jsonValue({ maxDepth: 4 });
const fieldPath = fc.oneof(
  fc.constantFrom('issue.title', 'issue.labels.0.name', 'issue.labels.length', 'event_type', 'provider', 'sender', 'a', 'a.b.c', '0', 'constructor', '__proto__.x', 'toString'),
  fc.string({ minLength: 1, maxLength: 40 }),
);
const fieldCondition = fc.record(
  {
    field: fieldPath,
    op: fc.constantFrom('eq', 'ne', 'in', 'contains', 'regex', 'exists', 'gt', 'lt'),
    value: fc.oneof(json, fc.constantFrom('(?i)^bug', 'a+b', '^\\d{3}$', '2026-01-31T12:00:00Z', '[', '(a+)+$'), fc.array(json, { maxLength: 4 })),
  },
  { requiredKeys: ['field', 'op'] },
);
const conditions = fc.record(
  {
    labels: fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 3 }),
    label: fc.string({ minLength: 1, maxLength: 20 }),
    body_contains: fc.string({ minLength: 1, maxLength: 20 }),
    channel: fc.string({ minLength: 1, maxLength: 20 }),
    users: fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 3 }),
    platforms: fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 3 }),
    min_severity: fc.constantFrom('debug', 'info', 'warning', 'error', 'critical'),
    all: fc.array(fieldCondition, { maxLength: 4 }),
    any: fc.array(fieldCondition, { minLength: 1, maxLength: 4 }),
  },
  { requiredKeys: [] },
);
const payload = fc.oneof(
  json,
  fc.record({
    issue: fc.record({ title: fc.string(), labels: fc.array(fc.record({ name: fc.string() }), { maxLength: 3 }), body: fc.string({ maxLength: 5000 }) }),
    comment: fc.record({ body: fc.string({ maxLength: 5000 }) }),
    sender: fc.record({ login: fc.string() }),
    event: fc.record({ text: fc.string(), channel: fc.string(), user: fc.string() }),
    data: fc.record({ issue: fc.record({ level: fc.string(), platform: fc.string() }) }),
  }),
);

/** CPU milliseconds `fn` takes (wall time on a shared machine says nothing). */
function cpuMs(fn: () => void): number {
  const start = cpuUsage();
  fn();
  const d = cpuUsage(start);
  return (d.user + d.system) / 1000;
}

describe('the conditions engine', () => {
  it('never throws and stays bounded for any conditions a save accepts, on any payload', () => {
    let evaluated = 0;
    fc.assert(
      fc.property(conditions, payload, fc.constantFrom(...ids), (c, data, provider) => {
        const saved = Conditions.safeParse(c);
        if (!saved.success) return; // refused on save (with a field path): never evaluated
        evaluated++;
        let r: ReturnType<typeof evaluateConditions> | undefined;
        const ms = cpuMs(() => {
          r = evaluateConditions(saved.data, { payload: data, event_type: 'issues.opened', provider, webhook_id: 'prop' });
        });
        expect(typeof r!.matched).toBe('boolean');
        expect(ms).toBeLessThan(250);
      }),
      { numRuns: 300 },
    );
    expect(evaluated).toBeGreaterThan(30);
  });
});

const templateText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.array(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('{{', '}}', '{{{', '}}}', '{{#', '{{/', '{{^', '{{!', '{{&', '{{>', '{{=', '{{issue.title}}', '{{event_type}}', '{{#issue.labels}}{{name}}{{/issue.labels}}', '{{constructor}}', '{{__proto__}}', '{{.}}')), { maxLength: 30 }).map((xs) => xs.join('')),
);

describe('templates', () => {
  it('render without throwing, within MAX_RENDERED_CHARS and bounded time, whenever the save-time parse accepts them', () => {
    let rendered = 0;
    fc.assert(
      fc.property(templateText, payload, (template, data) => {
        try {
          parseTemplate(template);
        } catch {
          return; // refused on save with a 400 at the template's path
        }
        rendered++;
        let out: ReturnType<typeof renderForEvent> | undefined;
        const ms = cpuMs(() => {
          out = renderForEvent(template, { payload: data, event_type: 'issues.opened', provider: 'github', webhook_id: 'prop' });
        });
        expect(typeof out!.text).toBe('string');
        expect(out!.text.length).toBeLessThanOrEqual(MAX_RENDERED_CHARS);
        expect(ms).toBeLessThan(250);
      }),
      { numRuns: 400 },
    );
    expect(rendered).toBeGreaterThan(50);
  });
});
