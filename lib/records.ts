/** `payloads` -> `Payloads`, `dead-letter_x` -> `DeadLetterX`: manifest names as construct ids and output names. */
export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/** `Object.entries` that keeps the manifest's key type (the manifest objects are closed literals). */
export function entries<K extends string, V>(record: Partial<Record<K, V>>): [K, V][] {
  return Object.entries(record).filter(([, v]) => v !== undefined) as [K, V][];
}

/** A record with the same keys as `record`, one computed value per key. */
export function mapValues<K extends string, V, R>(record: Record<K, V>, fn: (key: K, value: V) => R): Record<K, R> {
  return Object.fromEntries(entries<K, V>(record).map(([key, value]) => [key, fn(key, value)])) as Record<K, R>;
}
