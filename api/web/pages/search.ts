/**
 * Finding cases (/cases): words in the title, description, external id, reason code or the facts'
 * ids (equipment, item, lot, order…), with status, type, line and period; newest first, a page at
 * a time. Each row shows how often the case recurred and what it recurred from.
 */
import { Router } from 'express';
import { searchCases } from '../../../db/case-history.js';
import { caseSearchQuery, type CaseSearchQuery } from '../../../domain/contracts/search.js';
import { CASE_STATUS_LABELS, label } from '../../../domain/labels.js';
import { CASE_STATUSES, EXCEPTION_TYPE_LABELS, EXCEPTION_TYPES } from '../../../domain/model.js';
import { localToInstant } from '../../../lib/time.js';
import { caseTitle } from '../../../workflows/sop/index.js';
import type { WebContext } from '../context.js';
import { html, localTime, raw, type Html } from '../html.js';
import { t, type Lang } from '../i18n.js';
import { tx } from '../i18n-floor.js';

const PAGE_SIZE = 50;

function form(l: Lang, q: CaseSearchQuery): Html {
  const opt = (value: string, label: string, current: string | undefined) =>
    html`<option value="${value}" ${value === (current ?? '') ? raw('selected') : ''}>${label}</option>`;
  return html`<form method="get" action="/cases" class="filters" role="search">
    <label
      >${tx(l, 'searchWords')}
      <input type="search" name="q" value="${q.q ?? ''}" maxlength="200" placeholder="${tx(l, 'searchHint')}"
    /></label>
    <label
      >${t(l, 'status')}
      <select name="status">
        ${opt('', tx(l, 'any'), q.status)}${CASE_STATUSES.map((s) => opt(s, label(CASE_STATUS_LABELS, s, l), q.status))}
      </select></label
    >
    <label
      >${t(l, 'type')}
      <select name="type">
        ${opt('', tx(l, 'any'), q.type)}${EXCEPTION_TYPES.map((ty) => opt(ty, EXCEPTION_TYPE_LABELS[ty][l], q.type))}
      </select></label
    >
    <label>${t(l, 'line')} <input name="line" value="${q.line ?? ''}" maxlength="64" size="8" /></label>
    <label>${tx(l, 'from')} <input type="date" name="from" value="${q.from ?? ''}" /></label>
    <label>${tx(l, 'to')} <input type="date" name="to" value="${q.to ?? ''}" /></label>
    <button type="submit">${tx(l, 'search')}</button>
  </form>`;
}

function pageLink(q: CaseSearchQuery, page: number): string {
  const p = new URLSearchParams();
  for (const k of ['q', 'status', 'type', 'line', 'from', 'to'] as const) if (q[k]) p.set(k, q[k]);
  p.set('page', String(page));
  return `/cases?${p.toString()}`;
}

export function searchPage(ctx: WebContext): Router {
  const r = Router();

  r.get('/cases', ctx.need('staff'), async (req, res) => {
    const l = ctx.lang(req);
    const parsed = caseSearchQuery.safeParse(req.query);
    const q = parsed.success ? parsed.data : caseSearchQuery.parse({});
    const dayAfter = (d: string) =>
      new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const found = await searchCases(ctx.db, {
      text: q.q,
      status: q.status,
      type: q.type,
      line: q.line,
      from: q.from ? (localToInstant(q.from, ctx.timeZone) ?? undefined) : undefined,
      to: q.to ? (localToInstant(dayAfter(q.to), ctx.timeZone) ?? undefined) : undefined,
      page: q.page,
      pageSize: PAGE_SIZE,
    });
    ctx.send(req, res, {
      title: tx(l, 'search'),
      active: 'search',
      status: parsed.success ? 200 : 400,
      body: html`<h1>${tx(l, 'findCases')}</h1>
        ${parsed.success ? '' : html`<p class="error" role="alert">${t(l, 'badInput')}: ${parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('; ')}</p>`}
        ${form(l, q)}
        ${
          found.cases.length === 0
            ? html`<p class="empty">${tx(l, 'nothingFound')}</p>`
            : html`<table class="cases found">
                <thead>
                  <tr>
                    <th>${t(l, 'case')}</th>
                    <th>${t(l, 'type')}</th>
                    <th>${t(l, 'line')}</th>
                    <th>${t(l, 'status')}</th>
                    <th>${t(l, 'opened')}</th>
                    <th>${tx(l, 'recurrences')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${found.cases.map(
                    (c) =>
                      html`<tr data-case="${c.id}">
                        <td>
                          <a href="/cases/${c.id}">#${c.id}</a> ${caseTitle(c, l)}
                          <small class="title">${c.externalId}</small>
                        </td>
                        <td>${EXCEPTION_TYPE_LABELS[c.type][l]}</td>
                        <td>${c.line}${c.station ? ` / ${c.station}` : ''}</td>
                        <td>${label(CASE_STATUS_LABELS, c.status, l)}</td>
                        <td>${localTime(c.openedAt, ctx.timeZone)}</td>
                        <td>
                          ${c.recurrences > 0 ? html`<span class="badge sev-high">${tx(l, 'timesAgain', { n: c.recurrences })}</span>` : ''}
                          ${c.recurrenceOf ? html`${tx(l, 'relation_recurrence_of')} <a href="/cases/${c.recurrenceOf}">#${c.recurrenceOf}</a>` : ''}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
        <nav class="pager" aria-label="${tx(l, 'pages')}">
          ${q.page > 1 ? html`<a rel="prev" href="${pageLink(q, q.page - 1)}">← ${tx(l, 'previous')}</a>` : ''}
          <span>${tx(l, 'pageN', { n: q.page })}</span>
          ${found.more ? html`<a rel="next" href="${pageLink(q, q.page + 1)}">${tx(l, 'next')} →</a>` : ''}
        </nav>`,
    });
  });

  return r;
}
