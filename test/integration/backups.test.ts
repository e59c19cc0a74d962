import { sign } from '@octokit/webhooks-methods';
import { startTestStack } from '../support/in-process-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
beforeAll(async () => {
  s = await startTestStack({ pauseConsumers: true });
});
afterAll(() => s.stop());

const json = async (r: Response) => ({ status: r.status, body: (await r.json()) as any });

describe('config backups', () => {
  it('backs up every version without secrets, restores an old one, and brings back a deleted webhook with its secret', async () => {
    const created = await json(
      await s.admin('/api/webhooks', {
        method: 'POST',
        body: JSON.stringify({ webhook_id: 'bk', name: 'v1', provider: 'github', secret: 'backup-secret-123', reply: { token: 'ghp_secret_token', bot_user: 'bot' }, commands: [{ command_id: 'cmd_a', trigger: 'push', action: 'comment' }] }),
      }),
    );
    expect(created.status).toBe(201);
    await s.admin('/api/webhooks/bk', { method: 'PUT', body: JSON.stringify({ name: 'v2', provider: 'github', commands: [] }) });
    const backups = await json(await s.admin('/api/webhooks/bk/backups'));
    expect(backups.body.items.map((b: { version: number }) => b.version)).toEqual([2, 1]);

    const restored = await json(await s.admin('/api/webhooks/bk/restore', { method: 'POST', body: JSON.stringify({ version: 1 }) }));
    expect(restored).toMatchObject({ status: 200, body: { name: 'v1', version: 3, commands: [{ command_id: 'cmd_a' }] } });
    expect(restored.body.secret).toBe('…-123'); // masked: the secret is kept, not revealed

    expect((await s.admin('/api/webhooks/bk', { method: 'DELETE' })).status).toBe(204);
    const back = await json(await s.admin('/api/webhooks/bk/restore', { method: 'POST', body: JSON.stringify({ version: 2 }) }));
    expect(back).toMatchObject({ status: 200, body: { webhook_id: 'bk', name: 'v2' } });
    // The provider's signature still verifies: the secret survived the delete and the restore.
    const body = '{"action":"opened"}';
    const r = await fetch(`${s.url}/webhooks/github/bk`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': 'bk-1', 'x-hub-signature-256': await sign('backup-secret-123', body) },
      body,
    });
    expect(r.status).toBe(202);
    expect((await s.admin('/api/webhooks/bk/restore', { method: 'POST', body: JSON.stringify({ version: 99 }) })).status).toBe(404);
  });

  it('keeps secrets and tokens out of the backup objects', async () => {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const { s3Client } = await import('../../shared/adapters/aws/clients');
    await s.admin('/api/webhooks', { method: 'POST', body: JSON.stringify({ webhook_id: 'bk2', name: 'x', provider: 'github', secret: 'do-not-store-me', reply: { token: 'ghp_never_in_s3' } }) });
    const obj = await (await s3Client().load()).client.send(new GetObjectCommand({ Bucket: s.env.CONFIG_BUCKET, Key: 'backups/webhooks/bk2/00000001.json' }));
    const text = await obj.Body!.transformToString();
    expect(text).toContain('"webhook_id": "bk2"');
    expect(text).not.toContain('do-not-store-me');
    expect(text).not.toContain('ghp_never_in_s3');
  });
});
