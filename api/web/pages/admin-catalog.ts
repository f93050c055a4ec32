/**
 * The exception catalog in the UI (/admin/catalog): each type's names, reopen window, SOP
 * parameters and reason codes; saved through PUT /api/v1/exception-types/{code} (codes dropped
 * from the list are deactivated, not deleted), refusals shown beside the field.
 */
import { Router } from 'express';
import { listExceptionTypes, type ExceptionTypeRecord } from '../../../db/catalog.js';
import { ADMIN_API } from '../admin-api.js';
import { adminMenu, apiForm, checked } from '../admin-ui.js';
import type { WebContext } from '../context.js';
import { html, type Html } from '../html.js';
import type { Lang } from '../i18n.js';
import { tx } from '../i18n-floor.js';

function reasonRow(
  l: Lang,
  i: number,
  c: { code?: string; nameEn?: string; nameZh?: string; active?: boolean },
): Html {
  return html`<span class="row">
    <input name="reasonCodes.${i}.code" value="${c.code ?? ''}" placeholder="EF-MECHANICAL" size="14" />
    <input
      name="reasonCodes.${i}.nameEn"
      value="${c.nameEn ?? ''}"
      placeholder="${tx(l, 'nameEn')}"
      size="18"
    />
    <input
      name="reasonCodes.${i}.nameZh"
      value="${c.nameZh ?? ''}"
      placeholder="${tx(l, 'nameZh')}"
      size="12"
    />
    <label class="inline"
      ><input
        type="checkbox"
        name="reasonCodes.${i}.active"
        data-type="boolean"
        ${checked(c.active ?? true)}
      />
      ${tx(l, 'active')}</label
    >
    <button type="button" data-remove-row>${tx(l, 'remove')}</button>
  </span>`;
}

function typeEditor(l: Lang, ty: ExceptionTypeRecord): Html {
  const id = `reasons-${ty.code}`;
  return html`<section class="editor" data-type-code="${ty.code}">
    <h2>${l === 'en' ? ty.nameEn : ty.nameZh} <code>${ty.code}</code></h2>
    ${apiForm(
      { method: 'PUT', action: `${ADMIN_API}/exception-types/${ty.code}`, label: ty.code },
      html`<label>${tx(l, 'nameEn')} <input name="nameEn" value="${ty.nameEn}" /></label>
        <label>${tx(l, 'nameZh')} <input name="nameZh" value="${ty.nameZh}" /></label>
        <label
          >${tx(l, 'description')} <input name="description" value="${ty.description ?? ''}" size="30"
        /></label>
        <label
          >${tx(l, 'reopenHours')}
          <input
            name="reopenWindowSeconds"
            data-type="hours"
            type="number"
            step="any"
            value="${ty.reopenWindowSeconds / 3600}"
            size="5"
        /></label>
        <label
          >${tx(l, 'sopParams')}
          <textarea name="sopParams" data-type="json" rows="3" cols="60">
${JSON.stringify(ty.sopParams)}</textarea>
        </label>
        <div data-field="reasonCodes">
          <strong>${tx(l, 'reasonCode')}</strong>
          <div id="${id}">${ty.reasonCodes.map((c, i) => reasonRow(l, i, c))}</div>
          <template id="${id}-template">${reasonRow(l, 0, {})}</template>
          <button type="button" data-add-row="${id}">${tx(l, 'addReason')}</button>
        </div>
        <button type="submit">${tx(l, 'save')}</button>`,
    )}
  </section>`;
}

export function adminCatalogPage(ctx: WebContext): Router {
  const r = Router();
  r.get('/admin/catalog', ctx.need('admin'), async (req, res) => {
    const l = ctx.lang(req);
    const types = await listExceptionTypes(ctx.db);
    ctx.send(req, res, {
      title: tx(l, 'adminCatalog'),
      active: 'admin',
      body: html`${adminMenu(l, '/admin/catalog')}
        <h1>${tx(l, 'adminCatalog')}</h1>
        ${types.map((ty) => typeEditor(l, ty))}`,
    });
  });
  return r;
}
