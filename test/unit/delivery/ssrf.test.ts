import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { checkUrl, classifyAddress, createSafeLookup, safeLookup, UnsafeTargetError, type Resolver } from '../../../shared/delivery/ssrf';

type Expect = 'public' | 'private' | 'forbidden';

/** The policy: public always allowed, private only with allowPrivate, forbidden never. */
const allowed = (kind: Expect, allowPrivate: boolean) => kind === 'public' || (kind === 'private' && allowPrivate);

function refusal(fn: () => unknown): UnsafeTargetError | null {
  try {
    fn();
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(UnsafeTargetError);
    return err as UnsafeTargetError;
  }
}

// Every notation of an address a URL can carry; WHATWG URL normalises the IPv4 ones to dotted decimal.
const urls: [string, string, Expect][] = [
  ['IPv4 loopback', 'http://127.0.0.1/', 'private'],
  ['IPv4 loopback, other /8 address', 'http://127.42.0.9:8080/x', 'private'],
  ['decimal IPv4', 'http://2130706433/', 'private'],
  ['hex IPv4', 'http://0x7f000001/', 'private'],
  ['octal IPv4', 'http://0177.0.0.1/', 'private'],
  ['short IPv4', 'http://127.1/', 'private'],
  ['mixed hex short IPv4', 'http://0x7f.1/', 'private'],
  ['percent-encoded IPv4', 'http://%31%32%37.0.0.1/', 'private'],
  ['10/8', 'http://10.0.0.5/', 'private'],
  ['172.16/12', 'https://172.31.255.1/', 'private'],
  ['192.168/16', 'http://192.168.1.1/', 'private'],
  ['CGNAT 100.64/10', 'http://100.64.0.1/', 'private'],
  ['benchmarking 198.18/15', 'http://198.18.0.1/', 'private'],
  ['IPv6 loopback', 'http://[::1]/', 'private'],
  ['IPv6 unique-local', 'http://[fd12:3456::1]/', 'private'],
  ['IPv4-mapped loopback, dotted', 'http://[::ffff:127.0.0.1]/', 'private'],
  ['IPv4-mapped loopback, hex', 'http://[::ffff:7f00:1]/', 'private'],
  ['IPv4-mapped private', 'http://[::ffff:10.1.2.3]/', 'private'],
  ['NAT64 of a private IPv4', 'http://[64:ff9b::10.0.0.1]/', 'private'],
  ['6to4 of loopback', 'http://[2002:7f00:1::1]/', 'private'],
  ['Teredo with a private client', 'http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/', 'private'], // client ~f5ff:fffe = 10.0.0.1
  ['localhost', 'http://localhost:3000/', 'private'],
  ['localhost upper case with a trailing dot', 'http://LOCALHOST./', 'private'],
  ['subdomain of localhost', 'http://x.localhost/', 'private'],
  ['*.internal', 'http://billing.internal/', 'private'],
  ['*.local (mDNS)', 'http://printer.local/', 'private'],
  ['single-label name', 'http://intranet/', 'private'],
  ['AWS/GCP metadata IPv4', 'http://169.254.169.254/latest/meta-data/', 'forbidden'],
  ['metadata IPv4 in decimal', 'http://2852039166/', 'forbidden'],
  ['AWS metadata IPv6', 'http://[fd00:ec2::254]/', 'forbidden'],
  ['IPv4-mapped metadata', 'http://[::ffff:169.254.169.254]/', 'forbidden'],
  ['NAT64 of metadata', 'http://[64:ff9b::a9fe:a9fe]/', 'forbidden'],
  ['ECS task metadata', 'http://169.254.170.2/v2/credentials', 'forbidden'],
  ['Alibaba metadata (inside CGNAT)', 'http://100.100.100.200/', 'forbidden'],
  ['GCP metadata name', 'http://metadata.google.internal/computeMetadata/v1/', 'forbidden'],
  ['GCP metadata short name', 'http://metadata/', 'forbidden'],
  ['IPv4 link-local', 'http://169.254.1.1/', 'forbidden'],
  ['IPv6 link-local', 'http://[fe80::1]/', 'forbidden'],
  ['0.0.0.0', 'http://0.0.0.0/', 'forbidden'],
  ['0 (short for 0.0.0.0)', 'http://0/', 'forbidden'],
  ['0/8', 'http://0.1.2.3/', 'forbidden'],
  ['IPv6 unspecified', 'http://[::]/', 'forbidden'],
  ['IPv4-compatible IPv6 (deprecated)', 'http://[::127.0.0.1]/', 'forbidden'],
  ['IPv4 multicast', 'http://224.0.0.1/', 'forbidden'],
  ['IPv6 multicast', 'http://[ff02::1]/', 'forbidden'],
  ['broadcast', 'http://255.255.255.255/', 'forbidden'],
  ['reserved 240/4', 'http://240.0.0.1/', 'forbidden'],
  ['documentation TEST-NET-1', 'http://192.0.2.1/', 'forbidden'],
  ['documentation IPv6', 'http://[2001:db8::1]/', 'forbidden'],
  ['public IPv4', 'https://93.184.216.34/hook', 'public'],
  ['public IPv4 in decimal', 'http://1572395042/', 'public'],
  ['public IPv6', 'https://[2606:2800:220:1:248:1893:25c8:1946]/', 'public'],
  ['IPv4-mapped public', 'http://[::ffff:93.184.216.34]/', 'public'],
  ['NAT64 of a public IPv4', 'http://[64:ff9b::93.184.216.34]/', 'public'],
  ['6to4 of a public IPv4', 'http://[2002:5db8:d822::1]/', 'public'],
  ['public host name', 'https://hooks.example.com/in', 'public'],
];

describe('checkUrl', () => {
  describe.each([false, true])('with allowPrivate=%s', (allowPrivate) => {
    it.each(urls)('%s (%s) is %s', (_what, url, kind) => {
      const err = refusal(() => checkUrl(url, { allowPrivate }));
      if (allowed(kind, allowPrivate)) expect(err).toBeNull();
      else {
        expect(err?.code).toBe('unsafe_target');
        expect(err?.status).toBe(400);
        expect(err?.retryable).toBe(false);
        expect(err?.reason).toBe(kind);
      }
    });
  });

  it('returns the parsed, normalised URL', () => {
    expect(checkUrl('http://2130706433:8080/a?b=1', { allowPrivate: true }).href).toBe('http://127.0.0.1:8080/a?b=1');
  });

  it('says how to allow a private target, and that a forbidden one is refused always', () => {
    expect(refusal(() => checkUrl('http://127.1/', { allowPrivate: false }))?.message).toMatch(/127\.0\.0\.1 is a loopback address.*ALLOW_PRIVATE_TARGETS=true/);
    expect(refusal(() => checkUrl('http://169.254.169.254/', { allowPrivate: true }))?.message).toMatch(/metadata endpoint.*always refused/);
  });

  it.each([
    ['ftp://example.com/', 'scheme'],
    ['file:///etc/passwd', 'scheme'],
    ['gopher://example.com/', 'scheme'],
    ['not a url', 'invalid_url'],
    ['/relative/path', 'invalid_url'],
    ['http://1.2.3.4.5/', 'invalid_url'],
    ['http://[fe80::1%25eth0]/', 'invalid_url'],
  ])('refuses %s (%s)', (url, reason) => {
    expect(refusal(() => checkUrl(url, { allowPrivate: true }))?.reason).toBe(reason);
  });

  it('refuses credentials in the URL without echoing them', () => {
    for (const url of ['https://user:hunter2@example.com/', 'https://:hunter2@example.com/', 'https://user@example.com/']) {
      const err = refusal(() => checkUrl(url, { allowPrivate: true }));
      expect(err?.reason).toBe('credentials');
      expect(err?.message).not.toContain('hunter2');
    }
  });
});

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'private'],
    ['::1', 'private'],
    ['fd00:ec2::254', 'forbidden'],
    ['::ffff:169.254.169.254', 'forbidden'],
    ['2002:a9fe:a9fe::', 'forbidden'], // 6to4 of the metadata address
    ['64:ff9b:1::a00:1', 'private'], // local-use NAT64 of 10.0.0.1
    ['64:ff9b:1::5db8:d822', 'private'], // local-use NAT64 of a public address: still a local translator
    ['64:ff9b:1::a9fe:a9fe', 'forbidden'], // local-use NAT64 of the metadata address
    ['fec0::1', 'private'],
    ['4000::1', 'forbidden'], // outside 2000::/3
    ['8.8.8.8', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['not-an-ip', 'forbidden'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address).kind).toBe(kind);
  });
});

function lookup(fn: LookupFunction, hostname: string, all: boolean): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    fn(hostname, { all }, (err, address, family) => {
      if (err) reject(err);
      else resolve(Array.isArray(address) ? address : [{ address, family: family ?? 0 }]);
    });
  });
}

/** A fake DNS: names map to address lists; nothing leaves the process. */
function fakeResolver(records: Record<string, string[]>): Resolver & jest.Mock {
  return jest.fn(async (hostname: string) => {
    const addrs = records[hostname];
    if (!addrs) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  });
}

describe('createSafeLookup', () => {
  const resolver = fakeResolver({
    'public.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'rebind.example.com': ['10.0.0.7'],
    'loopback.example.com': ['127.0.0.1'],
    'mixed.example.com': ['93.184.216.34', '127.0.0.1'],
    'metadata.example.com': ['169.254.169.254'],
    'mapped.example.com': ['::ffff:127.0.0.1'],
    'nat64.example.com': ['64:ff9b::a00:1'],
    'ec2v6.example.com': ['fd00:ec2::254'],
    'empty.example.com': [],
  });

  it.each([
    ['public.example.com', 'public'],
    ['rebind.example.com', 'private'],
    ['loopback.example.com', 'private'],
    ['mixed.example.com', 'private'],
    ['mapped.example.com', 'private'],
    ['nat64.example.com', 'private'],
    ['metadata.example.com', 'forbidden'],
    ['ec2v6.example.com', 'forbidden'],
  ] as [string, Expect][])('%s (resolving to a %s address)', async (hostname, kind) => {
    for (const allowPrivate of [false, true]) {
      const fn = createSafeLookup({ allowPrivate, resolver });
      for (const all of [false, true]) {
        const result = lookup(fn, hostname, all);
        if (allowed(kind, allowPrivate)) await expect(result).resolves.toEqual(expect.arrayContaining([expect.objectContaining({ family: expect.any(Number) })]));
        else await expect(result).rejects.toMatchObject({ name: 'UnsafeTargetError', code: 'unsafe_target', reason: kind });
      }
    }
  });

  it('returns every address with all: true and the first one otherwise', async () => {
    const fn = createSafeLookup({ allowPrivate: false, resolver });
    await expect(lookup(fn, 'public.example.com', true)).resolves.toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    ]);
    await expect(lookup(fn, 'public.example.com', false)).resolves.toEqual([{ address: '93.184.216.34', family: 4 }]);
  });

  it('names the resolved address when it refuses a DNS name', async () => {
    const fn = createSafeLookup({ allowPrivate: false, resolver });
    await expect(lookup(fn, 'rebind.example.com', false)).rejects.toThrow(/rebind\.example\.com resolves to 10\.0\.0\.7/);
  });

  it('refuses localhost-like names before resolving them', async () => {
    const r = fakeResolver({});
    await expect(lookup(createSafeLookup({ allowPrivate: false, resolver: r }), 'x.localhost', false)).rejects.toBeInstanceOf(UnsafeTargetError);
    await expect(lookup(createSafeLookup({ allowPrivate: true, resolver: r }), 'metadata.google.internal', false)).rejects.toBeInstanceOf(UnsafeTargetError);
    expect(r).not.toHaveBeenCalled();
  });

  it('passes resolver failures and empty answers through as lookup errors', async () => {
    const fn = createSafeLookup({ allowPrivate: false, resolver });
    await expect(lookup(fn, 'nowhere.example.com', false)).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(lookup(fn, 'empty.example.com', false)).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });

  it('asks the resolver for the family the socket wants', async () => {
    const r = fakeResolver({ 'public.example.com': ['93.184.216.34'] });
    await new Promise((done) => createSafeLookup({ allowPrivate: false, resolver: r })('public.example.com', { family: 4 }, done));
    expect(r).toHaveBeenCalledWith('public.example.com', { family: 4, hints: undefined });
  });

  it('safeLookup, the production default, refuses the real localhost through the system resolver', async () => {
    await expect(lookup(safeLookup, 'localhost', true)).rejects.toBeInstanceOf(UnsafeTargetError);
    const viaSystem = createSafeLookup({ allowPrivate: true });
    const addrs = await lookup(viaSystem, 'localhost', true);
    expect(addrs.length).toBeGreaterThan(0);
    for (const { address } of addrs) expect(classifyAddress(address).kind).toBe('private');
  });
});
