/**
 * The OpenAPI document as integrators' tools see it: Redocly's linter (redocly.yaml, offline) finds
 * no error, and openapi-typescript generates types that a strict TypeScript client compiles against.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { openApiDocument } from '../../shared/openapi';
import { routes } from '../../shared/routes';

const root = join(__dirname, '..', '..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
const offline = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };

let dir: string;
let docFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hookline-openapi-'));
  docFile = join(dir, 'openapi.json');
  writeFileSync(docFile, JSON.stringify(openApiDocument(routes, { version: '0.0.0-test' }), null, 2));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('OpenAPI document and its tools', () => {
  it('passes redocly lint with the committed config: no errors, no warnings', () => {
    let out: string;
    try {
      out = execFileSync(bin('redocly'), ['lint', docFile, '--config', join(root, 'redocly.yaml'), '--format', 'stylish'], { env: offline, encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`redocly lint failed:\n${e.stdout}\n${e.stderr}`);
    }
    expect(out).not.toMatch(/\b(error|warning)\b/);
  });

  it('generates a typed client with openapi-typescript that compiles under tsc --strict', () => {
    const types = join(dir, 'hookline-api.d.ts');
    execFileSync(bin('openapi-typescript'), [docFile, '-o', types], { env: offline, stdio: 'pipe' });
    expect(statSync(types).size).toBeGreaterThan(10_000);
    const client = join(dir, 'client.ts');
    writeFileSync(
      client,
      `import type { paths, components } from './hookline-api';
declare function fetch(url: string, init: { headers: Record<string, string> }): Promise<{ json(): Promise<unknown> }>;
type Json<P extends keyof paths, M extends keyof paths[P], S extends number> =
  paths[P][M] extends { responses: infer R } ? (S extends keyof R ? (R[S] extends { content: { 'application/json': infer B } } ? B : never) : never) : never;
export async function listWebhookIds(base: string, key: string): Promise<string[]> {
  const res = await fetch(base + '/api/webhooks', { headers: { authorization: 'Bearer ' + key } });
  const page = (await res.json()) as Json<'/api/webhooks', 'get', 200>;
  return page.items.map((w) => w.webhook_id + ' ' + w.url);
}
export function attemptCodes(d: Json<'/api/deliveries/{delivery_id}', 'get', 200>): (number | null)[] {
  return d.attempts.map((a) => a.status_code);
}
export function rate(s: components['schemas']['SubscriptionStats']): number {
  return (s.success_rate ?? 0) + s.by_status.failed + (s.latency_ms.p95 ?? 0);
}
export function failingSince(s: components['schemas']['Subscription']): string | undefined {
  return s.failing_since;
}
export function message(e: components['schemas']['Error']): string {
  return e.error.message + e.error.details.map((d) => d.path).join(',');
}
`,
    );
    const program = ts.createProgram([client], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts'], skipLibCheck: false, types: [] });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });
});
