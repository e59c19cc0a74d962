import { cachedLoader } from '../../shared/config-cache';
import { consumerRetrySeconds as retryDelaySeconds } from '../../shared/usecases/process-events';

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

describe('cachedLoader.reload (before refusing on a cached config)', () => {
  function setup() {
    let t = 10_000;
    let reads = 0;
    let version = 1;
    const slept: number[] = [];
    const load = cachedLoader(
      async () => {
        reads++;
        return { version };
      },
      5_000,
      { now: () => new Date(t) },
      {
        sleep: async (ms) => {
          slept.push(ms);
          t += ms;
        },
      },
    );
    return { load, reads: () => reads, change: () => version++, advance: (ms: number) => (t += ms), now: () => t, slept };
  }

  it('returns the cached value when it was read after the request arrived', async () => {
    const c = setup();
    const arrived = c.now();
    await c.load('w');
    expect(await c.load.reload('w', arrived)).toEqual({ version: 1 });
    expect(c.reads()).toBe(1);
  });

  it('reads again when the cached value is older than the request, so a change is seen at once', async () => {
    const c = setup();
    await c.load('w');
    c.advance(1_500);
    c.change();
    expect(await c.load.reload('w', c.now())).toEqual({ version: 2 });
    expect(c.reads()).toBe(2);
    expect(c.slept).toEqual([]);
  });

  it('makes a flood of refused requests cost one shared read, no sooner than a second after the last', async () => {
    const c = setup();
    await c.load('w');
    c.advance(200);
    c.change();
    const arrived = c.now();
    const all = await Promise.all(Array.from({ length: 100 }, () => c.load.reload('w', arrived)));
    expect(all.every((v) => v?.version === 2)).toBe(true);
    expect(c.reads()).toBe(2);
    expect(c.slept).toEqual([800]);
  });
});

describe('retryDelaySeconds', () => {
  it('doubles from 10 s and caps at 15 minutes', () => {
    expect([1, 2, 3, 4].map(retryDelaySeconds)).toEqual([10, 20, 40, 80]);
    expect(retryDelaySeconds(20)).toBe(900);
  });
});
