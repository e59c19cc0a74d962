import { receiverInput } from '../../shared/http/receiver-request';

const fnUrlEvent = (rawPath: string, method = 'POST') => ({ rawPath, body: '{}', isBase64Encoded: false, headers: { 'Content-Type': 'application/json' }, requestContext: { http: { method, sourceIp: '203.0.113.9' } } }) as never;

describe('the receiver request behind a Function URL (no path parameters)', () => {
  it('parses provider and webhook id from the path', () => {
    expect(receiverInput(fnUrlEvent('/webhooks/github/wh_1'))).toMatchObject({ provider: 'github', webhookId: 'wh_1', sourceIp: '203.0.113.9', headers: { 'content-type': 'application/json' } });
  });

  it('accepts the double slash of `<ReceiverFunctionUrl with its trailing slash>/webhooks/...`', () => {
    expect(receiverInput(fnUrlEvent('//webhooks/stripe/wh_2/'))).toMatchObject({ provider: 'stripe', webhookId: 'wh_2' });
  });

  it('answers 404 for other paths and methods', () => {
    expect(() => receiverInput(fnUrlEvent('/hooks/github/wh_1'))).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => receiverInput(fnUrlEvent('/webhooks/github/wh_1', 'GET'))).toThrow(expect.objectContaining({ status: 404 }));
  });
});
