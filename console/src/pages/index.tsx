/** The console's pages by URL pattern (first match wins). */
import type { ComponentChildren } from 'preact';
import { Page } from '../ui/page';
import { QuestionPage, QuestionsPage, TaskPage, TasksPage } from './agents';
import { EventDetailPage, EventsPage } from './events';
import { AuditPage, ImportsPage, KeysPage, QueuesPage } from './operations';
import { DeliveryPage, SubscriptionCreatePage, SubscriptionDetailPage, SubscriptionEditPage, SubscriptionsPage } from './subscriptions';
import { WebhookDetailPage } from './webhook-detail';
import { WebhookCreatePage, WebhookEditPage } from './webhook-form';
import { WebhooksPage } from './webhooks';

type Render = (params: Record<string, string>, query: URLSearchParams) => ComponentChildren;

export const pages: [string, Render][] = [
  ['/webhooks', (_, q) => <WebhooksPage q={q.get('q') ?? ''} />],
  ['/webhooks/new', () => <WebhookCreatePage />],
  ['/webhooks/:id', (p) => <WebhookDetailPage id={p.id} />],
  ['/webhooks/:id/edit', (p) => <WebhookEditPage id={p.id} />],
  ['/webhooks/:id/events', (p, q) => <EventsPage id={p.id} status={q.get('status') ?? ''} />],
  ['/webhooks/:id/events/:eventId', (p) => <EventDetailPage id={p.id} eventId={p.eventId} />],
  ['/tasks', (_, q) => <TasksPage agent={q.get('agent') ?? ''} status={q.get('status') ?? ''} />],
  ['/tasks/:id', (p) => <TaskPage id={p.id} />],
  ['/questions', (_, q) => <QuestionsPage webhookId={q.get('webhook_id') ?? ''} status={q.get('status') ?? ''} />],
  ['/questions/:id', (p) => <QuestionPage id={p.id} />],
  ['/subscriptions', () => <SubscriptionsPage />],
  ['/subscriptions/new', () => <SubscriptionCreatePage />],
  ['/subscriptions/:id', (p, q) => <SubscriptionDetailPage id={p.id} status={q.get('status') ?? ''} />],
  ['/subscriptions/:id/edit', (p) => <SubscriptionEditPage id={p.id} />],
  ['/deliveries/:id', (p) => <DeliveryPage id={p.id} />],
  ['/operations', () => <QueuesPage />],
  ['/operations/keys', () => <KeysPage />],
  ['/operations/audit', (_, q) => <AuditPage resourceId={q.get('resource_id') ?? ''} />],
  ['/operations/imports', () => <ImportsPage />],
];

export function NotFound() {
  return (
    <Page title="Page not found">
      <p>
        There is no page at this address. Go to the <a href="/webhooks">webhooks</a>.
      </p>
    </Page>
  );
}
