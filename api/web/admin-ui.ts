/** Shared parts of the admin editors (pages/admin-*.ts): the section menu and form helpers. */
import { JOB_ROLE_LABELS, label } from '../../domain/labels.js';
import { JOB_ROLES } from '../../domain/model.js';
import { html, raw, type Html } from './html.js';
import { t, type Lang } from './i18n.js';
import { ta, type AccountStringKey } from './i18n-accounts.js';
import { tx, type FloorKey } from './i18n-floor.js';

const SECTIONS: ReadonlyArray<readonly [string, FloorKey]> = [
  ['/admin/people', 'adminPeople'],
  ['/admin/rosters', 'adminRosters'],
  ['/admin/policies', 'adminPolicies'],
  ['/admin/catalog', 'adminCatalog'],
  ['/admin/displays', 'adminDisplays'],
];

/** Accounts, keys and the audit log (pages/users.ts, api-keys.ts, audit.ts). */
const ACCOUNT_SECTIONS: ReadonlyArray<readonly [string, AccountStringKey]> = [
  ['/admin/users', 'users'],
  ['/admin/keys', 'apiKeys'],
  ['/admin/audit', 'auditLog'],
];

/** The admin sections, and the script that sends the editors' forms to the API. */
export function adminMenu(l: Lang, current: string): Html {
  return html`<nav class="subnav" aria-label="${t(l, 'admin')}">
      <a href="/admin" ${current === '/admin' ? raw('aria-current="page"') : ''}>${t(l, 'admin')}</a>
      ${SECTIONS.map(
        ([href, key]) =>
          html`<a href="${href}" ${href === current ? raw('aria-current="page"') : ''}>${tx(l, key)}</a>`,
      )}
      ${ACCOUNT_SECTIONS.map(([href, key]) => html`<a href="${href}">${ta(l, key)}</a>`)}
    </nav>
    <script src="/static/admin.js" defer></script>`;
}

export const selected = (on: boolean): Html => (on ? raw('selected') : raw(''));
export const checked = (on: boolean): Html => (on ? raw('checked') : raw(''));

/** A select of job roles. */
export function roleSelect(name: string, current: string | null, l: Lang): Html {
  return html`<select name="${name}">
    ${JOB_ROLES.map((r) => html`<option value="${r}" ${selected(r === current)}>${label(JOB_ROLE_LABELS, r, l)}</option>`)}
  </select>`;
}

/** A form sent as JSON to the admin API: method, path, and where to go when it is done. */
export function apiForm(
  o: {
    method: string;
    action: string;
    then?: string;
    confirm?: string;
    cls?: string;
    label?: string;
    /** Show the answer's `url` in this element instead of reloading (a token shown once). */
    result?: string;
  },
  body: Html,
): Html {
  return html`<form
    novalidate
    class="api-form ${o.cls ?? ''}"
    data-method="${o.method}"
    data-action="${o.action}"
    ${o.then ? raw(`data-then="${o.then}"`) : ''}
    ${o.confirm ? html`data-confirm="${o.confirm}"` : ''}
    ${o.result ? html`data-result="${o.result}"` : ''}
    ${o.label ? html`aria-label="${o.label}"` : ''}
  >
    ${body}
  </form>`;
}
