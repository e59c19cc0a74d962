/**
 * Property tests (fast-check) through the real API on the emulators: any string as a cursor is a
 * 400 or a page, any string as an id a 400 or a 404, never a 5xx; and any valid webhook config
 * (generated from the shape of the zod schema, checked against it) survives export and apply
 * (GET, then PUT of what GET answered) unchanged, condition values included.
 */
import fc from 'fast-check';
import { WebhookCreate } from '../../shared/model/webhook';
import { startTestStack } from '../support/in-process-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;

beforeAll(async () => {
  s = await startTestStack({ pauseConsumers: true });
  expect((await s.admin('/api/webhooks', { method: 'POST', body: JSON.stringify({ webhook_id: 'prop-wh', name: 'p', provider: 'github' }) })).status).toBe(201);
});
afterAll(() => s.stop());

const anyString = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', minLength: 200, maxLength: 1200 }), fc.base64String({ maxLength: 400 }));
const enc = (v: string) => encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '\ufffd'));

describe('properties against the API', () => {
  it('any string as a cursor answers a page or 400 invalid_cursor (60 strings x 3 lists)', async () => {
    await fc.assert(
      fc.asyncProperty(anyString, async (cursor) => {
        for (const list of ['/api/keys', '/api/audit', '/api/webhooks/prop-wh/events']) {
          const r = await s.admin(`${list}?cursor=${enc(cursor)}`);
          const body = (await r.json()) as any;
          if (r.status === 200) expect(Array.isArray(body.items)).toBe(true);
          else expect([r.status, body.error.code]).toEqual([400, expect.stringMatching(/^(invalid_cursor|validation_error)$/)]);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('any string as an id answers 400 or 404, never a 5xx (60 strings x 6 routes)', async () => {
    await fc.assert(
      fc.asyncProperty(anyString.filter((x) => x.length > 0), async (id) => {
        for (const path of [`/api/keys/${enc(id)}`, `/api/tasks/${enc(id)}`, `/api/subscriptions/${enc(id)}`, `/api/deliveries/${enc(id)}`, `/api/webhooks/${enc(id)}`, `/api/webhooks/prop-wh/events/${enc(id)}`]) {
          const r = await s.admin(path, path.startsWith('/api/keys') ? { method: 'DELETE' } : {});
          expect([path.slice(0, 40), [400, 404].includes(r.status)]).toEqual([path.slice(0, 40), true]);
        }
        const recv = await fetch(`${s.url}/webhooks/github/${enc(id)}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
        expect(recv.status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });

  it('valid webhook configs round-trip through export (GET) and apply (PUT) unchanged (40 configs)', async () => {
    const key = fc.oneof(fc.constantFrom('constructor', '__proto__', 'toString', 'valueOf', 'a.b', ''), fc.string({ maxLength: 8 }));
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small', maxDepth: 6 }, fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 3 })),
    })).v;
    const condition = fc.record({ field: fc.stringMatching(/^[a-z][a-z0-9_.]{0,30}$/), op: fc.constantFrom('eq', 'ne'), value });
    const command = fc.record(
      {
        trigger: fc.constantFrom('issues.opened', 'push', '*', 'pull_request.*'),
        action: fc.constant('create_task'),
        agent: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
        template: fc.string({ maxLength: 200 }).map((t) => t.replace(/[{}]/g, '')),
        conditions: fc.record({ labels: fc.array(fc.string({ minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 3 }), all: fc.array(condition, { maxLength: 3 }) }, { requiredKeys: [] }),
        priority: fc.integer({ min: -1000, max: 1000 }),
        stop: fc.boolean(),
      },
      { requiredKeys: ['trigger', 'action', 'agent'] },
    );
    const config = fc.record({
      name: fc.string({ minLength: 1, maxLength: 200 }).filter((n) => n.trim().length > 0),
      provider: fc.constantFrom('github', 'gitlab', 'jira', 'sentry', 'stripe', 'linear', 'shopify'),
      enabled: fc.boolean(),
      commands: fc.array(command, { maxLength: 4 }),
      ip_allowlist: fc.option(fc.constant(['10.0.0.0/8', '2001:db8::/32']), { nil: undefined }),
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(config, async (cfg) => {
        const parsed = WebhookCreate.safeParse(cfg);
        fc.pre(parsed.success);
        const id = `prop-rt-${n++}`;
        const created = await s.admin('/api/webhooks', { method: 'POST', body: JSON.stringify({ ...cfg, webhook_id: id }) });
        expect(created.status).toBe(201);
        const exported = await (await s.admin(`/api/webhooks/${id}`)).text();
        const applied = await s.admin(`/api/webhooks/${id}`, { method: 'PUT', body: exported });
        expect([applied.status, applied.status === 200 ? '' : await applied.text()]).toEqual([200, '']);
        const again = JSON.parse(await (await s.admin(`/api/webhooks/${id}`)).text());
        const first = JSON.parse(exported);
        const stable = ({ version: _v, updated_at: _u, ...rest }: any) => rest;
        expect(stable(again)).toEqual(stable(first));
        // Stored as given: every condition value comes back as sent, whatever its keys.
        expect(JSON.stringify(first.commands.map((c: any) => c.conditions?.all?.map((x: any) => x.value)))).toBe(
          JSON.stringify(cfg.commands.map((c: any) => c.conditions?.all?.map((x: any) => x.value))),
        );
      }),
      { numRuns: 40 },
    );
  });
});
