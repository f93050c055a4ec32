/**
 * People in the UI (/admin/people): contacts, language, job roles per line, active or not; saved
 * through /api/v1/people (same checks: a way to reach them, phone and email unique, lines exist),
 * refusals shown beside the field. Sign-in accounts are edited elsewhere.
 */
import { Router } from 'express';
import { JOB_ROLE_LABELS, label } from '../../../domain/labels.js';
import { listPeople, type Person } from '../../../db/people.js';
import { LOCALES } from '../../../domain/model.js';
import { ADMIN_API } from '../admin-api.js';
import { adminMenu, apiForm, checked, roleSelect, selected } from '../admin-ui.js';
import type { WebContext } from '../context.js';
import { html, type Html } from '../html.js';
import { t, type Lang } from '../i18n.js';
import { tx } from '../i18n-floor.js';

function roleRow(l: Lang, i: number, r: { role?: string; line?: string | null }): Html {
  return html`<span class="row">
    ${roleSelect(`roles.${i}.role`, r.role ?? null, l)}
    <input
      name="roles.${i}.line"
      data-type="nullable"
      value="${r.line ?? ''}"
      placeholder="${tx(l, 'anyLine')}"
      size="8"
    />
    <button type="button" data-remove-row>${tx(l, 'remove')}</button>
  </span>`;
}

function personForm(l: Lang, p: Person | null): Html {
  const id = `roles-${p?.id ?? 'new'}`;
  return apiForm(
    {
      method: p ? 'PUT' : 'POST',
      action: `${ADMIN_API}/people${p ? `/${p.id}` : ''}`,
      cls: 'editor',
      label: p?.name ?? tx(l, 'newPerson'),
    },
    html`<label>${t(l, 'name')} <input name="name" value="${p?.name ?? ''}" size="16" /></label>
      <label
        >${t(l, 'email')}
        <input name="email" type="email" data-type="nullable" value="${p?.email ?? ''}" size="22"
      /></label>
      <label
        >${t(l, 'phone')}
        <input
          name="phone"
          data-type="nullable"
          value="${p?.phone ?? ''}"
          placeholder="+8613800000000"
          size="14"
      /></label>
      <label
        >${t(l, 'locale')}
        <select name="locale">
          ${LOCALES.map((lo) => html`<option ${selected(lo === (p?.locale ?? 'zh-CN'))}>${lo}</option>`)}
        </select></label
      >
      <label
        >${tx(l, 'active')}
        <input type="checkbox" name="active" data-type="boolean" ${checked(p?.active ?? true)}
      /></label>
      <div data-field="roles">
        ${t(l, 'roles')}:
        <span id="${id}">${(p?.roles ?? []).map((r, i) => roleRow(l, i, r))}</span>
        <template id="${id}-template">${roleRow(l, 0, {})}</template>
        <button type="button" data-add-row="${id}">${tx(l, 'addRole')}</button>
      </div>
      <button type="submit">${p ? tx(l, 'save') : tx(l, 'add')}</button>`,
  );
}

export function adminPeoplePage(ctx: WebContext): Router {
  const r = Router();
  r.get('/admin/people', ctx.need('admin'), async (req, res) => {
    const l = ctx.lang(req);
    const people = await listPeople(ctx.db, {});
    ctx.send(req, res, {
      title: tx(l, 'adminPeople'),
      active: 'admin',
      body: html`${adminMenu(l, '/admin/people')}
        <h1>${tx(l, 'adminPeople')}</h1>
        ${people.map(
          (p) =>
            html`<details class="person" data-person="${p.id}">
              <summary>
                ${p.name} ·
                ${p.roles.map((ro) => `${label(JOB_ROLE_LABELS, ro.role, l)}${ro.line ? `@${ro.line}` : ''}`).join(', ') || '—'}
                ${p.active ? '' : html`<em>(${tx(l, 'active')}: —)</em>`}
              </summary>
              ${personForm(l, p)}
            </details>`,
        )}
        <h2>${tx(l, 'newPerson')}</h2>
        ${personForm(l, null)}`,
    });
  });
  return r;
}
