/**
 * `time_window` of subscription filters (the outbound design's form): `{start_hour, end_hour,
 * timezone}`, hours of the wall clock in an IANA time zone, the end exclusive; a window whose
 * start is after its end wraps midnight (`22` to `6`); `0` to `24` is the whole day.
 */
export interface TimeWindow {
  start_hour: number;
  end_hour: number;
  timezone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** A cached hour formatter for an IANA zone, or null when Intl does not know the zone. */
function formatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' });
    } catch {
      f = null;
    }
    // Zones are few and configs name them; the bound only keeps odd input from growing the map.
    if (formatters.size < 1000) formatters.set(zone, f);
  }
  return f;
}

/** True when Intl knows `zone` (`UTC`, `Europe/Berlin`, `America/New_York`). */
export function isTimeZone(zone: string): boolean {
  return formatter(zone) !== null;
}

let last = { zone: '', ms: NaN, hour: NaN };

/** The hour (0-23) of `at` on the wall clock of `zone`, or NaN for an unknown zone. */
export function hourIn(zone: string, at: Date): number {
  const ms = at.getTime();
  // One published event is judged by every subscription in turn: remember the last answer
  // (formatToParts costs a few microseconds).
  if (last.ms === ms && last.zone === zone) return last.hour;
  const f = formatter(zone);
  if (!f || Number.isNaN(ms)) return NaN;
  const part = f.formatToParts(at).find((p) => p.type === 'hour');
  const hour = part ? Number(part.value) % 24 : NaN;
  last = { zone, ms, hour };
  return hour;
}

/** Whether `hour` lies in [start, end), wrapping midnight when start > end. */
export function hourInWindow(hour: number, w: Pick<TimeWindow, 'start_hour' | 'end_hour'>): boolean {
  if (w.start_hour < w.end_hour) return hour >= w.start_hour && hour < w.end_hour;
  return hour >= w.start_hour || hour < w.end_hour;
}
