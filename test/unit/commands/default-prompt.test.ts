import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandText, defaultPrompt } from '../../../shared/commands/default-prompt';
import type { EventContext } from '../../../shared/commands/event-context';

const fixture = (provider: string, name: string) => JSON.parse(readFileSync(join(__dirname, '../../fixtures', provider, `${name}.json`), 'utf8'));
const ctx = (provider: string, event_type: string, payload: unknown): EventContext => ({ provider, event_type, payload, webhook_id: 'w' });

describe('default prompts for commands without a template', () => {
  it('tells an agent about a GitHub issue: type, repo, number, title, author, link, body', () => {
    const p = fixture('github', 'issues.opened');
    const text = defaultPrompt(ctx('github', 'issues.opened', p));
    expect(text.split('\n').slice(0, 3)).toEqual([
      `GitHub issues.opened in ${p.repository.full_name}: issue #${p.issue.number} ${JSON.stringify(p.issue.title)}`,
      `Author: ${p.sender.login}`,
      `Link: ${p.issue.html_url}`,
    ]);
    expect(text).toContain(p.issue.body.trim().slice(0, 50));
  });

  it('links a Jira ticket to its browse URL and names its key and summary', () => {
    const p = fixture('jira', 'jira-issue_created');
    const text = defaultPrompt(ctx('jira', 'jira:issue_created', p));
    expect(text).toContain(`ticket OPS-42 ${JSON.stringify(p.issue.fields.summary)}`);
    expect(text).toContain('Link: https://your-domain.atlassian.net/browse/OPS-42');
    expect(text).toContain(`Author: ${p.user.displayName}`);
    expect(text).toContain(p.issue.fields.description);
  });

  it('gives a Slack message its text, author and channel, and a slash command its command', () => {
    const m = fixture('slack', 'message.channels');
    const text = defaultPrompt(ctx('slack', 'message.channels', m));
    expect(text).toContain('Slack message.channels in channel C024BE91L');
    expect(text).toContain(`Author: ${m.event.user}`);
    expect(text).toContain(m.event.text);
    const slash = fixture('slack', 'slash_command');
    expect(defaultPrompt(ctx('slack', 'slash_command', slash))).toContain(`in #test: slash command ${JSON.stringify(`/deploy ${slash.text}`)}`);
  });

  it('describes GitLab, Linear and Sentry subjects', () => {
    expect(defaultPrompt(ctx('gitlab', 'issue.open', fixture('gitlab', 'issue.open')))).toMatch(/^GitLab issue\.open in .+: issue #\d+ ".+"/);
    expect(defaultPrompt(ctx('linear', 'Issue.create', fixture('linear', 'Issue.create')))).toMatch(/^Linear Issue\.create.*: issue [A-Z]+-\d+ ".+"/);
    expect(defaultPrompt(ctx('sentry', 'issue.created', fixture('sentry', 'issue.created')))).toMatch(/^Sentry issue\.created.*: issue .+ ".+"\nAuthor: .+\nLink: https:/);
  });

  it('quotes an excerpt of the payload for providers without subjects, and cuts long bodies', () => {
    const text = defaultPrompt(ctx('stripe', 'invoice.paid', fixture('stripe', 'invoice.paid')));
    expect(text).toMatch(/^Stripe invoice\.paid event\n\nPayload \(excerpt\):\n\{/);
    const long = defaultPrompt(ctx('github', 'issues.opened', { issue: { number: 1, title: 't', body: 'x'.repeat(10_000) } }));
    expect(long.length).toBeLessThan(2_200);
    expect(long.endsWith('…')).toBe(true);
  });

  it('is used for create_task, ask, comment and respond without a template, never for forward or over a template', () => {
    const c = ctx('github', 'issues.opened', fixture('github', 'issues.opened'));
    for (const action of ['create_task', 'ask', 'comment', 'respond'] as const) expect(commandText({ action }, c).text).toMatch(/^GitHub issues\.opened/);
    expect(commandText({ action: 'forward' }, c).text).toBe('');
    expect(commandText({ action: 'create_task', template: 'T: {{issue.number}}' }, c).text).toBe('T: 1');
  });
});
