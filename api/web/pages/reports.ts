/**
 * The supervisors' dashboards (/reports): filters for period, grain, type, line and shift; the KPI
 * table by type (refreshed live); eight ECharts charts rendered to SVG on the server, each with its
 * numbers as a table and a CSV download through the signed-in session (/reports/csv/{chart}).
 */
import { Router, type Request } from 'express';
import { filterChoices } from '../../../db/dashboard-queries.js';
import { summaryReport } from '../../../db/reports.js';
import {
  dashboardCsvParams,
  dashboardQuery,
  type DashboardQuery,
} from '../../../domain/contracts/dashboards.js';
import { EXCEPTION_TYPES, type ExceptionType } from '../../../domain/model.js';
import { chartOption } from '../dashboard-charts.js';
import { datasetCsv, loadDatasets, rangeOf, typeLabel, type Dataset } from '../dashboard-data.js';
import type { WebContext } from '../context.js';
import { renderChart } from '../echarts-svg.js';
import { duration, html, raw, type Html } from '../html.js';
import { t, type Lang } from '../i18n.js';
import { tx } from '../i18n-floor.js';

function pct(v: number | null): string {
  return v === null ? '—' : `${(v * 100).toFixed(1)}%`;
}

/** The KPI table by exception type over the filtered period (the page, and its live refresh). */
async function kpiByType(ctx: WebContext, l: Lang, q: DashboardQuery): Promise<Html> {
  const range = rangeOf(q, ctx.timeZone, new Date());
  const byType = await summaryReport(ctx.db, {
    from: range.from,
    to: range.to,
    type: q.type ?? null,
    line: q.line ?? null,
    shift: q.shift ?? null,
    groupBy: 'type',
    timeZone: ctx.timeZone,
  });
  const keys = [
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
  ] as const;
  return html`<h2>${t(l, 'byType')}</h2>
    <table class="cases kpi">
      <thead>
        <tr>
          ${keys.map((k) => html`<th>${t(l, k)}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${byType.groups.map(
          (g) =>
            html`<tr>
              <th scope="row">${g.key ? typeLabel(g.key, l) : '—'}</th>
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
}

/** The query string of the current filters (for CSV links and the live partial). */
function queryString(q: DashboardQuery): string {
  const p = new URLSearchParams();
  for (const k of ['days', 'from', 'to', 'grain', 'type', 'line', 'shift'] as const) {
    const v = q[k];
    if (v !== undefined) p.set(k, v);
  }
  return p.toString();
}

function chartSection(d: Dataset, l: Lang, grain: string, qs: string): Html {
  const title = tx(l, `chart_${d.chart}`);
  return html`<section class="dash" id="chart-${d.chart}" data-chart="${d.chart}">
    <h2>${title}</h2>
    ${d.empty ? html`<p class="empty chart-empty">${tx(l, 'noData')}</p>` : renderChart(chartOption(d, l, grain), { width: 720, height: 320, label: title, id: d.chart })}
    <details class="numbers">
      <summary>${tx(l, 'numbers')}</summary>
      <table class="cases numbers" data-chart="${d.chart}">
        <thead>
          <tr>
            ${d.columns.map((c) => html`<th>${c}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${d.rows.map(
            (r) =>
              html`<tr>
                ${r.map((c) => html`<td>${c === null ? '—' : c}</td>`)}
              </tr>`,
          )}
        </tbody>
      </table>
    </details>
    <p>
      <a class="csv" href="/reports/csv/${d.chart}${qs ? raw(`?${qs.replace(/&/g, '&amp;')}`) : ''}" download
        >${tx(l, 'downloadCsv')}</a
      >
    </p>
  </section>`;
}

function filterForm(l: Lang, q: DashboardQuery, choices: { lines: string[]; shifts: string[] }): Html {
  const opt = (value: string, label: string, current: string | undefined) =>
    html`<option value="${value}" ${value === (current ?? '') ? raw('selected') : ''}>${label}</option>`;
  return html`<form method="get" action="/reports" class="filters" aria-label="${tx(l, 'filters')}">
    <label
      >${tx(l, 'period')}
      <select name="days">
        ${(['7', '30', '90', '365'] as const).map((d) => opt(d, tx(l, 'lastDays', { n: d }), q.days))}
      </select></label
    >
    <label>${tx(l, 'from')} <input type="date" name="from" value="${q.from ?? ''}" /></label>
    <label>${tx(l, 'to')} <input type="date" name="to" value="${q.to ?? ''}" /></label>
    <label
      >${tx(l, 'grain')}
      <select name="grain">
        ${opt('', '—', q.grain)}${(['day', 'week', 'month'] as const).map((g) => opt(g, tx(l, `grain_${g}`), q.grain))}
      </select></label
    >
    <label
      >${t(l, 'type')}
      <select name="type">
        ${opt('', tx(l, 'any'), q.type)}${EXCEPTION_TYPES.map((ty: ExceptionType) => opt(ty, typeLabel(ty, l), q.type))}
      </select></label
    >
    <label
      >${t(l, 'line')}
      <select name="line">
        ${opt('', tx(l, 'any'), q.line)}${choices.lines.map((ln) => opt(ln, ln, q.line))}
      </select></label
    >
    <label
      >${tx(l, 'shift')}
      <select name="shift">
        ${opt('', tx(l, 'any'), q.shift)}${choices.shifts.map((s) => opt(s, s, q.shift))}
      </select></label
    >
    <button type="submit">${tx(l, 'apply')}</button>
  </form>`;
}

export function reportsPage(ctx: WebContext): Router {
  const r = Router();

  const parsed = (req: Request) => dashboardQuery.safeParse(req.query);
  const refusal = (l: Lang, issues: Array<{ path: PropertyKey[]; message: string }>): Html =>
    html`<p class="error" role="alert">
      ${t(l, 'badInput')}: ${issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ')}
    </p>`;

  r.get('/reports', ctx.need('supervisor'), async (req, res) => {
    const l = ctx.lang(req);
    const q = parsed(req);
    const query = q.success ? q.data : dashboardQuery.parse({});
    const now = new Date();
    const range = rangeOf(query, ctx.timeZone, now);
    const [kpi, datasets, choices] = await Promise.all([
      kpiByType(ctx, l, query),
      loadDatasets({ db: ctx.db, timeZone: ctx.timeZone, query, range, lang: l, now }),
      filterChoices(ctx.db),
    ]);
    const qs = queryString(query);
    ctx.send(req, res, {
      title: tx(l, 'dashboards'),
      status: q.success ? 200 : 400,
      body: html`<h1>${tx(l, 'dashboards')} · ${range.firstDay} – ${range.lastDay}</h1>
        ${q.success ? '' : refusal(l, q.error.issues)} ${filterForm(l, query, choices)}
        <div id="report" data-live-src="/partials/reports${qs ? `?${qs}` : ''}">${kpi}</div>
        <div class="dashboards">${datasets.map((d) => chartSection(d, l, range.grain, qs))}</div>`,
      active: 'reports',
    });
  });

  r.get('/partials/reports', ctx.need('supervisor'), async (req, res) => {
    const q = parsed(req);
    if (!q.success) return void res.status(400).end();
    res.type('html').send((await kpiByType(ctx, ctx.lang(req), q.data)).value);
  });

  r.get('/reports/csv/:chart', ctx.need('supervisor'), async (req, res) => {
    const l = ctx.lang(req);
    const chart = dashboardCsvParams.safeParse(req.params);
    const q = parsed(req);
    if (!chart.success || !q.success) {
      const issues = [...(chart.error?.issues ?? []), ...(q.error?.issues ?? [])];
      return void res
        .status(400)
        .type('text/plain')
        .send(issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('\n'));
    }
    const now = new Date();
    const range = rangeOf(q.data, ctx.timeZone, now);
    const [d] = await loadDatasets(
      { db: ctx.db, timeZone: ctx.timeZone, query: q.data, range, lang: l, now },
      chart.data.chart,
    );
    res
      .attachment(`andon-${chart.data.chart}-${range.firstDay}-${range.lastDay}.csv`)
      .type('text/csv; charset=utf-8')
      .send(datasetCsv(d!));
  });

  return r;
}
