/** Plant-clock arithmetic: instants ↔ wall-clock times in an IANA time zone (DST-safe). */

/** Offset of `timeZone` from UTC at `instant` (ms since epoch), in ms. */
export function zoneOffsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return local - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall-clock time in `timeZone` stands for: `YYYY-MM-DD` (local midnight) or
 * `YYYY-MM-DDTHH:mm[:ss]`. Null when it is not such a string.
 */
export function localToInstant(local: string, timeZone: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/.test(local)) return null;
  const guess = Date.parse(`${local.length === 10 ? `${local}T00:00:00` : local}Z`);
  if (Number.isNaN(guess)) return null;
  // Two passes: the offset at the first estimate may differ (DST) from the one at the answer.
  const first = guess - zoneOffsetMs(guess, timeZone);
  return new Date(guess - zoneOffsetMs(first, timeZone));
}

/** An instant as a plant-clock timestamp, e.g. 2026-11-24 14:05:09. */
export function formatLocal(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}
