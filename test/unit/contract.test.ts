import { contractProblems } from '../support/contract';

const sub = {
  subscription_id: 'sub_1',
  url: 'http://127.0.0.1:9/hook',
  events: ['*'],
  headers: {},
  retry_policy: { max_attempts: 8, initial_delay: 10, backoff_multiplier: 2, max_delay: 3600, retry_on_4xx: [408] },
  timeout_seconds: 15,
  enabled: true,
  paused: false,
  verified: false,
  secret: 'whsec_…abcd',
  created_at: '2026-11-23T12:00:00.000Z',
  updated_at: '2026-11-23T12:00:00.000Z',
  version: 1,
};
const h = (o: Record<string, string> = {}) => new Headers({ 'content-type': 'application/json', ...o });
const body = (v: unknown) => `${JSON.stringify(v)}\n`;

describe('the contract check every e2e answer goes through', () => {
  it('accepts an answer the document describes, failing_since included', () => {
    expect(contractProblems('GET', '/api/subscriptions/sub_1', 200, h({ etag: '"1"' }), body({ ...sub, failing_since: '2026-11-23T12:00:00.000Z' }))).toEqual([]);
    expect(contractProblems('DELETE', '/api/subscriptions/sub_1', 204, new Headers(), '')).toEqual([]);
    expect(contractProblems('GET', '/health', 200, h(), '{}')).toEqual([]);
  });

  it('refuses a field the schema does not name, a missing field, and a missing ETag', () => {
    expect(contractProblems('GET', '/api/subscriptions/sub_1', 200, h({ etag: '"1"' }), body({ ...sub, surprise: 1 })).join()).toMatch(/additional properties/);
    const { url: _u, ...noUrl } = sub;
    expect(contractProblems('GET', '/api/subscriptions/sub_1', 200, h({ etag: '"1"' }), body(noUrl)).join()).toMatch(/url/);
    expect(contractProblems('GET', '/api/subscriptions/sub_1', 200, h(), body(sub)).join()).toMatch(/ETag/);
  });

  it('refuses an undocumented status, a non-contract error body, and JSON without a final newline', () => {
    expect(contractProblems('GET', '/api/subscriptions/sub_1', 418, h(), body({})).join()).toMatch(/not documented/);
    expect(contractProblems('GET', '/api/subscriptions/sub_1', 404, h(), body({ message: 'Not Found' })).join()).toMatch(/error schema/);
    expect(contractProblems('GET', '/api/nope', 404, h(), body({ error: { code: 'not_found', message: 'x', details: [] } }))).toEqual([]);
    expect(contractProblems('GET', '/api/subscriptions/sub_1', 200, h({ etag: '"1"' }), JSON.stringify(sub)).join()).toMatch(/newline/);
  });
});
