/** The live board: active cases by line, most severe first; refreshed over /live. */
import { Router } from 'express';
import { boardQuery } from '../../../db/reports.js';
import { boardExtras, countActiveCases } from '../../../db/web-admin.js';
import { EXCEPTION_TYPE_LABELS } from '../../../domain/model.js';
import { CASE_STATUS_LABELS, label, SEVERITY_LABELS } from '../../../domain/labels.js';
import { catalogText } from '../catalog-text.js';
import type { WebContext } from '../context.js';
import { html, localTime, type Html } from '../html.js';
import { t, type Lang } from '../i18n.js';

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'];

export function boardPage(ctx: WebContext): Router {
  const { db, timeZone } = ctx;
  const r = Router();

  async function boardRows(l: Lang): Promise<Html> {
    const cases = await boardQuery(db);
    if (cases.length === 0) return html`<p class="empty">${t(l, 'noOpenCases')}</p>`;
    const [extras, total] = await Promise.all([
      boardExtras(
        db,
        cases.map((c) => c.id),
      ),
      countActiveCases(db),
    ]);
    const byLine = new Map<string, typeof cases>();
    for (const c of cases) byLine.set(c.line, [...(byLine.get(c.line) ?? []), c]);
    const hidden = total - cases.length;
    return html`${hidden > 0 ? html`<p class="notice" role="status">${t(l, 'notShown', { n: hidden, shown: cases.length })}</p>` : ''}
    ${[...byLine.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([line, rows]) =>
          html`<section class="line" aria-labelledby="line-${line}">
            <h2 id="line-${line}">${t(l, 'line')} ${line}</h2>
            <table class="cases">
              <thead>
                <tr>
                  <th>${t(l, 'case')}</th>
                  <th>${t(l, 'type')}</th>
                  <th>${t(l, 'severity')}</th>
                  <th>${t(l, 'status')}</th>
                  <th>${t(l, 'step')}</th>
                  <th>${t(l, 'assignee')}</th>
                  <th>${t(l, 'level')}</th>
                  <th>${t(l, 'sla')}</th>
                  <th>${t(l, 'opened')}</th>
                </tr>
              </thead>
              <tbody>
                ${rows
                  .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity))
                  .map((c) => {
                    const who = extras.assignees.get(c.id) ?? [];
                    const info = extras.titles.get(c.id);
                    return html`<tr class="sev-${c.severity}" data-case="${c.id}">
                      <td>
                        <a href="/cases/${c.id}">#${c.id}</a> <span class="title">${info?.title ?? ''}</span>
                        ${info && info.reportCount > 1 ? html`<span class="badge repeats" title="${t(l, 'reportedTimes', { n: info.reportCount, at: localTime(info.lastSeenAt, timeZone) })}">×${info.reportCount}</span>` : ''}
                      </td>
                      <td>${EXCEPTION_TYPE_LABELS[c.type][l]}</td>
                      <td>
                        <span class="badge sev-${c.severity}">${label(SEVERITY_LABELS, c.severity, l)}</span>
                      </td>
                      <td>${label(CASE_STATUS_LABELS, c.status, l)}</td>
                      <td>${info?.currentStep ? catalogText('step', info.currentStep, l) : '—'}</td>
                      <td>${who.join(', ') || '—'}</td>
                      <td>${c.escalationLevel}</td>
                      <td>
                        ${c.slaDeadline ? html`<time class="countdown" datetime="${c.slaDeadline}" data-overdue="${t(l, 'overdue')}">${localTime(c.slaDeadline, timeZone)}</time>` : '—'}
                      </td>
                      <td>${localTime(c.openedAt, timeZone)}</td>
                    </tr>`;
                  })}
              </tbody>
            </table>
          </section>`,
      )}`;
  }

  r.get('/', ctx.need('staff'), async (req, res) => {
    const l = ctx.lang(req);
    ctx.send(req, res, {
      title: t(l, 'board'),
      body: html`<h1>${t(l, 'openCases')} <span class="live-dot" title="${t(l, 'live')}">●</span></h1>
        <div id="board" data-live-src="/partials/board" aria-live="polite">${await boardRows(l)}</div>`,
      active: 'board',
    });
  });

  r.get('/partials/board', ctx.need('staff'), async (req, res) => {
    res.type('html').send((await boardRows(ctx.lang(req))).value);
  });

  return r;
}
