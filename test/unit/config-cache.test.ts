import { cachedLoader } from '../../shared/config-cache';
import { retryDelaySeconds } from '../../functions/consumer/handler';

describe('cachedLoader', () => {
  it('reads once per TTL, caches misses, and retries after a failure', async () => {
    let t = 0;
    let reads = 0;
    let fail = false;
    const load = cachedLoader(
      async (id) => {
        reads++;
        if (fail) throw new Error('down');
        return id === 'known' ? { id } : null;
      },
      1000,
      { now: () => new Date(t) },
    );
    await Promise.all([load('known'), load('known')]);
    expect(reads).toBe(1);
    expect(await load('unknown')).toBeNull();
    expect(await load('unknown')).toBeNull();
    expect(reads).toBe(2);
    t = 1001;
    fail = true;
    await expect(load('known')).rejects.toThrow('down');
    fail = false;
    expect(await load('known')).toEqual({ id: 'known' });
    expect(reads).toBe(4);
  });
});

describe('retryDelaySeconds', () => {
  it('doubles from 10 s and caps at 15 minutes', () => {
    expect([1, 2, 3, 4].map(retryDelaySeconds)).toEqual([10, 20, 40, 80]);
    expect(retryDelaySeconds(20)).toBe(900);
  });
});
