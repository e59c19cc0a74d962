import { startTestStack } from '../support/in-process-stack';

describe('in-process stack', () => {
  it('answers health', async () => {
    const s = await startTestStack();
    try {
      const r = await fetch(`${s.url}/health`);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ status: 'ok' });
    } finally {
      await s.stop();
    }
  });
});
