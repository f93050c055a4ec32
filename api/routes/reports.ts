/** /api/v1/reports: the supervisors' KPI summary, as JSON or CSV. */
import { Router } from 'express';
import { localToInstant } from '../../lib/time.js';
import type { Db } from '../../db/index.js';
import { summaryReport, type SummaryGroup, type SummaryReport } from '../../db/reports.js';
import { summaryQuery } from '../../domain/contracts/reports.js';
import { requireRole } from '../auth.js';
import { HttpProblem, parse } from '../problem.js';

/** The instant a date or date-time stands for: a bare date is local midnight in `tz`. */
export function instantOf(value: string, tz: string): Date {
  if (value.length !== 10) return new Date(value);
  return localToInstant(value, tz)!;
}

const CSV_COLUMNS: ReadonlyArray<readonly [string, (g: SummaryGroup) => string | number | null]> = [
  ['cases', (g) => g.cases],
  ['closed', (g) => g.closed],
  ['acknowledged', (g) => g.acknowledged],
  ['resolved', (g) => g.resolved],
  ['mtta_seconds', (g) => g.mttaSeconds],
  ['mttr_seconds', (g) => g.mttrSeconds],
  ['closure_p50_seconds', (g) => g.closureP50Seconds],
  ['closure_p90_seconds', (g) => g.closureP90Seconds],
  ['sla_breached', (g) => g.slaBreached],
  ['sla_breach_rate', (g) => g.slaBreachRate],
  ['escalated', (g) => g.escalated],
  ['escalation_rate', (g) => g.escalationRate],
  ['downtime_minutes', (g) => g.downtimeMinutes],
];

/** RFC 4180 quoting; text that a spreadsheet would run as a formula is prefixed with a quote. */
function csvField(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function summaryCsv(groupBy: string, groups: SummaryGroup[]): string {
  const header = [groupBy === 'none' ? 'group' : groupBy, ...CSV_COLUMNS.map(([name]) => name)];
  const lines = groups.map((g) => [csvField(g.key), ...CSV_COLUMNS.map(([, get]) => csvField(get(g)))]);
  return [header, ...lines].map((cells) => cells.join(',')).join('\r\n') + '\r\n';
}

export function reportRoutes(deps: { db: Db }): Router {
  const r = Router();

  r.get('/reports/summary', requireRole('supervisor'), async (req, res) => {
    const q = parse(summaryQuery, req.query, 'query');
    const from = q.from === undefined ? null : instantOf(q.from, q.tz);
    const to = q.to === undefined ? null : instantOf(q.to, q.tz);
    if (from && to && from > to) {
      throw new HttpProblem(400, 'Invalid request', 'from: must not be after to', [
        { field: 'from', message: 'must not be after to' },
      ]);
    }
    const format = req.accepts(['application/json', 'text/csv']);
    if (format === false) {
      throw new HttpProblem(
        406,
        'Not Acceptable',
        'this report is available as application/json or text/csv',
      );
    }
    let report: SummaryReport;
    try {
      report = await summaryReport(deps.db, {
        from,
        to,
        type: q.type ?? null,
        line: q.line ?? null,
        groupBy: q.groupBy,
        period: q.period,
        timeZone: q.tz,
      });
    } catch (err) {
      // a zone ICU knows but this PostgreSQL does not (invalid_parameter_value)
      if ((err as { code?: string }).code === '22023' && /time zone/i.test(String(err))) {
        throw new HttpProblem(400, 'Invalid request', 'tz: unknown to the database', [
          { field: 'tz', message: 'unknown to the database' },
        ]);
      }
      throw err;
    }
    res.vary('Accept');
    if (format === 'text/csv') {
      res
        .attachment('andon-summary.csv')
        .type('text/csv; charset=utf-8')
        .send(summaryCsv(q.groupBy, report.groups));
      return;
    }
    res.json({
      filters: {
        from: from?.toISOString() ?? null,
        to: to?.toISOString() ?? null,
        type: q.type ?? null,
        line: q.line ?? null,
        groupBy: q.groupBy,
        period: q.period,
        tz: q.tz,
      },
      groups: report.groups,
      pareto: report.pareto,
    });
  });

  return r;
}
