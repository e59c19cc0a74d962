/**
 * Verification throughput of each Hookline provider verifier against the provider's own library
 * on the same signed delivery (the fixtures under test/fixtures/<provider>), one run.
 * Both sides do the same work: where the library also parses the body (svix, Linear), ours is
 * verify + parse. Run: `tsx bench/providers.ts` (prints a Markdown table, then one JSON line).
 */
import '@shopify/shopify-api/adapters/node';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LinearWebhookClient } from '@linear/sdk/webhooks';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { ApiVersion, shopifyApi } from '@shopify/shopify-api';
import { verifySlackRequest } from '@slack/bolt';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import type { WebhookRecord } from '../shared/model/webhook';
import { clerk } from '../shared/providers/clerk';
import { github } from '../shared/providers/github';
import { gitlab } from '../shared/providers/gitlab';
import { jira } from '../shared/providers/jira';
import { linear } from '../shared/providers/linear';
import { sentry } from '../shared/providers/sentry';
import { shopify } from '../shared/providers/shopify';
import { slack } from '../shared/providers/slack';
import { standard } from '../shared/providers/standard';
import { stripe } from '../shared/providers/stripe';
import type { InboundRequest, ProviderAdapter } from '../shared/providers/types';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const fixture = (path: string) => readFileSync(`${ROOT}test/fixtures/${path}`, 'utf8');
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const PLAIN = 'bench-provider-secret-0123456789';
const webhook = {} as WebhookRecord;

export interface ProviderBenchRow {
  provider: string;
  library: string;
  body_bytes: number;
  ours_ops: number;
  theirs_ops: number | null;
  ratio: number | null;
  note?: string;
}

interface Case {
  provider: string;
  library: string;
  body: string;
  ours: () => boolean;
  theirs?: () => boolean | Promise<boolean>;
  /** What the library answers on this valid delivery (false only for Sentry's sample). */
  theirsAccepts?: boolean;
  note?: string;
}

const ok = (a: ProviderAdapter, req: InboundRequest, secrets: string[]) => () => a.verify(req, secrets, new Date(), webhook).ok;
const okParsed = (a: ProviderAdapter, req: InboundRequest, secrets: string[]) => () => a.verify(req, secrets, new Date(), webhook).ok && a.parse(req) !== undefined;
const throwsNot = (f: () => unknown) => () => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};
const nowS = () => Math.floor(Date.now() / 1000);

function cases(): Case[] {
  const out: Case[] = [];

  {
    const body = readFileSync(new URL('../test/fixtures/github/issues.opened.json', import.meta.url), 'utf8');
    const sig = `sha256=${createHmac('sha256', PLAIN).update(body).digest('hex')}`;
    out.push({
      provider: 'github',
      library: '@octokit/webhooks-methods verify',
      body,
      ours: ok(github, { body: Buffer.from(body), headers: { 'x-hub-signature-256': sig } }, [PLAIN]),
      theirs: () => octokitVerify(PLAIN, body, sig),
    });
  }

  {
    const body = fixture('gitlab/issue.open.json');
    out.push({ provider: 'gitlab (X-Gitlab-Token)', library: 'none: a plain token', body, ours: ok(gitlab, { body: Buffer.from(body), headers: { 'x-gitlab-token': WHSEC } }, [WHSEC]) });
    const id = randomUUID();
    const ts = nowS();
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': new StandardWebhook(WHSEC).sign(id, new Date(ts * 1000), body) };
    const lib = new StandardWebhook(WHSEC);
    out.push({
      provider: 'gitlab (signing token)',
      library: 'standardwebhooks verify (jsonParse: false)',
      body,
      ours: ok(gitlab, { body: Buffer.from(body), headers }, [WHSEC]),
      theirs: throwsNot(() => lib.verify(body, headers, { jsonParse: false })),
    });
  }

  {
    const body = fixture('jira/jira-issue_created.json');
    const sig = `sha256=${createHmac('sha256', PLAIN).update(body).digest('hex')}`;
    out.push({
      provider: 'jira',
      library: '@octokit/webhooks-methods verify (same WebSub form; no Jira library)',
      body,
      ours: ok(jira, { body: Buffer.from(body), headers: { 'x-hub-signature': sig } }, [PLAIN]),
      theirs: () => octokitVerify(PLAIN, body, sig),
    });
  }

  {
    const body = fixture('slack/message.channels.json');
    const ts = nowS();
    const sig = `v0=${createHmac('sha256', PLAIN).update(`v0:${ts}:${body}`).digest('hex')}`;
    out.push({
      provider: 'slack',
      library: '@slack/bolt verifySlackRequest',
      body,
      ours: ok(slack, { body: Buffer.from(body), headers: { 'x-slack-signature': sig, 'x-slack-request-timestamp': String(ts) } }, [PLAIN]),
      theirs: throwsNot(() => verifySlackRequest({ signingSecret: PLAIN, body, headers: { 'x-slack-signature': sig, 'x-slack-request-timestamp': ts } })),
    });
  }

  {
    const body = fixture('sentry/issue.created.json');
    const sig = createHmac('sha256', PLAIN).update(body).digest('hex');
    out.push({
      provider: 'sentry',
      library: "Sentry's documented sample: HMAC of JSON.stringify(parsed body), === (no Sentry library verifies)",
      body,
      ours: ok(sentry, { body: Buffer.from(body), headers: { 'sentry-hook-signature': sig } }, [PLAIN]),
      // The sample hashes JSON.stringify(parsed body): it rejects this valid delivery (non-ASCII is \u-escaped as sent).
      theirs: () => createHmac('sha256', PLAIN).update(JSON.stringify(JSON.parse(body)), 'utf8').digest('hex') === sig,
      theirsAccepts: false,
      note: 'it rejects this valid delivery: re-serializing drops the \\u escapes Sentry signs',
    });
  }

  {
    const body = fixture('stripe/invoice.paid.json');
    const lib = new Stripe('sk_test_unused');
    const header = lib.webhooks.generateTestHeaderString({ payload: body, secret: WHSEC });
    const signature = lib.webhooks.signature;
    if (!signature) throw new Error('stripe: webhooks.signature is missing');
    out.push({
      provider: 'stripe',
      library: 'stripe webhooks.signature.verifyHeader',
      body,
      ours: ok(stripe, { body: Buffer.from(body), headers: { 'stripe-signature': header } }, [WHSEC]),
      theirs: throwsNot(() => signature.verifyHeader(body, header, WHSEC, 300)),
    });
  }

  {
    const body = fixture('clerk/user.created.json');
    const id = `msg_${randomUUID()}`;
    const ts = nowS();
    const headers = { 'svix-id': id, 'svix-timestamp': String(ts), 'svix-signature': new SvixWebhook(WHSEC).sign(id, new Date(ts * 1000), body) };
    const lib = new SvixWebhook(WHSEC);
    out.push({
      provider: 'clerk',
      library: 'svix Webhook.verify (parses the body: ours is verify + parse)',
      body,
      ours: okParsed(clerk, { body: Buffer.from(body), headers }, [WHSEC]),
      theirs: throwsNot(() => lib.verify(body, headers)),
    });
  }

  {
    const body = fixture('standard/invoice.paid.json');
    const id = `msg_${randomUUID()}`;
    const ts = nowS();
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': new StandardWebhook(WHSEC).sign(id, new Date(ts * 1000), body) };
    const lib = new StandardWebhook(WHSEC);
    out.push({
      provider: 'standard',
      library: 'standardwebhooks verify (jsonParse: false)',
      body,
      ours: ok(standard, { body: Buffer.from(body), headers }, [WHSEC]),
      theirs: throwsNot(() => lib.verify(body, headers, { jsonParse: false })),
    });
  }

  {
    // A fresh webhookTimestamp: both sides check it against the real clock during the run.
    const body = fixture('linear/Issue.create.json').replace(/"webhookTimestamp": ?\d+/, `"webhookTimestamp": ${Date.now()}`);
    const sig = createHmac('sha256', PLAIN).update(body).digest('hex');
    const buf = Buffer.from(body);
    const lib = new LinearWebhookClient(PLAIN);
    out.push({
      provider: 'linear',
      library: '@linear/sdk LinearWebhookClient.verify (JSON.parses the body for webhookTimestamp; ours reads the tail, see linear.ts)',
      body,
      ours: ok(linear, { body: buf, headers: { 'linear-signature': sig } }, [PLAIN]),
      theirs: throwsNot(() => lib.verify(buf, sig)),
    });
  }

  {
    const body = fixture('shopify/orders-create.json');
    const sig = createHmac('sha256', PLAIN).update(body).digest('base64');
    const headers = {
      'x-shopify-hmac-sha256': sig,
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': 'example.myshopify.com',
      'x-shopify-api-version': '2025-10',
      'x-shopify-webhook-id': randomUUID(),
    };
    const api = shopifyApi({ apiKey: 'key', apiSecretKey: PLAIN, scopes: [], hostName: 'localhost', apiVersion: ApiVersion.October24, isEmbeddedApp: false, logger: { level: 0 } });
    out.push({
      provider: 'shopify',
      library: '@shopify/shopify-api webhooks.validate (async, WebCrypto)',
      body,
      ours: ok(shopify, { body: Buffer.from(body), headers }, [PLAIN]),
      theirs: async () => (await api.webhooks.validate({ rawBody: body, rawRequest: { method: 'POST', url: '/webhooks', headers }, rawResponse: {} })).valid,
    });
  }
  return out;
}

/** Calls per second of `f` over about `ms` milliseconds (awaiting only when `f` returns a promise). */
async function opsPerSecond(f: () => boolean | Promise<boolean>, ms: number): Promise<number> {
  const end = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
  let n = 0;
  const start = process.hrtime.bigint();
  let t = start;
  while (t < end) {
    for (let i = 0; i < 200; i++) {
      const r = f();
      if (r instanceof Promise) await r;
    }
    n += 200;
    t = process.hrtime.bigint();
  }
  return (n * 1e9) / Number(t - start);
}

/** Runs every case: a warm-up, then three alternating rounds per side; the median round counts. */
export async function benchProviders({ roundMs = 300 } = {}): Promise<ProviderBenchRow[]> {
  const rows: ProviderBenchRow[] = [];
  for (const c of cases()) {
    if (!c.ours()) throw new Error(`${c.provider}: our verifier rejected the benchmark delivery`);
    if (c.theirs && (await c.theirs()) !== (c.theirsAccepts ?? true)) throw new Error(`${c.provider}: ${c.library} did not answer as expected on the benchmark delivery`);
    await opsPerSecond(c.ours, roundMs / 2);
    if (c.theirs) await opsPerSecond(c.theirs, roundMs / 2);
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < 3; r++) {
      ours.push(await opsPerSecond(c.ours, roundMs));
      if (c.theirs) theirs.push(await opsPerSecond(c.theirs, roundMs));
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
    const o = med(ours);
    const t = c.theirs ? med(theirs) : null;
    rows.push({
      provider: c.provider,
      library: c.library,
      body_bytes: Buffer.byteLength(c.body),
      ours_ops: Math.round(o),
      theirs_ops: t === null ? null : Math.round(t),
      ratio: t === null ? null : Math.round((o / t) * 100) / 100,
      ...(c.note ? { note: c.note } : {}),
    });
  }
  return rows;
}

/** The rows as a Markdown table. */
export function providerTable(rows: ProviderBenchRow[]): string {
  const fmt = (n: number | null) => (n === null ? 'n/a' : n.toLocaleString('en-US'));
  const lines = ['| provider | body bytes | ours ops/s | library | library ops/s | ours / library |', '|---|---:|---:|---|---:|---:|'];
  for (const r of rows)
    lines.push(`| ${r.provider} | ${r.body_bytes} | ${fmt(r.ours_ops)} | ${r.library}${r.note ? `; ${r.note}` : ''} | ${fmt(r.theirs_ops)} | ${r.ratio === null ? 'n/a' : `${r.ratio.toFixed(2)}x`} |`);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchProviders();
  process.stdout.write(`${providerTable(rows)}\n${JSON.stringify({ node: process.version, rows })}\n`);
}
