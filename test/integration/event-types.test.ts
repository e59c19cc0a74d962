import { startTestStack } from '../support/in-process-stack';

// The typed event catalog through the in-process local stack: registration with schema checks,
// the merged list, and published data validated before anything is stored.
type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
const put = (type: string, body: unknown, headers: Record<string, string> = {}) => s.admin(`/api/event-types/${type}`, { method: 'PUT', headers, body: JSON.stringify(body) });
const publish = (body: unknown) => s.admin('/api/events', { method: 'POST', body: JSON.stringify(body) });
const paths = async (r: Response) => ((await r.json()) as any).error.details.map((d: { path: string }) => d.path);

const schema = { type: 'object', required: ['order_id', 'amount'], properties: { order_id: { type: 'string' }, amount: { type: 'number', minimum: 0 }, items: { type: 'array', items: { type: 'object', required: ['sku'] } } } };

beforeAll(async () => {
  s = await startTestStack({ pauseConsumers: true });
});
afterAll(() => s?.stop());

describe('event types', () => {
  it('are registered with a schema checked as a JSON Schema 2020-12 and an example checked against it', async () => {
    const badSchema = await put('order.paid', { description: 'x', schema: { type: 'objekt' } });
    expect(badSchema.status).toBe(400);
    expect((await paths(badSchema))[0]).toMatch(/^schema/);
    const badExample = await put('order.paid', { description: 'x', schema, example: { order_id: 7 } });
    expect(badExample.status).toBe(400);
    expect((await paths(badExample)).sort()).toEqual(['example.amount', 'example.order_id']);

    const ok = await put('order.paid', { description: 'An order was paid', schema, example: { order_id: 'o1', amount: 3 } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"1"');
    expect(await ok.json()).toMatchObject({ type: 'order.paid', source: 'registered', version: 1, schema });
    expect((await put('order.paid', { description: 'again', schema }, { 'if-match': '"5"' })).status).toBe(412);
    expect((await put('order.paid', { description: 'An order was paid', schema, example: { order_id: 'o1', amount: 3 } }, { 'if-match': '"1"' })).status).toBe(200);
  });

  it('are listed with their schemas after the built-in types', async () => {
    const list = (await (await s.admin('/api/event-types')).json()) as any;
    const mine = list.items.find((t: { type: string }) => t.type === 'order.paid');
    expect(mine).toMatchObject({ source: 'registered', schema, example: { order_id: 'o1', amount: 3 }, version: 2 });
    expect(list.items.some((t: { type: string; source: string }) => t.type === 'hookline.test' && t.source === 'hookline')).toBe(true);
  });

  it('validate published data before anything is stored: 400 with each error path under data', async () => {
    const bad = await publish({ id: 'bad-1', type: 'order.paid', data: { order_id: 1, amount: -1, items: [{}] } });
    expect(bad.status).toBe(400);
    expect((await paths(bad)).sort()).toEqual(['data.amount', 'data.items.0.sku', 'data.order_id']);
    // Nothing was stored under the id: the same id with good data is a first publish.
    const good = await publish({ id: 'bad-1', type: 'order.paid', data: { order_id: 'o2', amount: 1 } });
    expect(good.status).toBe(202);
    // Unknown types are accepted (HOOKLINE_STRICT_EVENT_TYPES is off).
    expect((await publish({ type: 'never.registered', data: { anything: true } })).status).toBe(202);
  });
});
