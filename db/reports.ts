/**
 * Supervisors' KPI reports and the live board.
 *
 * The summary reads the trigger-maintained rollup `case_report_cells` (migration 0004) for every
 * whole local day inside the requested range, and the raw `cases` rows only for the partial days at
 * its edges, so it stays exact and never stale. Percentiles are exact too, in two steps:
 *   1. per group, how many closure times fall at or below each of a fixed ladder of thresholds
 *      (`width_bucket` binary-searches each cell's sorted array), which locates the bracket
 *      holding each rank needed;
 *   2. only the values inside those brackets are unnested and sorted to read the ranks off.
 * Grouping by period in a time zone other than the rollup's cannot use day cells; it falls back to
 * the raw rows (correct, slower). Closure times are whole seconds (floor); means are exact.
 */
import { GROUP_BYS, PERIODS } from '../domain/contracts/reports.js';
import { ACTIVE_STATUSES, type CaseStatus, type ExceptionType, type Severity } from '../domain/model.js';
import type { Db } from './index.js';

export { GROUP_BYS, PERIODS };
export type GroupBy = (typeof GROUP_BYS)[number];
export type Period = (typeof PERIODS)[number];

export interface SummaryFilters {
  /** Cases opened at or after this instant. */
  from?: Date | null;
  /** Cases opened before this instant (exclusive). */
  to?: Date | null;
  type?: ExceptionType | null;
  line?: string | null;
  groupBy?: GroupBy;
  /** Bucket size when grouping by period (default day). */
  period?: Period;
  /** IANA time zone that days, weeks and months are counted in (default UTC). */
  timeZone?: string;
}

export interface SummaryGroup {
  /**
   * The group's value: the type, line, shift, person ref (acked_by) or period start (YYYY-MM-DD,
   * local); 'all' when not grouped; null for cases without a shift / not acknowledged.
   */
  key: string | null;
  cases: number;
  closed: number;
  acknowledged: number;
  resolved: number;
  /** Mean of acknowledged_at − opened_at over acknowledged cases, in seconds. */
  mttaSeconds: number | null;
  /** Mean of resolved_at − opened_at over resolved cases, in seconds. */
  mttrSeconds: number | null;
  /** Percentiles (linear interpolation) of closed_at − opened_at in whole seconds, over closed cases. */
  closureP50Seconds: number | null;
  closureP90Seconds: number | null;
  slaBreached: number;
  slaBreachRate: number | null;
  escalated: number;
  escalationRate: number | null;
  downtimeMinutes: number;
}

export interface ParetoRow {
  reasonCode: string;
  count: number;
  /** Share of all cases with a reason code, in percent. */
  percent: number;
  /** Running total of `percent`, in count order. */
  cumulativePercent: number;
}

export interface SummaryReport {
  groups: SummaryGroup[];
  pareto: ParetoRow[];
  /** Whether rollup cells served the whole days of the range (false: raw rows only). */
  usedRollup: boolean;
}

export interface BoardCase {
  id: number;
  type: ExceptionType;
  severity: Severity;
  line: string;
  status: CaseStatus;
  escalationLevel: number;
  openedAt: string;
  slaDeadline: string | null;
}

/**
 * Thresholds (seconds) of the percentile brackets: 60 s × 1.15^k, k < 77 (up to ~28 days; longer
 * closures share the open top bracket, still exact). At most ~5 % of a realistic spread falls between
 * neighbours, so step 2 sorts a few percent of the values. Finer means more work in step 1; measured.
 */
const THRESHOLDS: readonly number[] = Array.from({ length: 77 }, (_, k) => Math.round(60 * 1.15 ** k));
// Constants of this module, never input: safe to write into the SQL text.
const THRESHOLD_COUNTS = THRESHOLDS.map((t) => `sum(width_bucket(${t}, closure_s))`).join(', ');
/** The same thresholds as one array literal, bound as a parameter (knex would spread a JS array). */
const THRESHOLD_ARRAY = `{${THRESHOLDS.join(',')}}`;

type Kind = 'all' | 'shift' | 'person';
const KIND: Record<GroupBy, Kind> = {
  none: 'all',
  type: 'all',
  line: 'all',
  period: 'all',
  shift: 'shift',
  person: 'person',
};
/** The cell key of a raw case row, per kind. */
const RAW_KEY: Record<Kind, string> = {
  all: `''`,
  shift: `coalesce(x.shift, '')`,
  person: `coalesce(x.acked_by, '')`,
};
/** The group of a cell (columns day, type, line, key; `?` = period unit). */
const GROUP_KEY: Record<GroupBy, string> = {
  none: `'all'`,
  type: 'type',
  line: 'line',
  shift: 'key',
  person: 'key',
  period: `to_char(date_trunc(?, day::timestamp), 'YYYY-MM-DD')`,
};

interface Bounds {
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

interface RangeRow {
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
async function rangeOf(db: Db, f: SummaryFilters): Promise<RangeRow> {
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
function plan(r: RangeRow, groupBy: GroupBy, period: Period, scan: boolean): Bounds {
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

type Binding = string | number | boolean | Date | null;

/** The cell source: rollup cells of whole days plus cells built on the fly from raw edge rows. */
function cellSource(
  b: Bounds,
  kind: Kind | 'reason',
  f: SummaryFilters,
  columns: 'full' | 'count',
): { sql: string; bindings: Binding[] } {
  const parts: string[] = [];
  const bindings: Binding[] = [];
  const filters = (alias: string): string => {
    let s = '';
    if (f.type) {
      s += ` and ${alias}.type = ?`;
      bindings.push(f.type);
    }
    if (f.line) {
      s += ` and ${alias}.line = ?`;
      bindings.push(f.line);
    }
    return s;
  };
  const cols =
    columns === 'full'
      ? `day, type, line, key, n, n_closed, n_acked, ack_us, n_resolved, resolve_us, n_breached,
         n_escalated, downtime_minutes, closure_s`
      : 'key, n';
  if (b.weeks) {
    bindings.push(kind, b.weeks[0], b.weeks[1]);
    const oneMonth = b.weeksInOneMonth
      ? ` and date_trunc('month', c.day::timestamp) = date_trunc('month', c.day + 6)`
      : '';
    parts.push(
      `select ${cols} from case_report_cells c
       where c.kind = ? and c.grain = 'w' and c.day >= ?::date and c.day < ?::date${oneMonth}${filters('c')}`,
    );
  }
  if (b.days.length > 0) {
    bindings.push(kind);
    const ranges = b.days.map(([lo, hi]) => {
      bindings.push(lo, hi);
      return '(c.day >= ?::date and c.day < ?::date)';
    });
    parts.push(
      `select ${cols} from case_report_cells c
       where c.kind = ? and c.grain = 'd' and (${ranges.join(' or ')})${filters('c')}`,
    );
  }
  if (b.raw.length > 0) {
    const ranges = b.raw.map(() => '(x.opened_at >= ?::timestamptz and x.opened_at < ?::timestamptz)');
    const key = kind === 'reason' ? `x.reason_code` : RAW_KEY[kind];
    const head =
      columns === 'full'
        ? `select (x.opened_at at time zone ?::text)::date as day, x.type, x.line, ${key} as key,
             count(*)::integer as n, count(x.closed_at)::integer as n_closed,
             count(x.acknowledged_at)::integer as n_acked,
             coalesce(sum(andon_us(x.opened_at, x.acknowledged_at)), 0)::bigint as ack_us,
             count(x.resolved_at)::integer as n_resolved,
             coalesce(sum(andon_us(x.opened_at, x.resolved_at)), 0)::bigint as resolve_us,
             (count(*) filter (where x.sla_breached))::integer as n_breached,
             (count(*) filter (where x.escalation_level > 0))::integer as n_escalated,
             coalesce(sum(x.downtime_minutes), 0)::bigint as downtime_minutes,
             coalesce(array_agg(andon_closure_s(x.opened_at, x.closed_at)
                                order by andon_closure_s(x.opened_at, x.closed_at))
                      filter (where x.closed_at is not null), '{}') as closure_s`
        : `select ${key} as key, count(*)::integer as n`;
    if (columns === 'full') bindings.push(f.timeZone ?? 'UTC');
    for (const [lo, hi] of b.raw) bindings.push(lo, hi);
    const where = `(${ranges.join(' or ')})${filters('x')}`;
    parts.push(
      `${head} from cases x where ${where}
       group by ${columns === 'full' ? '1, 2, 3, 4' : '1'}`,
    );
  }
  if (parts.length === 0) {
    return {
      sql:
        columns === 'full'
          ? `select null::date as day, null::text as type, null::text as line, null::text as key,
               0 as n, 0 as n_closed, 0 as n_acked, 0::bigint as ack_us, 0 as n_resolved,
               0::bigint as resolve_us, 0 as n_breached, 0 as n_escalated,
               0::bigint as downtime_minutes, '{}'::integer[] as closure_s where false`
          : `select null::text as key, 0 as n where false`,
      bindings: [],
    };
  }
  return { sql: parts.join('\nunion all\n'), bindings };
}

interface GroupRow {
  gkey: string;
  n: number;
  n_closed: number;
  n_acked: number;
  n_resolved: number;
  mtta: number | null;
  mttr: number | null;
  n_breached: number;
  n_escalated: number;
  downtime: number;
  p50: number | null;
  p90: number | null;
}

async function groupRows(
  trx: Db,
  b: Bounds,
  f: SummaryFilters,
  groupBy: GroupBy,
  period: Period,
): Promise<GroupRow[]> {
  const src = cellSource(b, KIND[groupBy], f, 'full');
  const groupBindings: Binding[] = groupBy === 'period' ? [period] : [];
  const m = THRESHOLDS.length;
  const sql = `
    with c as materialized (
      select ${GROUP_KEY[groupBy]} as gkey, s.* from (${src.sql}) s
    ),
    g as (
      select gkey, sum(n)::bigint as n, sum(n_closed)::bigint as n_closed,
        sum(n_acked)::bigint as n_acked, sum(n_resolved)::bigint as n_resolved,
        (sum(ack_us) / nullif(sum(n_acked), 0) / 1000000)::float8 as mtta,
        (sum(resolve_us) / nullif(sum(n_resolved), 0) / 1000000)::float8 as mttr,
        sum(n_breached)::bigint as n_breached, sum(n_escalated)::bigint as n_escalated,
        sum(downtime_minutes)::bigint as downtime,
        array[${THRESHOLD_COUNTS}]::bigint[] as cum
      from c group by gkey having sum(n) > 0
    ),
    -- the ranks percentile_cont interpolates between, per group and percentile
    rk as (
      select g.gkey, q.p, 1 + q.p * (g.n_closed - 1) as pos, r.rk
      from g cross join unnest(array[0.5, 0.9]::float8[]) q(p)
      cross join lateral (
        select distinct x::bigint from unnest(array[floor(1 + q.p * (g.n_closed - 1)),
                                                    ceil(1 + q.p * (g.n_closed - 1))]) x
      ) r(rk)
      where g.n_closed > 0
    ),
    -- bracket j holds values in (T[j], T[j+1]]; base = how many values lie below it
    rb as (
      select rk.*, w.j, case when w.j = 0 then 0 else g.cum[w.j] end as base
      from rk join g using (gkey)
      cross join lateral (select width_bucket(rk.rk - 1, g.cum) as j) w
    ),
    -- one integer id per bracket to read, so the sort below compares integers only
    bk as (select gkey, j, (row_number() over ())::integer as bid from (select distinct gkey, j from rb) d),
    -- the values inside each bracket, from each cell's sorted slice, in one sorted array per bracket
    v as (
      select bk.bid, unnest(c.closure_s[
        (case when bk.j = 0 then 0 else width_bucket((?::integer[])[bk.j], c.closure_s) end) + 1 :
        (case when bk.j = ${m} then cardinality(c.closure_s)
              else width_bucket((?::integer[])[bk.j + 1], c.closure_s) end)]) as v
      from bk join c using (gkey)
    ),
    va as materialized (select bid, array_agg(v order by v) as vs from v group by bid),
    pct as (
      select rb.gkey, rb.p,
        min(va.vs[rb.rk - rb.base]) filter (where rb.rk = floor(rb.pos))
          + (rb.pos - floor(rb.pos)) * (min(va.vs[rb.rk - rb.base]) filter (where rb.rk = ceil(rb.pos))
                                        - min(va.vs[rb.rk - rb.base]) filter (where rb.rk = floor(rb.pos))) as value
      from rb join bk using (gkey, j) join va using (bid)
      group by rb.gkey, rb.p, rb.pos
    )
    select g.gkey, g.n, g.n_closed, g.n_acked, g.n_resolved, g.mtta, g.mttr, g.n_breached,
      g.n_escalated, g.downtime,
      (select value from pct where pct.gkey = g.gkey and pct.p = 0.5)::float8 as p50,
      (select value from pct where pct.gkey = g.gkey and pct.p = 0.9)::float8 as p90
    from g order by g.gkey`;
  const { rows } = await trx.raw<{ rows: GroupRow[] }>(sql, [
    ...groupBindings,
    ...src.bindings,
    THRESHOLD_ARRAY,
    THRESHOLD_ARRAY,
  ]);
  return rows;
}

async function paretoRows(trx: Db, b: Bounds, f: SummaryFilters): Promise<ParetoRow[]> {
  const src = cellSource(b, 'reason', f, 'count');
  const { rows } = await trx.raw<{ rows: Array<{ key: string; n: number }> }>(
    `select key, sum(n)::bigint as n from (${src.sql}) s
     where key is not null and key <> ''
     group by key having sum(n) > 0 order by n desc, key`,
    src.bindings,
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

const round = (x: number, digits: number): number => {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
};
const ratio = (a: number, b: number): number | null => (b > 0 ? round(a / b, 6) : null);
const secs = (x: number | null): number | null => (x === null ? null : round(x, 3));

const emptyGroup = (key: string | null): SummaryGroup => ({
  key,
  cases: 0,
  closed: 0,
  acknowledged: 0,
  resolved: 0,
  mttaSeconds: null,
  mttrSeconds: null,
  closureP50Seconds: null,
  closureP90Seconds: null,
  slaBreached: 0,
  slaBreachRate: null,
  escalated: 0,
  escalationRate: null,
  downtimeMinutes: 0,
});

/**
 * The KPI summary of cases opened in [from, to), grouped by one key, with the Pareto of reason
 * codes. `scan: true` ignores the rollup and reads raw rows only (a cross-check; slow on big ranges).
 */
export async function summaryReport(
  db: Db,
  filters: SummaryFilters = {},
  opts: { scan?: boolean } = {},
): Promise<SummaryReport> {
  const groupBy = filters.groupBy ?? 'none';
  const period = filters.period ?? 'day';
  const f: SummaryFilters = { ...filters, timeZone: filters.timeZone ?? 'UTC' };
  return db.transaction(
    async (trx) => {
      // Short queries over big tables: JIT and parallel workers cost more to start than they
      // save, and the sorts should stay in memory.
      await trx.raw(
        `select set_config('jit', 'off', true), set_config('work_mem', '64MB', true),
                set_config('max_parallel_workers_per_gather', '0', true)`,
      );
      const range = await rangeOf(trx, f);
      const b = plan(range, groupBy, period, opts.scan === true);
      const rows = await groupRows(trx, b, f, groupBy, period);
      // the Pareto is not grouped: it can always use week cells
      const pareto = await paretoRows(trx, plan(range, 'none', period, opts.scan === true), f);
      const groups = rows.map((r): SummaryGroup => ({
        key: r.gkey === '' ? null : r.gkey,
        cases: r.n,
        closed: r.n_closed,
        acknowledged: r.n_acked,
        resolved: r.n_resolved,
        mttaSeconds: secs(r.mtta),
        mttrSeconds: secs(r.mttr),
        closureP50Seconds: secs(r.p50),
        closureP90Seconds: secs(r.p90),
        slaBreached: r.n_breached,
        slaBreachRate: ratio(r.n_breached, r.n),
        escalated: r.n_escalated,
        escalationRate: ratio(r.n_escalated, r.n),
        downtimeMinutes: r.downtime,
      }));
      // Groups in key order, the "no value" group (no shift / not acknowledged) last.
      groups.sort((a, c) => (a.key === c.key ? 0 : a.key === null ? 1 : c.key === null ? -1 : 0));
      if (groupBy === 'none' && groups.length === 0) groups.push(emptyGroup('all'));
      return { groups, pareto, usedRollup: b.use };
    },
    { readOnly: true },
  );
}

/** The time zone the rollup counts days in. */
export async function reportTimeZone(db: Db): Promise<string> {
  const row = (await db('report_settings').first('time_zone')) as { time_zone: string } | undefined;
  if (!row) throw new Error('report_settings has no row: is migration 0004 applied?');
  return row.time_zone;
}

/**
 * Sets the plant time zone the rollup counts days in and rebuilds it (a few seconds per 100,000
 * cases; case writes wait meanwhile). Reports grouped by period in this zone use the rollup.
 */
export async function setReportTimeZone(db: Db, timeZone: string): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw(`select now() at time zone ?::text`, [timeZone]); // rejects an unknown zone
    await trx('report_settings').update({ time_zone: timeZone });
    await trx.raw(`select andon_report_rebuild()`);
  });
}

/** Recomputes the rollup from `cases` (repair after a bulk load with triggers disabled). */
export async function rebuildReportRollup(db: Db): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw(`select andon_report_rebuild()`);
  });
}

interface BoardRow {
  id: number;
  type: ExceptionType;
  severity: Severity;
  line: string;
  status: CaseStatus;
  escalation_level: number;
  opened_at: Date;
  sla_deadline: Date | null;
}

/** The live board: active cases, most severe first, then oldest first (at most 500). */
export async function boardQuery(db: Db, filters: { line?: string | null } = {}): Promise<BoardCase[]> {
  const q = db('cases')
    .select('id', 'type', 'severity', 'line', 'status', 'escalation_level', 'opened_at', 'sla_deadline')
    .whereIn('status', [...ACTIVE_STATUSES])
    // the same expression as the partial indexes cases_board_idx / cases_board_line_idx
    .orderByRaw('andon_severity_rank(severity), opened_at, id')
    .limit(500);
  if (filters.line) q.where('line', filters.line);
  const rows = (await q) as BoardRow[];
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    severity: r.severity,
    line: r.line,
    status: r.status,
    escalationLevel: r.escalation_level,
    openedAt: r.opened_at.toISOString(),
    slaDeadline: r.sla_deadline ? r.sla_deadline.toISOString() : null,
  }));
}
