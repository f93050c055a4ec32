/**
 * Shifts of the plant day. The default pattern is three 8-hour shifts — A 06:00–14:00,
 * B 14:00–22:00, C 22:00–06:00 — in the plant's time zone. Cases and reports are grouped by it.
 */
export interface ShiftPattern {
  /** Shift names with their start hour (0–23), in order through the day. */
  shifts: Array<{ name: string; startHour: number }>;
}

export const DEFAULT_SHIFTS: ShiftPattern = {
  shifts: [
    { name: 'A', startHour: 6 },
    { name: 'B', startHour: 14 },
    { name: 'C', startHour: 22 },
  ],
};

/** The local hour of `at` in the IANA time zone `timeZone`. */
export function localHour(at: Date, timeZone: string): number {
  const hour = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone }).format(at);
  return Number.parseInt(hour, 10);
}

/** The shift running at `at`. */
export function shiftAt(at: Date, timeZone = 'UTC', pattern: ShiftPattern = DEFAULT_SHIFTS): string {
  const hour = localHour(at, timeZone);
  const sorted = [...pattern.shifts].sort((a, b) => a.startHour - b.startHour);
  // The last shift starting at or before this hour; before the first start, the day's last shift runs on.
  const running = [...sorted].reverse().find((s) => s.startHour <= hour) ?? sorted[sorted.length - 1];
  if (!running) throw new Error('a shift pattern needs at least one shift');
  return running.name;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
