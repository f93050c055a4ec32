/**
 * The dashboard figures the summary report (reports.ts) does not give: the Pareto of equipment,
 * downtime by line and type, cases by line × shift, and open cases by age. Read from `cases` with
 * the same filters (opened in [from, to), type, line, shift).
 */
import type { Knex } from 'knex';
import { ACTIVE_STATUSES, type ExceptionType } from '../domain/model.js';
import type { Db } from './index.js';
import { round, type ParetoRow } from './report-queries.js';

export interface DashboardFilters {
  from: Date;
  to: Date;
  type?: ExceptionType | null;
  line?: string | null;
  shift?: string | null;
}

function filtered(db: Db, f: DashboardFilters): Knex.QueryBuilder {
  const q = db('cases').where('opened_at', '>=', f.from).where('opened_at', '<', f.to);
  if (f.type) q.where('type', f.type);
  if (f.line) q.where('line', f.line);
  if (f.shift) q.where('shift', f.shift);
  return q;
}

/** Equipment faults by equipment id, most first, with the running share. */
export async function equipmentPareto(db: Db, f: DashboardFilters): Promise<ParetoRow[]> {
  const rows = await filtered(db, f)
    .where('type', 'equipment_fault')
    .whereRaw(`details->>'equipmentId' is not null`)
    .groupByRaw(`details->>'equipmentId'`)
    .orderByRaw('count(*) desc, 1')
    .select<Array<{ key: string; n: number }>>(
      db.raw(`details->>'equipmentId' as key`),
      db.raw('count(*)::integer as n'),
    );
  const total = rows.reduce((a, r) => a + r.n, 0);
  let running = 0;
  return rows.map((r) => {
    running += r.n;
    return {
      reasonCode: r.key,
      count: r.n,
      percent: round((100 * r.n) / total, 4),
      cumulativePercent: round((100 * running) / total, 4),
    };
  });
}

/** Downtime minutes (as recorded at close) per line and type; lines in code order. */
export async function downtimeByLineAndType(
  db: Db,
  f: DashboardFilters,
): Promise<Array<{ line: string; type: ExceptionType; minutes: number; cases: number }>> {
  const rows = await filtered(db, f)
    .groupBy('line', 'type')
    .having(db.raw('coalesce(sum(downtime_minutes), 0) > 0'))
    .orderBy(['line', 'type'])
    .select<Array<{ line: string; type: ExceptionType; minutes: string; n: number }>>(
      'line',
      'type',
      db.raw('coalesce(sum(downtime_minutes), 0)::bigint as minutes'),
      db.raw('count(downtime_minutes)::integer as n'),
    );
  return rows.map((r) => ({ line: r.line, type: r.type, minutes: Number(r.minutes), cases: r.n }));
}

/** How many cases opened per line and shift ('' for cases opened outside any shift). */
export async function casesByLineAndShift(
  db: Db,
  f: DashboardFilters,
): Promise<Array<{ line: string; shift: string; cases: number }>> {
  const rows = await filtered(db, f)
    .groupByRaw(`line, coalesce(shift, '')`)
    .orderByRaw('1, 2')
    .select<Array<{ line: string; shift: string; n: number }>>(
      'line',
      db.raw(`coalesce(shift, '') as shift`),
      db.raw('count(*)::integer as n'),
    );
  return rows.map((r) => ({ line: r.line, shift: r.shift, cases: r.n }));
}

/** Age buckets of the cases still open now, upper bounds in hours (the last is open-ended). */
export const AGE_BUCKETS_HOURS = [1, 4, 8, 24, 72, 168] as const;

/** Active cases now (not filtered by period), by age bucket: index i = under AGE_BUCKETS_HOURS[i]. */
export async function openCasesByAge(
  db: Db,
  f: Omit<DashboardFilters, 'from' | 'to'>,
  now: Date,
): Promise<number[]> {
  const q = db('cases').whereIn('status', [...ACTIVE_STATUSES]);
  if (f.type) q.where('type', f.type);
  if (f.line) q.where('line', f.line);
  if (f.shift) q.where('shift', f.shift);
  const rows = await q
    .groupByRaw('1')
    .select<Array<{ bucket: number; n: number }>>(
      db.raw(
        `width_bucket(extract(epoch from (?::timestamptz - opened_at)) / 3600, ?::float8[])::integer as bucket`,
        [now, `{${AGE_BUCKETS_HOURS.join(',')}}`],
      ),
      db.raw('count(*)::integer as n'),
    );
  const counts: number[] = Array.from({ length: AGE_BUCKETS_HOURS.length + 1 }, () => 0);
  for (const r of rows) counts[Math.max(0, Math.min(counts.length - 1, r.bucket))]! += r.n;
  return counts;
}

/** The shifts and lines seen on cases, for the dashboard's filter lists. */
export async function filterChoices(db: Db): Promise<{ lines: string[]; shifts: string[] }> {
  const [lines, shifts] = await Promise.all([
    db('cases').distinct<Array<{ line: string }>>('line').orderBy('line').limit(500),
    db('cases').whereNotNull('shift').distinct<Array<{ shift: string }>>('shift').orderBy('shift').limit(100),
  ]);
  return { lines: lines.map((r) => r.line), shifts: shifts.map((r) => r.shift) };
}
