/**
 * The dashboards' numbers: one dataset per chart (columns + rows), from the summary report
 * (db/reports.ts) and db/dashboard-queries.ts. The same dataset becomes the chart, the table behind
 * it and its CSV, so the three never disagree.
 */
import {
  AGE_BUCKETS_HOURS,
  casesByLineAndShift,
  downtimeByLineAndType,
  equipmentPareto,
  openCasesByAge,
  type DashboardFilters,
} from '../../db/dashboard-queries.js';
import type { Db } from '../../db/index.js';
import { summaryReport, type SummaryGroup } from '../../db/reports.js';
import type { DashboardChart, DashboardQuery } from '../../domain/contracts/dashboards.js';
import { EXCEPTION_TYPE_LABELS, type ExceptionType } from '../../domain/model.js';
import { localToInstant } from '../../lib/time.js';
import type { Lang } from './i18n.js';
import { tx } from './i18n-floor.js';

export type Cell = string | number | null;

export interface Dataset {
  chart: DashboardChart;
  columns: string[];
  rows: Cell[][];
  /** Whether there is anything to draw (rows of only zeros or blanks are nothing). */
  empty: boolean;
}

export interface Range {
  from: Date;
  to: Date;
  /** First and last local day of the range (YYYY-MM-DD, inclusive). */
  firstDay: string;
  lastDay: string;
  grain: 'day' | 'week' | 'month';
}

const DAY = 86_400_000;
const localDay = (at: Date, tz: string): string =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: tz }).format(at);
const addDays = (ymd: string, n: number): string =>
  new Date(Date.parse(`${ymd}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/** The period the filters name, in the plant's time zone: `from`…`to` (whole days), else the last N days. */
export function rangeOf(q: DashboardQuery, tz: string, now: Date): Range {
  const lastDay = q.to ?? localDay(now, tz);
  const firstDay = q.from ?? addDays(lastDay, 1 - Number(q.days));
  const from = localToInstant(firstDay, tz)!;
  const to = q.to ? localToInstant(addDays(q.to, 1), tz)! : now;
  const span = (Date.parse(lastDay) - Date.parse(firstDay)) / DAY + 1;
  return {
    from,
    to,
    firstDay,
    lastDay,
    grain: q.grain ?? (span <= 31 ? 'day' : span <= 190 ? 'week' : 'month'),
  };
}

/** Every period start (YYYY-MM-DD) from the first day to the last, so gaps show as gaps. */
export function periodKeys(r: Range): string[] {
  const start = (ymd: string): string => {
    if (r.grain === 'month') return `${ymd.slice(0, 8)}01`;
    if (r.grain === 'week') return addDays(ymd, -((new Date(`${ymd}T00:00:00Z`).getUTCDay() + 6) % 7));
    return ymd;
  };
  const keys: string[] = [];
  for (let k = start(r.firstDay); k <= r.lastDay && keys.length < 2000;) {
    keys.push(k);
    if (r.grain === 'month') {
      const d = new Date(`${k}T00:00:00Z`);
      d.setUTCMonth(d.getUTCMonth() + 1);
      k = d.toISOString().slice(0, 10);
    } else k = addDays(k, r.grain === 'week' ? 7 : 1);
  }
  return keys;
}

const minutes = (s: number | null): number | null => (s === null ? null : Math.round(s / 6) / 10);
const pct = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 10);
export const typeLabel = (type: string, l: Lang): string =>
  EXCEPTION_TYPE_LABELS[type as ExceptionType]?.[l] ?? type;
const AGE_LABELS = ['<1h', '1–4h', '4–8h', '8–24h', '1–3d', '3–7d', '>7d'];

export interface DashboardSource {
  db: Db;
  timeZone: string;
  query: DashboardQuery;
  range: Range;
  lang: Lang;
  now: Date;
}

export async function loadDatasets(src: DashboardSource, only?: DashboardChart): Promise<Dataset[]> {
  const { db, query: q, range, lang: l } = src;
  const f: DashboardFilters = {
    from: range.from,
    to: range.to,
    type: q.type ?? null,
    line: q.line ?? null,
    shift: q.shift ?? null,
  };
  const want = (c: DashboardChart): boolean => only === undefined || only === c;
  const out: Dataset[] = [];
  const byPeriod = want('trend') || want('closure') || want('sla') || want('reasons');
  const summary = byPeriod
    ? await summaryReport(db, { ...f, groupBy: 'period', period: range.grain, timeZone: src.timeZone })
    : null;
  if (summary) {
    const groups = new Map(summary.groups.map((g) => [g.key ?? '', g]));
    const series = (get: (g: SummaryGroup | undefined) => Cell[]): Cell[][] =>
      periodKeys(range).map((k) => [k, ...get(groups.get(k))]);
    const none = summary.groups.every((g) => g.cases === 0);
    if (want('trend'))
      out.push({
        chart: 'trend',
        columns: [tx(l, 'col_period'), tx(l, 'col_cases'), tx(l, 'col_mtta'), tx(l, 'col_mttr')],
        rows: series((g) => [
          g?.cases ?? 0,
          minutes(g?.mttaSeconds ?? null),
          minutes(g?.mttrSeconds ?? null),
        ]),
        empty: none || summary.groups.every((g) => g.mttaSeconds === null && g.mttrSeconds === null),
      });
    if (want('closure'))
      out.push({
        chart: 'closure',
        columns: [tx(l, 'col_period'), tx(l, 'col_closed'), tx(l, 'col_p50'), tx(l, 'col_p90')],
        rows: series((g) => [
          g?.closed ?? 0,
          minutes(g?.closureP50Seconds ?? null),
          minutes(g?.closureP90Seconds ?? null),
        ]),
        empty: summary.groups.every((g) => g.closed === 0),
      });
    if (want('sla'))
      out.push({
        chart: 'sla',
        columns: [tx(l, 'col_period'), tx(l, 'col_cases'), tx(l, 'col_breached'), tx(l, 'col_rate')],
        rows: series((g) => [g?.cases ?? 0, g?.slaBreached ?? 0, pct(g?.slaBreachRate ?? null)]),
        empty: none,
      });
    if (want('reasons'))
      out.push({
        chart: 'reasons',
        columns: [tx(l, 'col_reason'), tx(l, 'col_cases'), tx(l, 'col_cumulative')],
        rows: summary.pareto.map((p) => [p.reasonCode, p.count, Math.round(p.cumulativePercent * 10) / 10]),
        empty: summary.pareto.length === 0,
      });
  }
  if (want('equipment')) {
    const rows = await equipmentPareto(db, f);
    out.push({
      chart: 'equipment',
      columns: [tx(l, 'col_equipment'), tx(l, 'col_cases'), tx(l, 'col_cumulative')],
      rows: rows.map((p) => [p.reasonCode, p.count, Math.round(p.cumulativePercent * 10) / 10]),
      empty: rows.length === 0,
    });
  }
  if (want('downtime')) {
    const rows = await downtimeByLineAndType(db, f);
    out.push({
      chart: 'downtime',
      columns: [tx(l, 'col_line'), tx(l, 'col_type'), tx(l, 'col_minutes')],
      rows: rows.map((r) => [r.line, typeLabel(r.type, l), r.minutes]),
      empty: rows.length === 0,
    });
  }
  if (want('heatmap')) {
    const rows = await casesByLineAndShift(db, f);
    out.push({
      chart: 'heatmap',
      columns: [tx(l, 'col_line'), tx(l, 'col_shift'), tx(l, 'col_cases')],
      rows: rows.map((r) => [r.line, r.shift === '' ? tx(l, 'noShift') : r.shift, r.cases]),
      empty: rows.length === 0,
    });
  }
  if (want('age')) {
    const counts = await openCasesByAge(db, f, src.now);
    out.push({
      chart: 'age',
      columns: [tx(l, 'col_age'), tx(l, 'col_cases')],
      rows: counts.map((n, i) => [AGE_LABELS[i] ?? `>${AGE_BUCKETS_HOURS.at(-1)}h`, n]),
      empty: counts.every((n) => n === 0),
    });
  }
  return out;
}

/** RFC 4180 quoting; text a spreadsheet would run as a formula gets a leading quote. */
function csvField(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The dataset as CSV, with a BOM so spreadsheet programs read the Chinese headers as UTF-8. */
export function datasetCsv(d: Dataset): string {
  return `\uFEFF${[d.columns, ...d.rows].map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}
