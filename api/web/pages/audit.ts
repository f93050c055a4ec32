/** /admin/audit (admin): the audit log, newest first, filtered by record kind, a page at a time. */
import { Router } from 'express';
import { listAudit, type AuditEntry } from '../../../db/audit-log.js';
import { auditQuery } from '../../../domain/contracts/accounts.js';
import type { WebContext } from '../context.js';
import { html, localTime } from '../html.js';
import { ta } from '../i18n-accounts.js';
import { accountsNav } from './users.js';

const compact = (v: unknown): string => (v === null || v === undefined ? '—' : JSON.stringify(v));

export function auditPage(ctx: WebContext): Router {
  const r = Router();

  r.get('/admin/audit', ctx.need('admin'), async (req, res) => {
    const l = ctx.lang(req);
    const parsed = auditQuery.safeParse(req.query);
    const q = parsed.success ? parsed.data : { limit: 100 };
    const { entries, nextBefore } = await listAudit(ctx.db, { ...q, limit: Math.min(q.limit, 200) });
    const entityFilter = parsed.success && parsed.data.entity ? parsed.data.entity : '';
    const row = (e: AuditEntry) =>
      html`<tr>
        <td>${localTime(e.at, ctx.timeZone)}</td>
        <td>
          ${e.actor.name}
          <small
            >(${e.actor.kind}${e.actor.id ? `:${e.actor.id}` : ''}${e.address ? `, ${e.address}` : ''})</small
          >
        </td>
        <td><code>${e.action}</code></td>
        <td>${e.entity} ${e.entityId ?? ''}</td>
        <td>
          <details>
            <summary>${ta(l, 'change')}</summary>
            <pre>${compact(e.before)}</pre>
            <pre>${compact(e.after)}</pre>
          </details>
        </td>
      </tr>`;
    ctx.send(req, res, {
      title: ta(l, 'auditLog'),
      active: 'admin',
      body: html`<h1>${ta(l, 'auditLog')}</h1>
        ${accountsNav(req, ctx, 'audit')}
        <form method="get" action="/admin/audit" class="inline">
          <label>${ta(l, 'record')} <input name="entity" value="${entityFilter}" maxlength="50" /></label>
          <button type="submit">OK</button>
        </form>
        <table class="cases">
          <thead>
            <tr>
              <th>${ta(l, 'when')}</th>
              <th>${ta(l, 'who')}</th>
              <th>${ta(l, 'what')}</th>
              <th>${ta(l, 'record')}</th>
              <th>${ta(l, 'change')}</th>
            </tr>
          </thead>
          <tbody>
            ${entries.map(row)}
          </tbody>
        </table>
        ${
          nextBefore
            ? html`<p>
                <a
                  href="/admin/audit?before=${nextBefore}${entityFilter ? `&entity=${encodeURIComponent(entityFilter)}` : ''}"
                  >${ta(l, 'older')}</a
                >
              </p>`
            : ''
        }`,
    });
  });

  return r;
}
