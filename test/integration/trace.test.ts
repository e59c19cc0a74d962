import { sign } from '@octokit/webhooks-methods';
import { lambdaContext } from '../../bin/local/lambda-context';
import { handler as alerter } from '../../functions/alerter/handler';
import { startFakeProviders, type FakeProviders } from '../support/fake-providers';
import { startTestStack } from '../support/in-process-stack';
import { pollUntil } from '../support/poll';
import { startSink, type Sink } from '../support/sink';

// Every function of the local stack runs in this process and writes its log lines (Powertools
// Logger, JSON) to stdout: they are captured here, as CloudWatch Logs would hold them, and read
// with one filter on `trace_id`, as Logs Insights would (`filter trace_id = "evt_..."`).
type Line = Record<string, unknown>;
const captured: string[] = [];
let restore: () => void;
const lines = (): Line[] =>
  captured.flatMap((chunk) =>
    chunk
      .split('\n')
      .filter((l) => l.startsWith('{') && !l.includes('"_aws"'))
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as Line];
        } catch {
          return [];
        }
      }),
  );
const traceOf = (traceId: string) => lines().filter((l) => l.trace_id === traceId);

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
let fake: FakeProviders;
let sink: Sink;
const SECRET = 'gh-trace-webhook-secret';
const REQUEST_ID = /^[0-9a-f-]{36}$/;

beforeAll(async () => {
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array) => (captured.push(String(chunk)), true)) as typeof process.stdout.write);
  restore = () => spy.mockRestore();
  process.env.ALLOW_PRIVATE_TARGETS = 'true'; // the fake GitHub API and the sink live on loopback
  fake = await startFakeProviders();
  sink = await startSink();
  s = await startTestStack();
  const post = async (path: string, body: unknown) => {
    const r = await s.admin(path, { method: 'POST', body: JSON.stringify(body) });
    expect(r.status).toBe(201);
    return (await r.json()) as any;
  };
  await post('/api/webhooks', {
    webhook_id: 'gh-trace',
    name: 'trace',
    provider: 'github',
    secret: SECRET,
    reply: { token: 'ghp_trace_token', api_base_url: fake.url, bot_user: 'hookline-bot' },
    commands: [
      { command_id: 'cmd_task', trigger: 'issues.opened', action: 'create_task', agent: 'triage', template: 'Triage {{issue.title}}' },
      { command_id: 'cmd_thanks', trigger: 'issues.opened', action: 'comment', template: 'Thanks {{sender}}.' },
      { command_id: 'cmd_ask', trigger: 'issue_comment.created', action: 'ask', agent: 'brain', template: 'What did you expect?', conditions: { body_contains: '@agent' } },
    ],
  });
  await post('/api/subscriptions', { url: sink.url, events: ['task.created', 'event.received', 'question.answered', 'alert.*'] });
  await post('/api/tenants', { tenant_id: 'trace-co', name: 'Trace Co' });
  await post('/api/subscriptions', { url: `${sink.url}?tenant=trace-co`, events: ['order.*'], tenant_id: 'trace-co' });
});
afterAll(async () => {
  await s.stop();
  await fake.stop();
  sink.close();
  restore();
});

const repo = { full_name: 'acme/rocket', name: 'rocket', owner: { login: 'acme' } };

async function github(event: string, payload: unknown, delivery: string): Promise<string> {
  const body = JSON.stringify(payload);
  const r = await fetch(`${s.url}/webhooks/github/gh-trace`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': await sign(SECRET, body) },
    body,
  });
  expect(r.status).toBe(202);
  return ((await r.json()) as { event_id: string }).event_id;
}

/** The sink's requests of one event type whose data mention `id`. */
const sunk = (type: string, id: string) => sink.hits.filter((h) => JSON.parse(h.body).type === type && h.body.includes(id));

describe('one trace across directions', () => {
  it('one filter on trace_id follows a GitHub delivery through receiver, consumer, actions and the deliveries it caused, each line with its Lambda request id', async () => {
    const eventId = await github('issues', { action: 'opened', issue: { number: 7, title: 'Crash' }, repository: repo, sender: { login: 'octocat' } }, 'trace-delivery-1');
    await pollUntil(async () => (sunk('task.created', eventId).length && sunk('event.received', eventId).length ? true : undefined), 'task.created and event.received at the subscriber');
    const trace = await pollUntil(async () => {
      const t = traceOf(eventId);
      return t.filter((l) => l.message === 'delivery attempt').length >= 2 ? t : undefined;
    }, 'both delivery attempts in the trace');

    // Every line of the trace carries the id of the invocation that wrote it.
    for (const l of trace) expect(l).toMatchObject({ function_request_id: expect.stringMatching(REQUEST_ID), function_name: expect.any(String) });
    const by = (fn: string) => trace.filter((l) => l.function_name === fn);
    expect(by('receiver').map((l) => l.message)).toEqual(['event accepted']);
    expect(by('receiver')[0]).toMatchObject({ level: 'INFO', event_id: eventId, webhook_id: 'gh-trace', delivery_id: 'trace-delivery-1' });
    const task = by('consumer').find((l) => l.message === 'action');
    expect(task).toMatchObject({ action: 'create_task', command_id: 'cmd_task', task_id: expect.stringMatching(/^task_/), outcome: 'succeeded' });
    expect(by('consumer').find((l) => l.message === 'event published')).toMatchObject({ event_type: 'task.created', deliveries: 1 });
    expect(by('actions').find((l) => l.message === 'action')).toMatchObject({ action: 'comment', command_id: 'cmd_thanks', outcome: 'succeeded' });
    expect(by('actions').map((l) => l.message)).toEqual(expect.arrayContaining(['event stored', 'event published']));
    const attempts = by('deliverer').filter((l) => l.message === 'delivery attempt');
    expect(attempts.map((l) => l.event_type).sort()).toEqual(['event.received', 'task.created']);
    for (const a of attempts) expect(a).toMatchObject({ attempt: 1, outcome: 'success', status_code: 200, outbound_delivery_id: expect.stringMatching(/^dlv_/), subscription_id: expect.any(String) });
    // Each function's lines of one invocation share one request id; different invocations differ.
    expect(new Set(by('receiver').map((l) => l.function_request_id)).size).toBe(1);
    expect(by('receiver')[0].function_request_id).not.toBe(attempts[0].function_request_id);

    // The delivery records carry the trace too, in the API.
    for (const hit of [...sunk('task.created', eventId), ...sunk('event.received', eventId)]) {
      const d = (await (await s.admin(`/api/deliveries/${hit.headers['webhook-id']}`)).json()) as any;
      expect(d).toMatchObject({ delivery_id: hit.headers['webhook-id'], trace_id: eventId, status: 'success' });
    }
    // Only the lines about what the event caused (its published events and their deliveries) name another event id.
    expect(trace.filter((l) => l.event_id !== eventId).map((l) => l.message).sort()).toEqual(['delivery attempt', 'delivery attempt', 'event published', 'event published']);
    // No secret reaches a line.
    for (const c of captured) for (const secret of [SECRET, 'ghp_trace_token']) expect(c).not.toContain(secret);
  });

  it('an asked question is on the lines that ask and answer it (question_id), in the traces of both events', async () => {
    const comment = (login: string, body: string) => ({ action: 'created', issue: { number: 8, title: 'Crash' }, comment: { id: Math.floor(Math.random() * 1e9), body, user: { login } }, repository: repo, sender: { login } });
    const askEvent = await github('issue_comment', comment('octocat', '@agent it crashes'), 'trace-ask-1');
    const asked = await pollUntil(async () => traceOf(askEvent).find((l) => l.message === 'action' && l.action === 'ask' && l.question_id), 'the ask line');
    expect(asked).toMatchObject({ function_name: 'actions', question_id: expect.stringMatching(/^q/), command_id: 'cmd_ask', outcome: 'succeeded' });
    const questionId = asked.question_id as string;

    const answerEvent = await github('issue_comment', comment('maria', 'It should start'), 'trace-answer-1');
    const answered = await pollUntil(async () => traceOf(answerEvent).find((l) => l.message === 'question answered'), 'the answer line');
    expect(answered).toMatchObject({ function_name: 'consumer', question_id: questionId, event_id: answerEvent, asked_on_event_id: askEvent });
    // question.answered reaches the subscriber in the answering event's trace.
    await pollUntil(async () => (sunk('question.answered', questionId).length ? true : undefined), 'question.answered at the subscriber');
    const attempt = await pollUntil(async () => traceOf(answerEvent).find((l) => l.message === 'delivery attempt' && l.event_type === 'question.answered'), 'its delivery in the trace');
    expect(attempt).toMatchObject({ function_name: 'deliverer', outcome: 'success' });

    // An agent asking through the interactive API: the line names the question it created.
    const r = await s.admin('/api/webhooks/gh-trace/ask', { method: 'POST', body: JSON.stringify({ event_id: answerEvent, question: 'Which version?', agent: 'brain' }) });
    expect(r.status).toBe(201);
    const q = (await r.json()) as { question_id: string };
    const agentLine = await pollUntil(async () => traceOf(answerEvent).find((l) => l.message === 'agent action' && l.question_id === q.question_id), 'the agent action line');
    expect(agentLine).toMatchObject({ function_name: 'interactive', function_request_id: expect.stringMatching(REQUEST_ID), action: 'ask', event_id: answerEvent });
  });

  it("an event published through the API is its own trace (its id), with the tenant on the publish and on each delivery's lines and record", async () => {
    const r = await s.admin('/api/events', { method: 'POST', body: JSON.stringify({ type: 'order.paid', data: { order: 'o-1' }, tenant_id: 'trace-co' }) });
    expect(r.status).toBe(202);
    const { event_id } = (await r.json()) as { event_id: string };
    const attempt = await pollUntil(async () => traceOf(event_id).find((l) => l.message === 'delivery attempt'), "the tenant delivery's attempt");
    expect(attempt).toMatchObject({ function_name: 'deliverer', function_request_id: expect.stringMatching(REQUEST_ID), tenant_id: 'trace-co', event_id, outcome: 'success' });
    expect(traceOf(event_id).find((l) => l.message === 'event published')).toMatchObject({ function_name: 'api', function_request_id: expect.stringMatching(REQUEST_ID), tenant_id: 'trace-co', event_type: 'order.paid', deliveries: 1 });
    const d = (await (await s.admin(`/api/deliveries/${attempt.outbound_delivery_id}`)).json()) as any;
    expect(d).toMatchObject({ trace_id: event_id, event_id, event_type: 'order.paid' });
  });
});

describe('alerts as events, end to end', () => {
  const alarm = (state: 'ALARM' | 'OK') => ({
    Records: [
      {
        Sns: {
          Message: JSON.stringify({ AlarmName: 'hookline-dev-deliveries-dlq', AlarmDescription: 'Messages in the deliveries DLQ', NewStateValue: state, OldStateValue: state === 'ALARM' ? 'OK' : 'ALARM', NewStateReason: 'Threshold Crossed', StateChangeTime: '2026-12-01T09:00:00.000+0000' }),
        },
      },
    ],
  });

  it('an alarm firing and recovering reaches a subscription as signed alert.triggered then alert.resolved deliveries', async () => {
    const fired = await alerter(alarm('ALARM') as never, lambdaContext('alerter', 30));
    expect(fired).toEqual([{ published: 'alert.triggered', alarm: 'hookline-dev-deliveries-dlq' }]);
    const triggered = await pollUntil(async () => sunk('alert.triggered', 'hookline-dev-deliveries-dlq')[0], 'alert.triggered at the subscriber');
    expect(JSON.parse(triggered.body)).toMatchObject({
      type: 'alert.triggered',
      data: { alarm: 'hookline-dev-deliveries-dlq', state: 'ALARM', previous_state: 'OK', reason: 'Threshold Crossed', description: 'Messages in the deliveries DLQ' },
    });
    expect(triggered.headers).toMatchObject({ 'webhook-id': expect.stringMatching(/^dlv_/), 'webhook-signature': expect.stringMatching(/^v1,/) });

    await alerter(alarm('OK') as never, lambdaContext('alerter', 30));
    const resolved = await pollUntil(async () => sunk('alert.resolved', 'hookline-dev-deliveries-dlq')[0], 'alert.resolved at the subscriber');
    expect(JSON.parse(resolved.body)).toMatchObject({ type: 'alert.resolved', data: { state: 'OK', previous_state: 'ALARM' } });
    // The alerter's own line, with its request id, and the published event's trace reaching the deliverer.
    const published = lines().find((l) => l.message === 'alert published' && l.published === 'alert.resolved');
    expect(published).toMatchObject({ function_name: 'alerter', function_request_id: expect.stringMatching(REQUEST_ID) });
    const d = (await (await s.admin(`/api/deliveries/${resolved.headers['webhook-id']}`)).json()) as any;
    expect(d).toMatchObject({ event_type: 'alert.resolved', status: 'success', trace_id: d.event_id });
  });
});
