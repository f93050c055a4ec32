/**
 * Which parts of a report's range the rollup serves: whole local days (as week or day cells) and
 * the partial days at the edges (raw `cases` rows). See reports.ts for the whole method.
 */
import type { GROUP_BYS, PERIODS } from '../domain/contracts/reports.js';
import type { ExceptionType } from '../domain/model.js';
import type { Db } from './index.js';

export type GroupBy = (typeof GROUP_BYS)[number];
export type Period = (typeof PERIODS)[number];

export interface SummaryFilters {
  /** Cases opened at or after this instant. */
  from?: Date | null;
  /** Cases opened before this instant (exclusive). */
  to?: Date | null;
  type?: ExceptionType | null;
  line?: string | null;
  /** Only cases of this shift (read from raw rows: the rollup is not kept per shift and line). */
  shift?: string | null;
  groupBy?: GroupBy;
  /** Bucket size when grouping by period (default day). */
  period?: Period;
  /** IANA time zone that days, weeks and months are counted in (default UTC). */
  timeZone?: string;
}

export interface Bounds {
  /** Whether rollup cells serve the whole days of the range. */
  use: boolean;
  /** Week cells [from, to) (Mondays) to read, if any. */
  weeks: [string, string] | null;
  /** Only weeks lying inside one month (grouping by month). */
  weeksInOneMonth: boolean;
  /** Day cells [from, to) to read. */
  days: Array<[string, string]>;
  /** Raw ranges [lo, hi) of opened_at to read from `cases` (partial days, or everything). */
  raw: Array<[string, string]>;
}

// Calendar dates as day numbers (1970-01-01 = 0, a Thursday): plain arithmetic, no time zone.
const dayNumber = (ymd: string): number => Date.parse(`${ymd}T00:00:00Z`) / 86_400_000;
const ymdOf = (n: number): string => new Date(n * 86_400_000).toISOString().slice(0, 10);
const mondayOnOrBefore = (n: number): number => n - ((((n + 3) % 7) + 7) % 7);
const mondayOnOrAfter = (n: number): number => mondayOnOrBefore(n + 6);

export interface RangeRow {
  f: string | null;
  t: string | null;
  /** First and last-plus-one whole day of [f, t) in the rollup's zone, and their first instants. */
  d1: string | null;
  d2: string | null;
  lo_ts: string | null;
  hi_ts: string | null;
  whole_days: boolean;
  same_zone: boolean;
  part_lo: boolean;
  part_hi: boolean;
}

/** The requested range against the rollup's days. An open end is closed at the first / last case. */
export async function rangeOf(db: Db, f: SummaryFilters): Promise<RangeRow> {
  const { rows } = await db.raw<{ rows: RangeRow[] }>(
    `with b0 as (
       select s.time_zone as rtz, lower(s.time_zone) = lower(?::text) as same_zone,
              coalesce(?::timestamptz, (select min(opened_at) from cases)) as f,
              coalesce(?::timestamptz, (select max(opened_at) + interval '1 microsecond' from cases)) as t
       from report_settings s
     ), b1 as (
       select b0.*,
         ((f at time zone rtz) + interval '1 day' - interval '1 microsecond')::date as d1,
         (t at time zone rtz)::date as d2
       from b0
     ), b2 as (
       select b1.*, d1::timestamp at time zone rtz as lo_ts, d2::timestamp at time zone rtz as hi_ts
       from b1
     )
     select f::text, t::text, d1::text, d2::text, lo_ts::text, hi_ts::text, same_zone,
            coalesce(d1 < d2, false) as whole_days,
            coalesce(f < lo_ts, false) as part_lo, coalesce(hi_ts < t, false) as part_hi
     from b2`,
    [f.timeZone ?? 'UTC', f.from ?? null, f.to ?? null],
  );
  const r = rows[0];
  if (!r) throw new Error('report_settings has no row: is migration 0004 applied?');
  return r;
}

/**
 * Splits the range into whole days of the rollup's zone, served by cells (whole ISO weeks by week
 * cells where the grouping allows, the rest by day cells), and the partial days at either end,
 * served by raw rows. Without a usable rollup (asked to scan, or grouping by period in a zone other
 * than the rollup's) all of it is raw.
 */
export function plan(r: RangeRow, groupBy: GroupBy, period: Period, scan: boolean): Bounds {
  const out: Bounds = { use: false, weeks: null, weeksInOneMonth: false, days: [], raw: [] };
  const { f: from, t: to, d1: day1, d2: day2, lo_ts: loTs, hi_ts: hiTs } = r;
  if (from === null || to === null) return out; // no cases at all
  const use =
    !scan && r.whole_days && (groupBy !== 'period' || r.same_zone) && day1 !== null && day2 !== null;
  if (!use || loTs === null || hiTs === null || day1 === null || day2 === null) {
    out.raw.push([from, to]);
    return out;
  }
  out.use = true;
  if (r.part_lo) out.raw.push([from, loTs]);
  if (r.part_hi) out.raw.push([hiTs, to]);

  const d1 = dayNumber(day1);
  const d2 = dayNumber(day2);
  const w1 = mondayOnOrAfter(d1);
  const w2 = mondayOnOrBefore(d2);
  if (w1 >= w2 || (groupBy === 'period' && period === 'day')) {
    out.days.push([day1, day2]);
    return out;
  }
  out.weeks = [ymdOf(w1), ymdOf(w2)];
  if (d1 < w1) out.days.push([day1, ymdOf(w1)]);
  if (w2 < d2) out.days.push([ymdOf(w2), day2]);
  if (groupBy === 'period' && period === 'month') {
    // a week across the first of a month belongs to two months: read its days instead
    out.weeksInOneMonth = true;
    for (let w = w1; w < w2; w += 7) {
      if (ymdOf(w).slice(0, 7) !== ymdOf(w + 6).slice(0, 7)) out.days.push([ymdOf(w), ymdOf(w + 7)]);
    }
  }
  return out;
}
