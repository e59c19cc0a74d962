// Defensive readers for untyped provider payloads: a missing or mistyped field reads as undefined.

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A string, or a finite number written as a string (ids arrive as either). */
export function id(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return str(v);
}

/** A positive integer, also from its decimal string. */
export function posInt(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Follows `a.b.c` through nested objects. */
export function at(v: unknown, ...path: string[]): unknown {
  let cur = v;
  for (const p of path) cur = obj(cur)?.[p];
  return cur;
}
