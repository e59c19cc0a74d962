import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import { HooklineError } from '../errors';
import type { QuestionRecord } from '../model/question';
import type { QuestionStore } from '../ports';
import { classifyAnswer, classifyError } from '../delivery/outcome';
import { checkUrl, guardedFetch } from '../delivery/ssrf';
import { deliveryHeaders } from '../delivery/signing';
import { postReply, respondViaResponseUrl, threadOf, type Fetch } from './reply';
import { actionId, actionTime, type ActionContext, type SideEffect } from './runner';

/** How long a forward target gets to answer (connect, headers and body). */
export const FORWARD_TIMEOUT_MS = 15_000;

export interface EffectDeps {
  questions: QuestionStore;
  clock: Clock;
  /** The HTTP client for provider APIs (injected so tests and the SSRF policy can wrap it). */
  fetch: Fetch;
  allowPrivateTargets: boolean;
}

function thread(ctx: ActionContext) {
  const t = threadOf(ctx.event.provider, ctx.payload);
  if (!t) throw new HooklineError('no_thread', `A ${ctx.event.event_type} event of ${ctx.event.provider} has no thread to answer in.`, 422);
  return t;
}

/** Stable `whsec_` signing key for forwards, derived from the webhook's secret when it is not one. */
function forwardSecret(secret: string): string {
  return /^whsec_[A-Za-z0-9+/=]+$/.test(secret) ? secret : `whsec_${createHash('sha256').update(secret).digest('base64')}`;
}

/** The comment, ask, respond and forward side effects; each runs at most once per (event, command) under the runner. */
export function makeEffects(deps: EffectDeps): Record<'comment' | 'ask' | 'respond' | 'forward', SideEffect> {
  const comment: SideEffect = async (ctx) => {
    const posted = await postReply({ webhook: ctx.webhook, thread: thread(ctx), text: ctx.text, fetch: deps.fetch, clock: deps.clock });
    return { comment_id: posted.id, ...(posted.url ? { url: posted.url } : {}) };
  };

  return {
    comment,

    async ask(ctx) {
      const t = thread(ctx);
      const posted = await postReply({ webhook: ctx.webhook, thread: t, text: ctx.text, fetch: deps.fetch, clock: deps.clock });
      // The event's time, not this attempt's: the same index keys on every attempt.
      const now = actionTime(ctx);
      const id = actionId('q', ctx.event.event_id, ctx.command.command_id);
      const q: QuestionRecord = {
        question_id: id,
        webhook_id: ctx.event.webhook_id,
        event_id: ctx.event.event_id,
        agent: ctx.command.agent ?? 'default',
        question: ctx.text,
        status: 'open',
        answer: null,
        answer_event_id: null,
        asked_at: now,
        answered_at: null,
        thread_key: `${ctx.event.webhook_id}#${t.key}`,
        asked_key: `${now}#${id}`,
        kind: 'question',
        posted: { comment_id: posted.id, ...(posted.url ? { url: posted.url } : {}) },
      };
      await deps.questions.putIfAbsent(q);
      return { question_id: id, comment_id: posted.id, ...(posted.url ? { url: posted.url } : {}) };
    },

    async respond(ctx) {
      // Slack slash commands and interactivity carry a response_url (the URL is the credential).
      const url = (ctx.payload as { response_url?: unknown } | null)?.response_url;
      // Only Slack's own host, unless private targets are allowed (local development, tests).
      if (typeof url === 'string' && (/^https:\/\/hooks\.slack\.com\//.test(url) || deps.allowPrivateTargets)) {
        await respondViaResponseUrl({ responseUrl: url, text: ctx.text, fetch: deps.fetch, clock: deps.clock });
        return { via: 'response_url' };
      }
      return { via: 'thread', ...(await comment(ctx)) };
    },

    async forward(ctx) {
      const url = checkUrl(ctx.command.forward_url!, { allowPrivate: deps.allowPrivateTargets });
      const body = ctx.command.template ? ctx.text : (ctx.json_text ?? JSON.stringify(ctx.payload));
      const deliveryId = actionId('fwd', ctx.event.event_id, ctx.command.command_id);
      const headers = {
        ...deliveryHeaders({
          secrets: [forwardSecret(ctx.webhook.secret)],
          deliveryId,
          eventType: ctx.event.event_type,
          timestampSeconds: Math.floor(deps.clock.now().getTime() / 1000),
          body,
        }),
        ...(ctx.command.template ? { 'content-type': 'text/plain; charset=utf-8' } : {}),
      };
      let res;
      try {
        res = await guardedFetch(url, { method: 'POST', headers, body }, { allowPrivate: deps.allowPrivateTargets, timeoutMs: FORWARD_TIMEOUT_MS });
      } catch (err) {
        const o = classifyError(err);
        if (o.verdict === 'fail') throw err;
        // The receiver dedups on webhook-id (stable across retries), so even a forward whose
        // outcome is unknown (timeout, reset after sending) may be sent again.
        throw new HooklineError('forward_failed', `forward to ${url.host} failed: ${(err as Error).message}`, 502, { retryable: true, cause: err });
      }
      const o = classifyAnswer(res.status, res.headers, deps.clock.now());
      if (o.verdict === 'success') return { status_code: res.status, delivery_id: deliveryId };
      const e = new HooklineError('forward_failed', `forward to ${url.host} answered ${res.status}`, 502, { retryable: o.verdict === 'retry' });
      if (o.retryAfterSeconds !== undefined) Object.assign(e, { retryAfterSeconds: o.retryAfterSeconds });
      throw e;
    },
  };
}

