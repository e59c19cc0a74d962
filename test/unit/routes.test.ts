import { operations } from '../../functions/api/operations';
import { openApiDocument } from '../../shared/openapi';
import { matchRoute, routeKey, routes } from '../../shared/routes';
import { functions } from '../../shared/resources';

describe('route table', () => {
  it('has unique route keys and operations', () => {
    expect(new Set(routes.map(routeKey)).size).toBe(routes.length);
    expect(new Set(routes.map((r) => r.operation)).size).toBe(routes.length);
  });

  it('implements every api operation and nothing else', () => {
    const apiOps = routes.filter((r) => r.fn === 'api').map((r) => r.operation).sort();
    expect(Object.keys(operations).sort()).toEqual(apiOps);
  });

  it('names only functions of the manifest', () => {
    for (const r of routes) expect(Object.keys(functions)).toContain(r.fn);
  });

  it('picks literal routes over parameters and the greedy catch-all last', () => {
    expect(matchRoute(routes, 'GET', '/api/openapi.json')?.route.operation).toBe('getOpenApi');
    expect(matchRoute(routes, 'GET', '/api/webhooks/gh-1')).toMatchObject({ route: { operation: 'getWebhook' }, params: { id: 'gh-1' } });
    expect(matchRoute(routes, 'POST', '/api/webhooks/gh-1/enable')?.route.operation).toBe('enableWebhook');
    expect(matchRoute(routes, 'GET', '/api/nope/x')?.route.operation).toBe('notFound');
    expect(matchRoute(routes, 'PATCH', '/api/webhooks')?.route.operation).toBe('notFound');
    expect(matchRoute(routes, 'POST', '/webhooks/github/x')).toMatchObject({ route: { fn: 'receiver' }, params: { provider: 'github', webhook_id: 'x' } });
    expect(matchRoute(routes, 'GET', '/elsewhere')).toBeNull();
  });
});

describe('OpenAPI document', () => {
  const doc = openApiDocument(routes, { version: 'test' }) as { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };
  const resolve = (s: any) => (s.$ref ? doc.components.schemas[s.$ref.split('/').pop()] : s);

  it('covers every route of the route table except the catch-all', () => {
    for (const r of routes.filter((x) => x.method !== 'ANY')) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op).toBeDefined();
      expect(op.operationId).toBe(r.operation);
      expect(op.responses[String(r.success.status)]).toBeDefined();
    }
  });

  it('documents request bodies and auth errors from the same schemas', () => {
    const create = doc.paths['/api/webhooks'].post;
    const schema = resolve(create.requestBody.content['application/json'].schema);
    expect(schema.properties.provider.enum).toContain('github');
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'provider']));
    expect(create.responses['401']).toBeDefined();
    expect(create.responses['400']).toBeDefined();
  });

  it('gives every request body an example that its own schema accepts, and every error an example', () => {
    for (const r of routes.filter((x) => x.body)) {
      const content = doc.paths[r.path][r.method.toLowerCase()].requestBody.content['application/json'];
      expect([r.operation, content.example !== undefined]).toEqual([r.operation, true]);
      expect([r.operation, r.body!.safeParse(content.example).success]).toEqual([r.operation, true]);
    }
    for (const [, methods] of Object.entries(doc.paths))
      for (const [, op] of Object.entries(methods)) for (const [code, res] of Object.entries(op.responses as Record<string, any>)) if (Number(code) >= 400) expect(res.content['application/json'].example.error.code).toEqual(expect.any(String));
  });

  it('resolves every $ref to a component', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(5);
    for (const r of refs) expect(doc.components.schemas[r]).toBeDefined();
  });
});
