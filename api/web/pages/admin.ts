/**
 * The admin page: the exception catalog, escalation policies and people (edited through the API),
 * with a button to lift a sign-in lockout.
 */
import { Router } from 'express';
import { JOB_ROLE_LABELS, label } from '../../../domain/labels.js';
import { adminOverview } from '../../../db/web-admin.js';
import { idParam } from '../../../domain/contracts/rules.js';
import { unlockUser } from '../../../lib/accounts.js';
import { auditActor } from '../../audit.js';
import type { WebContext } from '../context.js';
import { duration, html, localTime } from '../html.js';
import { t } from '../i18n.js';
import { adminMenu } from '../admin-ui.js';

export function adminPage(ctx: WebContext): Router {
  const r = Router();

  r.get('/admin', ctx.need('admin'), async (req, res) => {
    const l = ctx.lang(req);
    const { types, reasons, policies, people } = await adminOverview(ctx.db);
    ctx.send(req, res, {
      title: t(l, 'admin'),
      active: 'admin',
      body: html`${adminMenu(l, '/admin')}
        <h1>${t(l, 'catalog')}</h1>
        <table class="cases">
          <thead>
            <tr>
              <th>${t(l, 'code')}</th>
              <th>en</th>
              <th>中文</th>
              <th>SOP</th>
              <th>${t(l, 'reasonCodes')}</th>
            </tr>
          </thead>
          <tbody>
            ${types.map(
              (ty) =>
                html`<tr>
                  <td>${ty.code}</td>
                  <td>${ty.nameEn}</td>
                  <td>${ty.nameZh}</td>
                  <td><code>${JSON.stringify(ty.sopParams)}</code></td>
                  <td>
                    ${reasons.filter((rc) => rc.type === ty.code).map((rc) => html`<div>${rc.code} — ${l === 'en' ? rc.nameEn : rc.nameZh}</div>`)}
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        <h2>${t(l, 'policies')}</h2>
        <table class="cases">
          <thead>
            <tr>
              <th>${t(l, 'type')}</th>
              <th>${t(l, 'severity')}</th>
              <th>${t(l, 'line')}</th>
              <th>${t(l, 'ladder')}</th>
              <th>${t(l, 'sla')}</th>
              <th>${t(l, 'repeat')}</th>
            </tr>
          </thead>
          <tbody>
            ${policies.map(
              (p) =>
                html`<tr>
                  <td>${p.type}</td>
                  <td>${p.severity ?? '*'}</td>
                  <td>${p.line ?? '*'}</td>
                  <td>
                    ${p.ladder.map((lv, i) => html`<div>${i}: ${lv.targetRole} (${lv.channels.join('+')}, ${duration(lv.ackTimeoutSeconds)})</div>`)}
                  </td>
                  <td>${duration(p.resolveSlaSeconds)}</td>
                  <td>${p.repeatCount}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        <h2>${t(l, 'people')}</h2>
        <table class="cases">
          <thead>
            <tr>
              <th>${t(l, 'name')}</th>
              <th>${t(l, 'email')}</th>
              <th>${t(l, 'phone')}</th>
              <th>${t(l, 'locale')}</th>
              <th>${t(l, 'webRole')}</th>
              <th>${t(l, 'roles')}</th>
            </tr>
          </thead>
          <tbody>
            ${people.map(
              (p) =>
                html`<tr class="${p.active ? '' : 'inactive'}">
                  <td>${p.name}</td>
                  <td>${p.email ?? ''}</td>
                  <td>${p.phone ?? ''}</td>
                  <td>${p.locale}</td>
                  <td>
                    ${p.webRole}
                    ${
                      p.lockedUntil
                        ? html`<form method="post" action="/admin/people/${p.id}/unlock" class="inline">
                            <button type="submit" title="${localTime(p.lockedUntil, ctx.timeZone)}">
                              ${t(l, 'unlock')}
                            </button>
                          </form>`
                        : ''
                    }
                  </td>
                  <td>
                    ${p.roles.map((ro) => `${label(JOB_ROLE_LABELS, ro.role, l)}${ro.line ? `@${ro.line}` : ''}`).join(', ')}
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        <p>
          ${t(l, 'editedThrough')} <code>/api/v1/exception-types</code>, <code>/api/v1/policies</code>,
          <code>/api/v1/people</code>.
        </p>`,
    });
  });

  r.post('/admin/people/:id/unlock', ctx.need('admin'), async (req, res) => {
    const id = idParam('person').safeParse(req.params.id);
    if (!id.success || !(await unlockUser(ctx.db, auditActor(req), id.data))) {
      const l = ctx.lang(req);
      ctx.send(req, res, {
        title: t(l, 'notFound'),
        body: html`<p class="error">${t(l, 'notFound')}</p>`,
        status: id.success ? 404 : 400,
      });
      return;
    }
    res.redirect(303, '/admin');
  });

  return r;
}
