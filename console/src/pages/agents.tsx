/** Tasks and questions made by commands: lists with filters, and one of each in detail. */
import { useState } from 'preact/hooks';
import { get, type Res } from '../api';
import { seg, setQuery } from '../router';
import { useLoad } from '../ui/hooks';
import { PagedTable } from '../ui/paged-table';
import { JsonViewer } from '../ui/json-viewer';
import { Async, Badge, Facts, Page, Panel, Time } from '../ui/page';
import { SelectField } from '../ui/field';
import { utc } from '../ui/format';

type Task = Res<'getTask'>;
type Question = Res<'getQuestion'>;
const TASK_STATUSES = ['pending', 'claimed', 'done', 'failed'] as const satisfies readonly Task['status'][];
const QUESTION_STATUSES = ['open', 'answered', 'expired'] as const satisfies readonly Question['status'][];

/** A text filter that applies on Enter or "Apply" and lives in the URL. */
function TextFilter({ label, name, value }: { label: string; name: string; value: string }) {
  const [draft, setDraft] = useState(value);
  const id = `filter-${name}`;
  return (
    <form
      class="toolbar inline"
      onSubmit={(e) => {
        e.preventDefault();
        setQuery({ [name]: draft.trim() || undefined });
      }}
    >
      <label for={id}>{label}</label>
      <input id={id} value={draft} onInput={(e) => setDraft((e.target as HTMLInputElement).value)} />
      <button type="submit">Apply</button>
    </form>
  );
}

export function TasksPage({ agent, status }: { agent: string; status: string }) {
  return (
    <Page title="Tasks">
      <div class="toolbar">
        <TextFilter label="Agent" name="agent" value={agent} />
        <SelectField label="Status" value={status} onValue={(v) => setQuery({ status: v || undefined })} options={[['', 'Any status'], ...TASK_STATUSES.map((s): [string, string] => [s, s])]} />
      </div>
      <PagedTable
        load={(cursor) => get('listTasks', { query: { limit: 25, cursor, agent: agent || undefined, status: (status || undefined) as Task['status'] | undefined } })}
        deps={[agent, status]}
        label="tasks"
        caption="Tasks, newest first"
        rowKey={(t) => t.task_id}
        empty={<p>No tasks{agent || status ? ' match these filters' : ' yet: a create_task command makes one when its event arrives (try “Test” on a webhook)'}.</p>}
        columns={[
          { header: 'Created', cell: (t) => <Time iso={t.created_at} /> },
          { header: 'Task', cell: (t) => <a href={`/tasks/${seg(t.task_id)}`}>{t.prompt.length > 80 ? `${t.prompt.slice(0, 80)}…` : t.prompt || t.task_id}</a> },
          { header: 'Agent', cell: (t) => t.agent },
          { header: 'Status', cell: (t) => <Badge status={t.status} /> },
          { header: 'Webhook', wide: true, cell: (t) => <a href={`/webhooks/${seg(t.webhook_id)}`}>{t.webhook_id}</a> },
        ]}
      />
    </Page>
  );
}

export function TaskPage({ id }: { id: string }) {
  const t = useLoad(() => get('getTask', { params: { task_id: id } }), [id]);
  return (
    <Async state={t} label="the task">
      {(x) => (
        <Page title={`Task for ${x.agent}`} crumbs={[{ href: '/tasks', label: 'Tasks' }]}>
          <Panel title="Task">
            <Facts
              rows={[
                ['Status', <Badge status={x.status} />],
                ['Task id', <code>{x.task_id}</code>],
                ['Agent', x.agent],
                ['Created', utc(x.created_at)],
                ['Updated', utc(x.updated_at)],
                ['Command', <code>{x.command_id}</code>],
                ['Source event', <a href={`/webhooks/${seg(x.webhook_id)}/events/${seg(x.event_id)}`}>{x.event_id}</a>],
                ['Webhook', <a href={`/webhooks/${seg(x.webhook_id)}`}>{x.webhook_id}</a>],
              ]}
            />
          </Panel>
          <Panel title="Prompt">
            <pre class="prompt">{x.prompt}</pre>
          </Panel>
          <div class="grid2">
            <Panel title="Source">
              <JsonViewer value={x.source} label="task source" />
            </Panel>
            <Panel title="Result">{x.result === null || x.result === undefined ? <p class="muted">No result yet: the agent reports one with PATCH /api/tasks/{'{task_id}'}.</p> : <JsonViewer value={x.result} label="task result" />}</Panel>
          </div>
        </Page>
      )}
    </Async>
  );
}

export function QuestionsPage({ webhookId, status }: { webhookId: string; status: string }) {
  return (
    <Page title="Questions">
      <div class="toolbar">
        <TextFilter label="Webhook id" name="webhook_id" value={webhookId} />
        <SelectField label="Status" value={status} onValue={(v) => setQuery({ status: v || undefined })} options={[['', 'Any status'], ...QUESTION_STATUSES.map((s): [string, string] => [s, s])]} />
      </div>
      <PagedTable
        load={(cursor) => get('listQuestions', { query: { limit: 25, cursor, webhook_id: webhookId || undefined, status: (status || undefined) as Question['status'] | undefined } })}
        deps={[webhookId, status]}
        label="questions"
        caption="Questions, newest first"
        rowKey={(q) => q.question_id}
        empty={<p>No questions{webhookId || status ? ' match these filters' : ' yet: an ask command or POST /api/webhooks/{id}/ask asks the source’s human one'}.</p>}
        columns={[
          { header: 'Asked', cell: (q) => <Time iso={q.asked_at} /> },
          { header: 'Question', cell: (q) => <a href={`/questions/${seg(q.question_id)}`}>{q.question}</a> },
          { header: 'Agent', cell: (q) => q.agent },
          { header: 'Status', cell: (q) => <Badge status={q.status} /> },
          { header: 'Answer', cell: (q) => q.answer ?? <span class="muted">none yet</span> },
        ]}
      />
    </Page>
  );
}

export function QuestionPage({ id }: { id: string }) {
  const q = useLoad(() => get('getQuestion', { params: { question_id: id } }), [id]);
  return (
    <Async state={q} label="the question">
      {(x) => (
        <Page title="Question" crumbs={[{ href: '/questions', label: 'Questions' }]}>
          <Panel title="Question">
            <blockquote>{x.question}</blockquote>
            <Facts
              rows={[
                ['Status', <Badge status={x.status} />],
                ['Agent', x.agent],
                ['Asked', utc(x.asked_at)],
                ['Asked on event', <a href={`/webhooks/${seg(x.webhook_id)}/events/${seg(x.event_id)}`}>{x.event_id}</a>],
              ]}
            />
          </Panel>
          <Panel title="Answer">
            {x.answer === null ? (
              <p class="muted">Not answered yet: the next human reply on the thread answers it.</p>
            ) : (
              <>
                <blockquote>{x.answer}</blockquote>
                <Facts
                  rows={[
                    ['Answered', utc(x.answered_at)],
                    ['Answer event', x.answer_event_id ? <a href={`/webhooks/${seg(x.webhook_id)}/events/${seg(x.answer_event_id)}`}>{x.answer_event_id}</a> : '–'],
                  ]}
                />
              </>
            )}
          </Panel>
        </Page>
      )}
    </Async>
  );
}
