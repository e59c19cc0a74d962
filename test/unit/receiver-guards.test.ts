import { TokenBuckets, ipAllowed } from '../../shared/receiver-guards';

describe('ipAllowed', () => {
  const list = ['192.0.2.0/24', '2001:db8::/32', '198.51.100.7'];
  it.each([
    ['192.0.2.10', true],
    ['192.0.3.1', false],
    ['198.51.100.7', true],
    ['198.51.100.8', false],
    ['2001:db8::1', true],
    ['2001:db9::1', false],
    ['::ffff:192.0.2.55', true],
    ['not-an-ip', false],
  ])('%s → %s', (ip, allowed) => {
    expect(ipAllowed(ip, list)).toBe(allowed);
  });
  it('refuses a missing source address', () => {
    expect(ipAllowed(undefined, list)).toBe(false);
  });
});

describe('TokenBuckets', () => {
  it('allows the burst, then refills at per_second, and says how long to wait', () => {
    let t = 0;
    const b = new TokenBuckets({ now: () => new Date(t) });
    const limit = { per_second: 2, burst: 3 };
    expect([b.take('w', limit), b.take('w', limit), b.take('w', limit)]).toEqual([null, null, null]);
    expect(b.take('w', limit)).toBe(1);
    t = 500;
    expect(b.take('w', limit)).toBeNull();
    expect(b.take('w', limit)).toBe(1);
    expect(b.take('other', limit)).toBeNull();
  });
});
