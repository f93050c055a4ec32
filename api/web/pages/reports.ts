/** KPI reports for supervisors: the table by type (refreshed live), the weekly trend and the Pareto. */
import { Router } from 'express';
import { summaryReport } from '../../../db/reports.js';
import { EXCEPTION_TYPE_LABELS, type ExceptionType } from '../../../domain/model.js';
import { lineChart, paretoChart } from '../charts.js';
import type { WebContext } from '../context.js';
import { duration, html, type Html } from '../html.js';
import { t, type Lang } from '../i18n.js';

const ninetyDaysAgo = (): Date => new Date(Date.now() - 90 * 24 * 3600_000);

function pct(v: number | null): string {
  return v === null ? '—' : `${(v * 100).toFixed(1)}%`;
}

/** The KPI table by exception type over the last 90 days (the reports page, and its live refresh). */
async function kpiByType(ctx: WebContext, l: Lang): Promise<{ table: Html; pareto: Html }> {
  const byType = await summaryReport(ctx.db, {
    from: ninetyDaysAgo(),
    groupBy: 'type',
    timeZone: ctx.timeZone,
  });
  const table = html`<h2>${t(l, 'byType')}</h2>
    <table class="cases kpi">
      <thead>
        <tr>
          ${(
            [
              'type',
              'cases',
              'closed',
              'mtta',
              'mttr',
              'closureP50',
              'closureP90',
              'slaBreachRate',
              'escalationRate',
              'downtime',
            ] as const
          ).map((k) => html`<th>${t(l, k)}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${byType.groups.map(
          (g) =>
            html`<tr>
              <th scope="row">
                ${g.key ? (EXCEPTION_TYPE_LABELS[g.key as ExceptionType]?.[l] ?? g.key) : '—'}
              </th>
              <td>${g.cases}</td>
              <td>${g.closed}</td>
              <td>${duration(g.mttaSeconds)}</td>
              <td>${duration(g.mttrSeconds)}</td>
              <td>${duration(g.closureP50Seconds)}</td>
              <td>${duration(g.closureP90Seconds)}</td>
              <td>${pct(g.slaBreachRate)}</td>
              <td>${pct(g.escalationRate)}</td>
              <td>${g.downtimeMinutes}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
  const pareto = paretoChart({
    title: t(l, 'pareto'),
    rows: byType.pareto.map((p) => ({
      label: p.reasonCode,
      count: p.count,
      cumulative: p.cumulativePercent,
    })),
  });
  return { table, pareto };
}

export function reportsPage(ctx: WebContext): Router {
  const r = Router();

  r.get('/reports', ctx.need('supervisor'), async (req, res) => {
    const l = ctx.lang(req);
    const [weekly, kpi] = await Promise.all([
      summaryReport(ctx.db, {
        from: ninetyDaysAgo(),
        groupBy: 'period',
        period: 'week',
        timeZone: ctx.timeZone,
      }),
      kpiByType(ctx, l),
    ]);
    const minutes = (s: number | null): number | null => (s === null ? null : s / 60);
    ctx.send(req, res, {
      title: t(l, 'reports'),
      body: html`<h1>${t(l, 'reports')} · ${t(l, 'last90')}</h1>
        <div id="report" data-live-src="/partials/reports">${kpi.table}</div>
        <p>
          <a href="/api/v1/reports/summary?groupBy=type">${t(l, 'csv')}</a> (API,
          <code>Accept: text/csv</code>)
        </p>
        <h2>${t(l, 'trend')}</h2>
        ${lineChart({
          labels: weekly.groups.map((g) => g.key ?? ''),
          title: t(l, 'trend'),
          unit: (v) => `${Math.round(v)}m`,
          series: [
            {
              name: t(l, 'mtta'),
              colour: '#d97706',
              values: weekly.groups.map((g) => minutes(g.mttaSeconds)),
            },
            {
              name: t(l, 'mttr'),
              colour: '#2563eb',
              values: weekly.groups.map((g) => minutes(g.mttrSeconds)),
            },
          ],
        })}
        <h2>${t(l, 'pareto')}</h2>
        ${kpi.pareto}`,
      active: 'reports',
    });
  });

  r.get('/partials/reports', ctx.need('supervisor'), async (req, res) => {
    res.type('html').send((await kpiByType(ctx, ctx.lang(req))).table.value);
  });

  return r;
}
