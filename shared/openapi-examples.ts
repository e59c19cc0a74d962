/** Request body examples for the OpenAPI document, by operationId (a test checks every body route has one). */
const webhook = {
  webhook_id: 'github-issues-001',
  name: 'GitHub Issue Tracker',
  provider: 'github',
  secret: 'whsec_c2VjcmV0LWZvci10aGUtZXhhbXBsZS1vbmx5',
  commands: [
    { trigger: 'issues.opened', action: 'create_task', agent: 'planning', template: 'Analyze issue: {{issue.title}}\n\n{{issue.body}}', conditions: { labels: ['bug', 'enhancement'] } },
    { trigger: 'issue_comment.created', action: 'ask', agent: 'brain', template: 'What did you expect to happen?', conditions: { body_contains: '@agent' } },
  ],
  reply: { token: 'ghp_…', bot_user: 'hookline-bot' },
};
const subscription = {
  url: 'https://example.com/webhooks/hookline',
  events: ['agent:complete', 'project.*'],
  filters: { platforms: ['github'] },
  retry_policy: { max_attempts: 8, initial_delay: 10, backoff_multiplier: 2, max_delay: 3600 },
};

// The outbound design's (seeds/004) GitHub repository_dispatch target, with a body_template
// shaped as GitHub requires it.
const dispatch = {
  url: 'https://api.github.com/repos/owner/repo/dispatches',
  events: ['deployment_completed', 'error_occurred'],
  secret: 'your_webhook_secret',
  headers: { Authorization: 'token ghp_example', Accept: 'application/vnd.github.v3+json' },
  filters: { min_severity: 'warning', content_filters: [{ type: 'regex', field: 'data.tool_name', pattern: '^deploy_' }], time_window: { start_hour: 9, end_hour: 17, timezone: 'UTC' } },
  body_template: { event_type: 'megabot.{{type}}', client_payload: '{{data}}' },
};

export const REQUEST_EXAMPLES: Record<string, unknown> = {
  createKey: { name: 'ci-bot', scopes: ['read', 'write'] },
  createWebhook: webhook,
  replaceWebhook: { ...webhook, name: 'GitHub Issue Tracker (v2)' },
  rotateWebhookSecret: { grace_seconds: 86400 },
  restoreWebhook: { version: 3 },
  addCommand: { trigger: 'issues.labeled', action: 'create_task', agent: 'planning', template: 'Urgent: {{issue.title}}', conditions: { label: 'urgent' }, priority: 10 },
  previewCommand: {
    command: { trigger: 'issues.opened', action: 'create_task', agent: 'planning', template: 'Analyze issue: {{issue.title}}', conditions: { labels: ['bug'] } },
    event_type: 'issues.opened',
    payload: { action: 'opened', issue: { number: 7, title: 'Crash on start', labels: [{ name: 'question' }] }, sender: { login: 'octocat' } },
  },
  previewUnsavedCommand: {
    provider: 'jira',
    command: { trigger: 'jira:issue_created', action: 'create_task', agent: 'planning', template: 'New Jira ticket: {{issue.key}} - {{issue.summary}}' },
  },
  updateCommand: { trigger: 'issues.labeled', action: 'comment', template: 'Thanks {{sender}}, we are on it.', conditions: { label: 'urgent' } },
  patchTask: { status: 'done', result: { summary: 'Fixed in #42' } },
  commentOnEvent: { event_id: 'evt_8f14e45fceea167a5a36dedd4b', message: 'I am looking into this.' },
  askOnEvent: { event_id: 'evt_8f14e45fceea167a5a36dedd4b', question: 'Which version shows the crash?', agent: 'planning' },
  respondToEvent: { event_id: 'evt_8f14e45fceea167a5a36dedd4b', response: 'Deploying api to prod now.' },
  createSubscription: subscription,
  replaceSubscription: { ...subscription, events: ['*'] },
  rotateSubscriptionSecret: { grace_seconds: 3600 },
  recoverSubscription: { since: '2026-11-23T08:00:00Z', until: '2026-11-23T11:30:00Z' },
  previewSubscription: { subscription: dispatch, event: { type: 'error_occurred', data: { tool_name: 'deploy_app', severity: 'error', message: 'Failed to connect to database' }, timestamp: '2026-11-23T10:00:00Z' } },
  previewStoredSubscription: { event: { type: 'chat_message_received', data: { platform: 'telegram', username: 'john_doe', content: 'Hello MegaBot!' } } },
  redriveDlq: { queue: 'deliveries', max: 1000 },
  registerEventType: { description: 'An order was paid', schema: { type: 'object', required: ['order_id', 'amount'], properties: { order_id: { type: 'string' }, amount: { type: 'number', minimum: 0 } } }, example: { order_id: 'ord_1', amount: 42 } },
  createTenant: { tenant_id: 'acme', name: 'Acme Inc.', rate_limit: { per_second: 50, burst: 100 }, metadata: { plan: 'pro' } },
  createPortalLink: { expires_in_seconds: 3600 },
  replaceTenant: { name: 'Acme Corp.', rate_limit: { per_second: 100 }, metadata: { plan: 'enterprise' } },
  publishEvent: { id: 'proj-42-created', type: 'project.created', data: { project_id: 42, name: 'Rocket', platform: 'github' } },
};
