import type { Clock } from './clock';

/**
 * Caches lookups per Lambda container for `ttlMs`, including misses (so a flood of requests for
 * an unknown id costs one read per TTL), and shares one in-flight read between concurrent callers.
 */
export function cachedLoader<T>(load: (id: string) => Promise<T | null>, ttlMs: number, clock: Clock): (id: string) => Promise<T | null> {
  const cache = new Map<string, { at: number; value: Promise<T | null> }>();
  return (id) => {
    const now = clock.now().getTime();
    const hit = cache.get(id);
    if (hit && now - hit.at < ttlMs) return hit.value;
    const value = load(id);
    cache.set(id, { at: now, value });
    // A failed read is not cached: the next request tries again.
    value.catch(() => cache.delete(id));
    if (cache.size > 10_000) cache.delete(cache.keys().next().value as string);
    return value;
  };
}
