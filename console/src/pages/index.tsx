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
import { EventTypesPage } from './event-types';
import { ApiError } from '../api';

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
  ['/event-types', () => <EventTypesPage />],
  ['/operations', () => <QueuesPage />],
  ['/operations/keys', () => <KeysPage />],
  ['/operations/audit', (_, q) => <AuditPage resourceId={q.get('resource_id') ?? ''} />],
  ['/operations/imports', () => <ImportsPage />],
];

/** The pages of portal mode (these patterns and those under them); every other address is not found. */
export const PORTAL_PAGES = ['/subscriptions', '/deliveries', '/event-types'];

export function NotFound({ home = '/webhooks' }: { home?: string }) {
  return (
    <Page title="Page not found">
      <p>
        There is no page at this address. Go to the <a href={home}>{home.slice(1)}</a>.
      </p>
    </Page>
  );
}

/** A portal link whose token the API refused: expired, or revoked (or never valid). */
export function PortalRefused({ error, onSignIn }: { error: Error; onSignIn: () => void }) {
  const expired = error instanceof ApiError && error.code === 'token_expired';
  document.title = `${expired ? 'Portal link expired' : 'Portal link not valid'} · Hookline`;
  return (
    <main id="main" class="sign-in">
      <h1>{expired ? 'This portal link has expired' : 'This portal link is not valid'}</h1>
      <p role="alert">
        {expired ? 'Portal links work for a limited time.' : 'It may have been revoked.'} Ask the service that sent it for a new link, and open that one.
      </p>
      <p class="muted">The API said: {error.message}</p>
      <button type="button" onClick={onSignIn}>
        Sign in with an API key instead
      </button>
    </main>
  );
}
