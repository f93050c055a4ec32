/**
 * Lines, shift patterns and rosters in the UI (/admin/rosters): who works which shift of which
 * line, and covers and on-call over it. Every change goes through /api/v1/rosters (same checks:
 * unknown lines, shifts not in the pattern, dates in order), refusals shown beside the field.
 */
import { Router } from 'express';
import { JOB_ROLE_LABELS, label } from '../../../domain/labels.js';
import { listPeople, type Person } from '../../../db/people.js';
import { listLines, listRosters, listShiftPatterns, type ShiftPatternRecord } from '../../../db/rosters.js';
import { OVERRIDE_KINDS } from '../../../domain/model.js';
import { ADMIN_API } from '../admin-api.js';
import { adminMenu, apiForm, roleSelect } from '../admin-ui.js';
import type { WebContext } from '../context.js';
import { html, localTime, type Html } from '../html.js';
import { t, type Lang } from '../i18n.js';
import { tx } from '../i18n-floor.js';

function shiftRow(l: Lang, i: number, s: { name?: string; startHour?: number }): Html {
  return html`<span class="row">
    <label>${tx(l, 'shift')} <input name="shifts.${i}.name" value="${s.name ?? ''}" size="6" /></label>
    <label
      >${tx(l, 'startHour')}
      <input
        name="shifts.${i}.startHour"
        data-type="number"
        type="number"
        value="${s.startHour ?? ''}"
        size="3"
    /></label>
    <button type="button" data-remove-row>${tx(l, 'remove')}</button>
  </span>`;
}

function patternEditor(l: Lang, p: ShiftPatternRecord | null): Html {
  const id = `shifts-${p?.id ?? 'new'}`;
  return apiForm(
    {
      method: p ? 'PUT' : 'POST',
      action: `${ADMIN_API}/rosters/shift-patterns${p ? `/${p.id}` : ''}`,
      cls: 'editor',
      label: p?.name ?? tx(l, 'add'),
    },
    html`<label>${tx(l, 'lineName')} <input name="name" value="${p?.name ?? ''}" size="10" /></label>
      <label
        >${tx(l, 'timeZone')}
        <input
          name="timeZone"
          data-type="nullable"
          value="${p?.timeZone ?? ''}"
          placeholder="Asia/Shanghai"
          size="14"
      /></label>
      <div id="${id}" data-field="shifts">
        ${(p?.shifts ?? [{ name: 'A', startHour: 6 }]).map((s, i) => shiftRow(l, i, s))}
      </div>
      <template id="${id}-template">${shiftRow(l, 0, {})}</template>
      <button type="button" data-add-row="${id}">${tx(l, 'addShift')}</button>
      <button type="submit">${p ? tx(l, 'save') : tx(l, 'add')}</button>`,
  );
}

function personSelect(people: Person[]): Html {
  return html`<select name="personId" data-type="number">
    ${people.filter((p) => p.active).map((p) => html`<option value="${p.id}">${p.name}</option>`)}
  </select>`;
}

export function adminRostersPage(ctx: WebContext): Router {
  const r = Router();
  r.get('/admin/rosters', ctx.need('admin'), async (req, res) => {
    const l = ctx.lang(req);
    const [lines, patterns, rosters, people] = await Promise.all([
      listLines(ctx.db),
      listShiftPatterns(ctx.db),
      listRosters(ctx.db, {}),
      listPeople(ctx.db, {}),
    ]);
    const name = (id: number) => people.find((p) => p.id === id)?.name ?? `#${id}`;
    const pattern = (id: number) => patterns.find((p) => p.id === id)?.name ?? `#${id}`;
    const remove = (what: string, id: number) =>
      apiForm(
        {
          method: 'DELETE',
          action: `${ADMIN_API}/rosters/${what}/${id}`,
          cls: 'inline',
          confirm: tx(l, 'reallyDelete'),
        },
        html`<button type="submit">${tx(l, 'remove')}</button>`,
      );
    ctx.send(req, res, {
      title: tx(l, 'adminRosters'),
      active: 'admin',
      body: html`${adminMenu(l, '/admin/rosters')}
        <h1>${tx(l, 'adminRosters')}</h1>
        <h2>${tx(l, 'rosterEntries')}</h2>
        <table class="cases roster">
          <thead>
            <tr>
              <th>${tx(l, 'person')}</th>
              <th>${tx(l, 'role')}</th>
              <th>${t(l, 'line')}</th>
              <th>${tx(l, 'pattern')}</th>
              <th>${tx(l, 'shift')}</th>
              <th>${tx(l, 'validFrom')}</th>
              <th>${tx(l, 'validTo')}</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            ${rosters.entries.map(
              (e) =>
                html`<tr data-entry="${e.id}">
                  <td>${name(e.personId)}</td>
                  <td>${label(JOB_ROLE_LABELS, e.role, l)}</td>
                  <td>${e.line ?? tx(l, 'anyLine')}</td>
                  <td>${pattern(e.patternId)}</td>
                  <td>${e.shift}</td>
                  <td>${e.validFrom}</td>
                  <td>${e.validTo ?? '—'}</td>
                  <td>${remove('entries', e.id)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${apiForm(
          { method: 'POST', action: `${ADMIN_API}/rosters/entries`, cls: 'editor', label: tx(l, 'addEntry') },
          html`<strong>${tx(l, 'addEntry')}</strong>
            <label>${tx(l, 'person')} ${personSelect(people)}</label>
            <label>${tx(l, 'role')} ${roleSelect('role', null, l)}</label>
            <label
              >${t(l, 'line')}
              <input name="line" data-type="nullable" placeholder="${tx(l, 'anyLine')}" size="8"
            /></label>
            <label
              >${tx(l, 'pattern')}
              <select name="patternId" data-type="number">
                ${patterns.map((p) => html`<option value="${p.id}">${p.name}</option>`)}
              </select></label
            >
            <label>${tx(l, 'shift')} <input name="shift" size="6" /></label>
            <label>${tx(l, 'validFrom')} <input name="validFrom" type="date" /></label>
            <label>${tx(l, 'validTo')} <input name="validTo" type="date" data-type="nullable" /></label>
            <button type="submit">${tx(l, 'add')}</button>`,
        )}
        <h2>${tx(l, 'overrides')}</h2>
        <table class="cases overrides">
          <tbody>
            ${rosters.overrides.map(
              (o) =>
                html`<tr data-override="${o.id}">
                  <td>${o.kind}</td>
                  <td>${name(o.personId)}</td>
                  <td>${label(JOB_ROLE_LABELS, o.role, l)}</td>
                  <td>${o.line ?? tx(l, 'anyLine')}</td>
                  <td>${localTime(o.startsAt, ctx.timeZone)} – ${localTime(o.endsAt, ctx.timeZone)}</td>
                  <td>${o.note ?? ''}</td>
                  <td>${remove('overrides', o.id)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${apiForm(
          {
            method: 'POST',
            action: `${ADMIN_API}/rosters/overrides`,
            cls: 'editor',
            label: tx(l, 'addOverride'),
          },
          html`<strong>${tx(l, 'addOverride')}</strong>
            <label
              >${tx(l, 'kind')}
              <select name="kind">
                ${OVERRIDE_KINDS.map((k) => html`<option>${k}</option>`)}
              </select></label
            >
            <label>${tx(l, 'person')} ${personSelect(people)}</label>
            <label>${tx(l, 'role')} ${roleSelect('role', null, l)}</label>
            <label
              >${t(l, 'line')}
              <input name="line" data-type="nullable" placeholder="${tx(l, 'anyLine')}" size="8"
            /></label>
            <label
              >${tx(l, 'startsAt')} <input name="startsAt" type="datetime-local" data-type="local-datetime"
            /></label>
            <label
              >${tx(l, 'endsAt')} <input name="endsAt" type="datetime-local" data-type="local-datetime"
            /></label>
            <label>${tx(l, 'note')} <input name="note" maxlength="2000" /></label>
            <button type="submit">${tx(l, 'add')}</button>`,
        )}
        <h2>${tx(l, 'shiftPatterns')}</h2>
        ${patterns.map((p) => patternEditor(l, p))} ${patternEditor(l, null)}
        <h2>${tx(l, 'lines')}</h2>
        <table class="cases lines">
          <tbody>
            ${lines.map(
              (ln) =>
                html`<tr>
                  <td>${ln.code}</td>
                  <td>${ln.name}</td>
                  <td>${ln.kind}</td>
                  <td>${ln.active ? '✓' : '—'}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${apiForm(
          {
            method: 'PUT',
            action: `${ADMIN_API}/rosters/lines/`,
            cls: 'editor line-save',
            label: tx(l, 'newLine'),
          },
          html`<strong>${tx(l, 'newLine')}</strong>
            <label>${tx(l, 'lineCode')} <input data-path-param name="code" size="8" /></label>
            <label>${tx(l, 'lineName')} <input name="name" size="20" /></label>
            <label
              >${tx(l, 'kind')}
              <select name="kind">
                <option>line</option>
                <option>work_centre</option>
              </select></label
            >
            <button type="submit">${tx(l, 'save')}</button>`,
        )}`,
    });
  });
  return r;
}
