/**
 * What can never work is refused when it is saved, with a 400 naming the field, instead of
 * failing on every delivery later: header values no HTTP client can send, Standard Webhooks /
 * Svix secrets that cannot be keys, and outbound URLs the SSRF policy refuses or that carry
 * credentials (never echoed back).
 */
import { startTestStack } from '../support/in-process-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;

beforeAll(async () => {
  delete process.env.ALLOW_PRIVATE_TARGETS;
  s = await startTestStack({ pauseConsumers: true });
});
afterAll(() => s.stop());

async function send(path: string, method: string, body: unknown) {
  const r = await s.admin(path, { method, body: JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, text, error: r.status >= 400 ? (JSON.parse(text).error as { code: string; details: { path: string; message: string }[] }) : undefined };
}
const paths = (res: { error?: { details: { path: string }[] } }) => res.error?.details.map((d) => d.path);
const b64 = (n: number) => Buffer.alloc(n, 7).toString('base64');

describe('subscription headers', () => {
  for (const [what, value] of [
    ['CR LF (header injection)', 'v\r\nX-Injected: 1'],
    ['LF', 'a\nb'],
    ['NUL', 'a\u0000b'],
  ]) {
    it(`refuses a header value with ${what}`, async () => {
      const res = await send('/api/subscriptions', 'POST', { url: 'https://example.com/h', events: ['*'], headers: { 'X-Tenant': value } });
      expect(res.status).toBe(400);
      expect(paths(res)).toEqual(['headers.X-Tenant']);
    });
  }

  it('accepts ordinary values and refuses the same on PUT', async () => {
    const created = await send('/api/subscriptions', 'POST', { url: 'https://example.com/h', events: ['*'], headers: { 'X-Tenant': 'acme; region=eu' } });
    expect(created.status).toBe(201);
    const id = JSON.parse(created.text).subscription_id;
    const put = await send(`/api/subscriptions/${id}`, 'PUT', { url: 'https://example.com/h', events: ['*'], headers: { 'X-Tenant': 'a\r\nb' } });
    expect(put.status).toBe(400);
    expect(paths(put)).toEqual(['headers.X-Tenant']);
  });
});

describe('Standard Webhooks and Svix secrets', () => {
  for (const provider of ['standard', 'clerk']) {
    it(`refuses a ${provider} secret that is not base64 of 24 to 64 bytes, on create, PUT and rotate`, async () => {
      for (const secret of ['whsec_not*base64!', `whsec_${b64(16)}`, `whsec_${b64(65)}`, 'plain-text-secret-here']) {
        const res = await send('/api/webhooks', 'POST', { webhook_id: `${provider}-bad`, name: 'x', provider, secret });
        expect([secret, res.status, paths(res)]).toEqual([secret, 400, ['secret']]);
      }
      const ok = await send('/api/webhooks', 'POST', { webhook_id: `${provider}-ok`, name: 'x', provider, secret: `whsec_${b64(32)}` });
      expect(ok.status).toBe(201);
      const put = await send(`/api/webhooks/${provider}-ok`, 'PUT', { name: 'x', provider, secret: `whsec_${b64(8)}` });
      expect([put.status, paths(put)]).toEqual([400, ['secret']]);
      const rotate = await send(`/api/webhooks/${provider}-ok/rotate-secret`, 'POST', { secret: `whsec_${b64(8)}` });
      expect([rotate.status, paths(rotate)]).toEqual([400, ['secret']]);
      const good = await send(`/api/webhooks/${provider}-ok/rotate-secret`, 'POST', { secret: `whsec_${b64(24)}` });
      expect(good.status).toBe(200);
    });
  }

  it('keeps accepting any secret for schemes without a key format', async () => {
    expect((await send('/api/webhooks', 'POST', { webhook_id: 'gh-plain', name: 'x', provider: 'github', secret: 'plain-text-secret' })).status).toBe(201);
  });
});

describe('outbound URLs in webhook configs', () => {
  const forward = (url: string) => ({ trigger: 'issues.opened', action: 'forward', forward_url: url });

  it('refuses a forward_url to a private or metadata address on create, add-command and PUT (SSRF policy at save)', async () => {
    for (const url of ['http://127.0.0.1:8080/hook', 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.5/']) {
      const res = await send('/api/webhooks', 'POST', { webhook_id: 'fwd-private', name: 'x', provider: 'github', commands: [forward(url)] });
      expect([url, res.status, paths(res)]).toEqual([url, 400, ['commands.0.forward_url']]);
    }
    expect((await send('/api/webhooks', 'POST', { webhook_id: 'fwd-ok', name: 'x', provider: 'github', commands: [forward('https://example.com/hook')] })).status).toBe(201);
    const add = await send('/api/webhooks/fwd-ok/commands', 'POST', forward('http://192.168.1.1/'));
    expect([add.status, paths(add)]).toEqual([400, ['forward_url']]);
    const put = await send('/api/webhooks/fwd-ok', 'PUT', { name: 'x', provider: 'github', commands: [forward('https://example.com/ok'), forward('http://[::1]/')] });
    expect([put.status, paths(put)]).toEqual([400, ['commands.1.forward_url']]);
  });

  it('refuses a reply.api_base_url to a private address', async () => {
    const res = await send('/api/webhooks', 'POST', { webhook_id: 'reply-private', name: 'x', provider: 'github', reply: { token: 't0ken', api_base_url: 'http://169.254.169.254/' } });
    expect([res.status, paths(res)]).toEqual([400, ['reply.api_base_url']]);
  });

  it('refuses URLs with credentials and never echoes the password', async () => {
    const password = 'hunter2-s3cret-pw';
    for (const [path, body, field] of [
      ['/api/webhooks', { webhook_id: 'creds', name: 'x', provider: 'github', commands: [forward(`https://user:${password}@example.com/hook`)] }, 'commands.0.forward_url'],
      ['/api/webhooks', { webhook_id: 'creds', name: 'x', provider: 'github', reply: { token: 't', api_base_url: `https://bot:${password}@api.example.com` } }, 'reply.api_base_url'],
      ['/api/subscriptions', { url: `https://user:${password}@example.com/in`, events: ['*'] }, 'url'],
    ] as const) {
      const res = await send(path, 'POST', body);
      expect([res.status, paths(res)]).toEqual([400, [field]]);
      expect(res.text).not.toContain(password);
    }
    const audit = await (await s.admin('/api/audit?limit=100')).text();
    expect(audit).not.toContain(password);
  });
});
