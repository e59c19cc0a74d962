import { ValidationError, VersionMismatchError, type ErrorDetail } from '../errors';
import type { EventTypeInput, EventTypeRecord } from '../model/event-type';
import type { Actor, OutboundDeps } from '../ports';
import { recordAudit } from './audit';

type Ajv = import('ajv/dist/2020').default;
type ValidateFn = import('ajv').ValidateFunction;
type AjvError = import('ajv').ErrorObject;

// ajv is imported on first use only (registering a type, or publishing a type with a schema), so
// every other API request's cold start does not load it.
let ajv: Promise<Ajv> | undefined;
function loadAjv(): Promise<Ajv> {
  ajv ??= import('ajv/dist/2020').then((m) => {
    const Ctor = (m.default ?? m) as unknown as new (o: object) => Ajv;
    return new Ctor({ allErrors: true, strict: false, validateFormats: false });
  });
  return ajv;
}

/** Compiled validators by `type@version`: each schema version is compiled once per container. */
const compiled = new Map<string, ValidateFn>();

/** `/a/0/b` under `prefix` → `prefix.a.0.b`, and a missing required property named. */
function detail(prefix: string, e: AjvError): ErrorDetail {
  const parts = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const missing = (e.params as { missingProperty?: string }).missingProperty;
  if (missing !== undefined) parts.push(missing);
  return { path: [prefix, ...parts].join('.'), message: e.message ?? 'is invalid' };
}

async function validator(t: Pick<EventTypeRecord, 'type' | 'version' | 'schema'>): Promise<ValidateFn> {
  const key = `${t.type}@${t.version}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const a = await loadAjv();
  if (!a.validateSchema(t.schema!)) throw new ValidationError('The schema is not a valid JSON Schema (draft 2020-12).', (a.errors ?? []).map((e) => detail('schema', e)));
  let fn: ValidateFn;
  try {
    fn = a.compile(t.schema!);
  } catch (err) {
    throw new ValidationError('The schema cannot be compiled.', [{ path: 'schema', message: (err as Error).message }]);
  }
  compiled.set(key, fn);
  return fn;
}

/** `PUT /api/event-types/{type}`: registers (or replaces) a type; the schema is checked as a schema and the example against it. */
export async function registerEventType(deps: Pick<OutboundDeps, 'eventTypes' | 'audit' | 'clock' | 'ids'>, actor: Actor, type: string, input: EventTypeInput, ifMatch?: number): Promise<EventTypeRecord> {
  const before = await deps.eventTypes.get(type);
  if (ifMatch !== undefined && ifMatch !== (before?.version ?? 0)) throw new VersionMismatchError(ifMatch, before?.version);
  const now = deps.clock.now().toISOString();
  const after: EventTypeRecord = {
    type,
    description: input.description,
    ...(input.schema !== undefined ? { schema: input.schema } : {}),
    ...(input.example !== undefined ? { example: input.example } : {}),
    created_at: before?.created_at ?? now,
    updated_at: now,
    version: (before?.version ?? 0) + 1,
  };
  if (after.schema) {
    const fn = await validator(after);
    if (after.example !== undefined && !fn(after.example)) throw new ValidationError('The example does not match the schema.', (fn.errors ?? []).map((e) => detail('example', e)));
  }
  await deps.eventTypes.put(after, before?.version ?? null);
  await recordAudit(deps, actor, before ? 'event_type.update' : 'event_type.create', { type: 'event_type', id: type }, before, after);
  return after;
}

/**
 * Before anything is stored: `data` against the type's schema (400 with each error's path under
 * `data`), and with `strict` a type neither built in nor registered is refused (400 at `type`).
 */
export async function checkPublishedData(deps: Pick<OutboundDeps, 'eventType' | 'strictEventTypes'>, type: string, data: unknown, builtIn: (type: string) => boolean): Promise<void> {
  const t = await deps.eventType(type);
  if (!t) {
    if (deps.strictEventTypes && !builtIn(type))
      throw new ValidationError('Unknown event type.', [{ path: 'type', message: `"${type}" is not registered (PUT /api/event-types/${type}); HOOKLINE_STRICT_EVENT_TYPES is on` }]);
    return;
  }
  if (!t.schema) return;
  const fn = await validator(t);
  if (!fn(data ?? null)) throw new ValidationError(`The data does not match the schema of ${type}.`, (fn.errors ?? []).map((e) => detail('data', e)));
}
