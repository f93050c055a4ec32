/**
 * Escalation policies in the UI (/admin/policies): each policy's ladder as rows to edit, add and
 * remove, its resolve SLA and repeats; saved through POST /api/v1/policies (the scope's policy is
 * replaced), refusals shown beside the field the API names.
 */
import { Router } from 'express';
import { listPolicies, type PolicyRecord } from '../../../db/policies.js';
import type { LadderLevel } from '../../../domain/contracts/policy.js';
import { label, SEVERITY_LABELS } from '../../../domain/labels.js';
import { CHANNELS, EXCEPTION_TYPES, SEVERITIES } from '../../../domain/model.js';
import { ADMIN_API } from '../admin-api.js';
import { adminMenu, apiForm, checked, roleSelect, selected } from '../admin-ui.js';
import type { WebContext } from '../context.js';
import { html, type Html } from '../html.js';
import { t, type Lang } from '../i18n.js';
import { tx } from '../i18n-floor.js';
import { typeLabel } from '../dashboard-data.js';

const minutes = (s: number): string => String(Math.round((s / 60) * 100) / 100);

function levelRow(l: Lang, i: number, lv: Partial<LadderLevel>): Html {
  return html`<fieldset class="row level">
    <legend>${tx(l, 'levelN')} <span class="row-no">${i}</span></legend>
    <label>${tx(l, 'role')} ${roleSelect(`ladder.${i}.targetRole`, lv.targetRole ?? null, l)}</label>
    <span data-field="ladder.${i}.channels"
      >${tx(l, 'channels')}:
      ${CHANNELS.map(
        (c) =>
          html`<label class="inline"
            ><input
              type="checkbox"
              name="ladder.${i}.channels"
              value="${c}"
              data-type="checks"
              ${checked(lv.channels?.includes(c) ?? c === 'email')}
            />
            ${c}</label
          >`,
      )}</span
    >
    <label
      >${tx(l, 'ackMinutes')}
      <input
        name="ladder.${i}.ackTimeoutSeconds"
        data-type="minutes"
        type="number"
        step="any"
        value="${lv.ackTimeoutSeconds ? minutes(lv.ackTimeoutSeconds) : ''}"
        size="6"
    /></label>
    <button type="button" data-remove-row>${tx(l, 'remove')}</button>
  </fieldset>`;
}

function ladderEditor(l: Lang, id: string, ladder: Array<Partial<LadderLevel>>): Html {
  return html`<div id="${id}" class="ladder" data-field="ladder">
      ${ladder.map((lv, i) => levelRow(l, i, lv))}
    </div>
    <template id="${id}-template">${levelRow(l, 0, {})}</template>
    <button type="button" data-add-row="${id}">${tx(l, 'addLevel')}</button>`;
}

function policyEditor(l: Lang, p: PolicyRecord): Html {
  const scope = `${typeLabel(p.type, l)} · ${p.severity ? label(SEVERITY_LABELS, p.severity, l) : tx(l, 'anySeverity')} · ${p.line ?? tx(l, 'anyLine')}`;
  return html`<section class="editor" data-policy="${p.id}">
    <h2>${scope}</h2>
    ${apiForm(
      { method: 'POST', action: `${ADMIN_API}/policies`, label: scope },
      html`<input type="hidden" name="type" value="${p.type}" />
        <input type="hidden" name="severity" data-type="nullable" value="${p.severity ?? ''}" />
        <input type="hidden" name="line" data-type="nullable" value="${p.line ?? ''}" />
        ${ladderEditor(l, `ladder-${p.id}`, p.ladder)}
        <p>
          <label
            >${tx(l, 'slaMinutes')}
            <input
              name="resolveSlaSeconds"
              data-type="minutes"
              type="number"
              step="any"
              value="${minutes(p.resolveSlaSeconds)}"
              size="6"
          /></label>
          <label
            >${tx(l, 'repeatTop')}
            <input name="repeatCount" data-type="number" type="number" value="${p.repeatCount}" size="4"
          /></label>
          <button type="submit">${tx(l, 'save')}</button>
        </p>`,
    )}
    ${apiForm(
      {
        method: 'DELETE',
        action: `${ADMIN_API}/policies/${p.id}`,
        confirm: tx(l, 'reallyDelete'),
        cls: 'inline',
      },
      html`<button type="submit" class="secondary">${tx(l, 'deletePolicy')}</button>`,
    )}
  </section>`;
}

function newPolicy(l: Lang): Html {
  return html`<section class="editor" id="new-policy">
    <h2>${tx(l, 'newPolicy')}</h2>
    ${apiForm(
      { method: 'POST', action: `${ADMIN_API}/policies`, label: tx(l, 'newPolicy') },
      html`<p>
          <label
            >${t(l, 'type')}
            <select name="type">
              ${EXCEPTION_TYPES.map((ty) => html`<option value="${ty}">${typeLabel(ty, l)}</option>`)}
            </select></label
          >
          <label
            >${t(l, 'severity')}
            <select name="severity" data-type="nullable">
              <option value="">${tx(l, 'anySeverity')}</option>
              ${SEVERITIES.map((s) => html`<option value="${s}" ${selected(false)}>${label(SEVERITY_LABELS, s, l)}</option>`)}
            </select></label
          >
          <label
            >${t(l, 'line')}
            <input name="line" data-type="nullable" placeholder="${tx(l, 'anyLine')}" size="8"
          /></label>
        </p>
        ${ladderEditor(l, 'ladder-new', [{ targetRole: 'maintenance', channels: ['email'], ackTimeoutSeconds: 600 }])}
        <p>
          <label
            >${tx(l, 'slaMinutes')}
            <input name="resolveSlaSeconds" data-type="minutes" type="number" step="any" value="240" size="6"
          /></label>
          <label
            >${tx(l, 'repeatTop')}
            <input name="repeatCount" data-type="number" type="number" value="0" size="4"
          /></label>
          <button type="submit">${tx(l, 'add')}</button>
        </p>`,
    )}
  </section>`;
}

export function adminPoliciesPage(ctx: WebContext): Router {
  const r = Router();
  r.get('/admin/policies', ctx.need('admin'), async (req, res) => {
    const l = ctx.lang(req);
    const policies = await listPolicies(ctx.db);
    ctx.send(req, res, {
      title: tx(l, 'adminPolicies'),
      active: 'admin',
      body: html`${adminMenu(l, '/admin/policies')}
        <h1>${tx(l, 'adminPolicies')}</h1>
        ${policies.map((p) => policyEditor(l, p))} ${newPolicy(l)}`,
    });
  });
  return r;
}
