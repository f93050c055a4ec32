/** The SQL of the summary report: KPI groups with exact percentiles, and the Pareto of reason codes. */
import type { Db } from './index.js';
import type { Bounds, GroupBy, Period, SummaryFilters } from './report-range.js';

export interface ParetoRow {
  reasonCode: string;
  count: number;
  /** Share of all cases with a reason code, in percent. */
  percent: number;
  /** Running total of `percent`, in count order. */
  cumulativePercent: number;
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
    if (f.shift && alias === 'x') {
      s += ` and x.shift = ?`;
      bindings.push(f.shift);
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

export interface GroupRow {
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

export async function groupRows(
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

export async function paretoRows(trx: Db, b: Bounds, f: SummaryFilters): Promise<ParetoRow[]> {
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

export const round = (x: number, digits: number): number => {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
};
