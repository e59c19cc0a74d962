const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Milliseconds since the epoch of an ISO 8601 date or date-time (also GitLab's
 * `2026-11-23 11:58:02 UTC` and Jira's `+0100` offsets), or NaN. No zone means UTC, so the result
 * never depends on the machine's time zone.
 */
export function parseTimestamp(s: string): number {
  const m = ISO_TIME.exec(s);
  if (!m) return NaN;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone = 'Z'] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) return NaN;
  let ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(sec), Number(frac.padEnd(3, '0').slice(0, 3)));
  if (!/^(z|utc)$/i.test(zone)) {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
  }
  return ms;
}
