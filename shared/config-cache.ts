import type { Clock } from './clock';

/** The longest any container may cache a config: a change that keeps deliveries out takes effect within this. */
export const MAX_CONFIG_CACHE_SECONDS = 5;

/** A per-container cache of lookups by id. */
export interface CachedLoader<T> {
  (id: string): Promise<T | null>;
  /**
   * The value as read at or after `notBefore` (epoch ms): the cached one if its read started
   * then or later, else a new read. Callers use it before refusing a request on a cached value
   * (a change may since have let the request in). Single-flight and rate-limited: at most one
   * read per id per `minIntervalMs`; a caller sooner than that waits for the next allowed read,
   * which every such caller shares. So a flood of requests that fail the check costs at most
   * one read per second, and none of them is refused on a config older than the request.
   */
  reload(id: string, notBefore: number): Promise<T | null>;
}

interface Entry<T> {
  /** When the read began (a change after it may be missing from the value). */
  at: number;
  value: Promise<T | null>;
  /** The next read, scheduled by reload(). */
  next?: Promise<T | null>;
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Caches lookups per Lambda container for `ttlMs`, including misses (so a flood of requests for
 * an unknown id costs one read per TTL), and shares one in-flight read between concurrent callers.
 */
export function cachedLoader<T>(
  load: (id: string) => Promise<T | null>,
  ttlMs: number,
  clock: Clock,
  { minIntervalMs = 1000, sleep = delay }: { minIntervalMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): CachedLoader<T> {
  const cache = new Map<string, Entry<T>>();
  const read = (id: string): Promise<T | null> => {
    const value = load(id);
    cache.set(id, { at: clock.now().getTime(), value });
    // A failed read is not cached: the next request tries again.
    value.catch(() => {
      if (cache.get(id)?.value === value) cache.delete(id);
    });
    if (cache.size > 10_000) cache.delete(cache.keys().next().value as string);
    return value;
  };
  const get = ((id: string) => {
    const hit = cache.get(id);
    if (hit && clock.now().getTime() - hit.at < ttlMs) return hit.value;
    return read(id);
  }) as CachedLoader<T>;
  get.reload = (id, notBefore) => {
    const hit = cache.get(id);
    if (!hit) return read(id);
    if (hit.at >= notBefore) return hit.value;
    if (hit.next) return hit.next;
    const wait = hit.at + minIntervalMs - clock.now().getTime();
    const next = (wait > 0 ? sleep(wait) : Promise.resolve()).then(() => read(id));
    hit.next = next;
    return next;
  };
  return get;
}
