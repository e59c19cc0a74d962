/** Display helpers: times as "3 min ago" with the exact UTC time beside, ids shortened. */
const UNITS: [number, Intl.RelativeTimeFormatUnit][] = [
  [60, 'second'],
  [60, 'minute'],
  [24, 'hour'],
  [30, 'day'],
  [12, 'month'],
  [Infinity, 'year'],
];
const rtf = typeof Intl !== 'undefined' ? new Intl.RelativeTimeFormat('en', { numeric: 'auto' }) : undefined;

/** "3 minutes ago" for an ISO time. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  let v = (new Date(iso).getTime() - now) / 1000;
  if (Number.isNaN(v)) return iso;
  for (const [size, unit] of UNITS) {
    if (Math.abs(v) < size) return rtf ? rtf.format(Math.round(v), unit) : iso;
    v /= size;
  }
  return iso;
}

/** `2026-12-01 09:03:04 UTC` */
export function utc(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function ms(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  return n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(2)} s`;
}

export function pct(n: number | null | undefined): string {
  return n === null || n === undefined ? '–' : `${(n * 100).toFixed(n === 1 ? 0 : 1)} %`;
}
