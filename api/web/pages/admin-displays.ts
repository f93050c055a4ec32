/**
 * Andon screens in the UI (/admin/displays): the display tokens wall TVs open /andon with. A new
 * token's address is shown once; revoking one locks its screen out at its next request.
 */
import { Router } from 'express';
import { listDisplayTokens } from '../../../db/display-tokens.js';
import { LOCALES } from '../../../domain/model.js';
import { ADMIN_API } from '../admin-api.js';
import { adminMenu, apiForm, checked } from '../admin-ui.js';
import type { WebContext } from '../context.js';
import { html, localTime } from '../html.js';
import { t } from '../i18n.js';
import { tx } from '../i18n-floor.js';

export function adminDisplaysPage(ctx: WebContext): Router {
  const r = Router();
  r.get('/admin/displays', ctx.need('admin'), async (req, res) => {
    const l = ctx.lang(req);
    const tokens = await listDisplayTokens(ctx.db);
    ctx.send(req, res, {
      title: tx(l, 'adminDisplays'),
      active: 'admin',
      body: html`${adminMenu(l, '/admin/displays')}
        <h1>${tx(l, 'adminDisplays')}</h1>
        <table class="cases displays">
          <thead>
            <tr>
              <th>${t(l, 'name')}</th>
              <th>${tx(l, 'lines')}</th>
              <th>${t(l, 'locale')}</th>
              <th>${tx(l, 'lastSeen')}</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            ${tokens.map(
              (d) =>
                html`<tr data-display="${d.id}" class="${d.revokedAt ? 'inactive' : ''}">
                  <td>${d.name}</td>
                  <td>${d.lines?.join(', ') ?? tx(l, 'anyLine')}</td>
                  <td>${d.locale}</td>
                  <td>${localTime(d.lastSeenAt, ctx.timeZone)}</td>
                  <td>
                    ${
                      d.revokedAt
                        ? html`${tx(l, 'revoked')} ${localTime(d.revokedAt, ctx.timeZone)}`
                        : apiForm(
                            {
                              method: 'DELETE',
                              action: `${ADMIN_API}/display-tokens/${d.id}`,
                              cls: 'inline',
                              confirm: tx(l, 'reallyDelete'),
                            },
                            html`<button type="submit">${tx(l, 'revoke')}</button>`,
                          )
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        <h2>${tx(l, 'newDisplay')}</h2>
        <p class="notice" id="new-token" hidden>${tx(l, 'tokenOnce')}<br /><code class="value"></code></p>
        ${apiForm(
          {
            method: 'POST',
            action: `${ADMIN_API}/display-tokens`,
            cls: 'editor',
            label: tx(l, 'newDisplay'),
            result: '#new-token',
          },
          html`<label>${t(l, 'name')} <input name="name" size="16" /></label>
            <label>${tx(l, 'linesCsv')} <input name="lines" data-type="csv" size="16" /></label>
            <label
              >${t(l, 'locale')}
              <select name="locale">
                ${LOCALES.map((lo) => html`<option>${lo}</option>`)}
              </select></label
            >
            <label
              >${tx(l, 'rotateSeconds')}
              <input name="rotateSeconds" data-type="number" type="number" value="20" size="4"
            /></label>
            <label>${tx(l, 'sound')} <input type="checkbox" name="sound" data-type="boolean" /></label>
            <label
              >${tx(l, 'flash')} <input type="checkbox" name="flash" data-type="boolean" ${checked(true)}
            /></label>
            <button type="submit">${tx(l, 'add')}</button>`,
        )}`,
    });
  });
  return r;
}
