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
import { groupRows, paretoRows, round, type ParetoRow } from './report-queries.js';
import { plan, rangeOf, type GroupBy, type Period, type SummaryFilters } from './report-range.js';

export { GROUP_BYS, PERIODS };
export type { GroupBy, ParetoRow, Period, SummaryFilters };

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
  // A shift filter can only be read from raw rows.
  const scan = opts.scan === true || Boolean(f.shift);
  return db.transaction(
    async (trx) => {
      // Short queries over big tables: JIT and parallel workers cost more to start than they
      // save, and the sorts should stay in memory.
      await trx.raw(
        `select set_config('jit', 'off', true), set_config('work_mem', '64MB', true),
                set_config('max_parallel_workers_per_gather', '0', true)`,
      );
      const range = await rangeOf(trx, f);
      const b = plan(range, groupBy, period, scan);
      const rows = await groupRows(trx, b, f, groupBy, period);
      // the Pareto is not grouped: it can always use week cells
      const pareto = await paretoRows(trx, plan(range, 'none', period, scan), f);
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
  const row = await db<{ time_zone: string }>('report_settings').first('time_zone');
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
