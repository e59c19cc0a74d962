import { senderOf } from '../../../shared/commands/sender';
import { edit, fixture, githubExample } from './payloads';

describe('senderOf: who caused the event', () => {
  it.each([
    ['github', fixture('github', 'issues.opened'), 'Codertocat'],
    ['github', githubExample('issue_comment', 'created'), 'Codertocat'],
    ['slack', fixture('slack', 'message.channels'), 'U2147483697'],
    ['slack', fixture('slack', 'slash_command'), 'Steve'],
    ['slack', fixture('slack', 'block_actions'), 'jtorrance'],
    ['gitlab', fixture('gitlab', 'issue.open'), 'zoe'],
    ['gitlab', fixture('gitlab', 'push'), undefined],
    ['jira', fixture('jira', 'jira-issue_created'), 'Søren Kierkegaard'],
    ['jira', fixture('jira', 'comment_created'), 'Søren Kierkegaard'],
    ['sentry', fixture('sentry', 'issue.created'), 'Sentry'],
    ['sentry', fixture('sentry', 'installation.created'), 'Renée'],
    ['linear', fixture('linear', 'Issue.create'), 'Zoë Ångström'],
    ['stripe', fixture('stripe', 'invoice.paid'), undefined],
    ['shopify', fixture('shopify', 'orders-create'), undefined],
    ['custom', { sender: 'someone' }, undefined],
  ])('%s → %s', (provider, payload, expected) => {
    expect(senderOf(provider, payload)).toBe(expected);
  });

  it('takes a Slack bot post by its bot id when it has no user', () => {
    const botPost = edit(fixture('slack', 'message.channels'), (p) => {
      delete p.event.user;
      p.event.bot_id = 'B0HOOKLINE';
    });
    expect(senderOf('slack', botPost)).toBe('B0HOOKLINE');
  });

  it('takes the GitLab push author from user_username', () => {
    expect(senderOf('gitlab', edit(fixture('gitlab', 'push'), (p) => (p.user_username = 'jmueller')))).toBe('jmueller');
  });

  it('is undefined for payloads that are not objects', () => {
    expect(senderOf('github', 'text')).toBeUndefined();
    expect(senderOf('github', null)).toBeUndefined();
  });
});
