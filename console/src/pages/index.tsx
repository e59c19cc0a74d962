/** The console's pages by URL pattern (first match wins). */
import type { ComponentChildren } from 'preact';
import { Page } from '../ui/page';
import { EventDetailPage, EventsPage } from './events';
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
