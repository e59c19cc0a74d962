import { authenticate, bearerToken, sha256Hex } from '../../shared/usecases/api-keys';
import type { ApiKeyRecord } from '../../shared/model/api-key';
import { hasScope } from '../../shared/model/api-key';

const key = 'hk_abcdefghij012345_' + 'A'.repeat(43);
const rec: ApiKeyRecord = { key_id: 'key_abcdefghij012345', name: 'ci', scopes: ['read'], key_hash: sha256Hex(key), key_last4: 'AAAA', created_at: '', created_by: 'admin' };
const store = { get: async (id: string) => (id === rec.key_id ? rec : null) };
const now = new Date('2026-12-01T12:00:00.000Z');

describe('API key authentication', () => {
  it('resolves a generated key by its embedded id and hash', async () => {
    expect(await authenticate(store, undefined, key, now)).toEqual({ key_id: rec.key_id, name: 'ci', scopes: ['read'] });
  });
  it('refuses a key whose secret part differs', async () => {
    expect(await authenticate(store, undefined, key.slice(0, -1) + 'B', now)).toBeNull();
  });
  it('accepts the admin key only when it matches', async () => {
    expect(await authenticate(store, 'admin-key-0123456789', 'admin-key-0123456789', now)).toMatchObject({ key_id: 'key_admin', scopes: ['admin'] });
    expect(await authenticate(store, 'admin-key-0123456789', 'admin-key-012345678X', now)).toBeNull();
    expect(await authenticate(store, undefined, 'anything', now)).toBeNull();
  });
  it('resolves a portal token until its expires_at and answers expired from that instant on (a wrong secret stays a plain refusal)', async () => {
    const portal = { ...rec, kind: 'portal' as const, tenant_id: 'acme', scopes: ['read', 'write'] as ApiKeyRecord['scopes'], expires_at: '2026-12-01T12:00:00.000Z' };
    const portalStore = { get: async () => portal };
    expect(await authenticate(portalStore, undefined, key, new Date('2026-12-01T11:59:59.999Z'))).toEqual({ key_id: rec.key_id, name: 'ci', scopes: ['read', 'write'], tenant_id: 'acme' });
    expect(await authenticate(portalStore, undefined, key, new Date('2026-12-01T12:00:00.000Z'))).toBe('expired');
    expect(await authenticate(portalStore, undefined, key.slice(0, -1) + 'B', new Date('2026-12-01T13:00:00.000Z'))).toBeNull();
  });
  it('reads Bearer tokens only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
  it('lets admin do anything and write imply read', () => {
    expect(hasScope({ key_id: 'k', name: 'n', scopes: ['admin'] }, 'agent')).toBe(true);
    expect(hasScope({ key_id: 'k', name: 'n', scopes: ['write'] }, 'read')).toBe(true);
    expect(hasScope({ key_id: 'k', name: 'n', scopes: ['read'] }, 'write')).toBe(false);
  });
});
