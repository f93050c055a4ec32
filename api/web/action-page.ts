/**
 * The small mobile page of an action link (GET/POST /a/{token}): the case's facts and the forms for
 * what is asked of the person. Self-contained (its style inline, allowed by hash in its own CSP),
 * so it works wherever the link is opened, without the web UI's session or assets.
 */
import { createHash } from 'node:crypto';
import type { Response } from 'express';
import type { CaseRecord } from '../../db/cases.js';
import type { DecisionOption } from '../../domain/contracts/tasks.js';
import { fieldLabel, optionLabel, textFor } from '../../domain/messages.js';
import { EXCEPTION_TYPE_LABELS, type Locale } from '../../domain/model.js';
import { escapeHtml } from '../../lib/html.js';
import type { CaseState, TaskView } from '../../workflows/case/messages.js';
import { caseTitle } from '../../workflows/sop/index.js';
import { t } from './i18n.js';

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;padding:1rem;max-width:36rem;line-height:1.4;font-size:17px}
h1{font-size:1.3rem;margin:.2rem 0 1rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem .8rem}dt{font-weight:600}dd{margin:0}
form{border:1px solid #ccc;border-radius:8px;padding:.8rem;margin:.8rem 0}
label{display:block;margin:.4rem 0 .2rem}
input,textarea,select{width:100%;box-sizing:border-box;font-size:1rem;padding:.5rem}
button{width:100%;font-size:1.05rem;padding:.8rem;margin-top:.6rem;border:0;border-radius:6px;background:#0b5cad;color:#fff}
.msg{padding:.8rem;border-radius:6px;background:#eef5ee}.err{background:#fbeaea}`;

/** Nothing but its own inline style, forms posting to itself, and no framing. */
const CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

function shell(locale: Locale, body: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(t(locale, 'linkTitle'))}</title>
<style>${STYLE}</style></head><body>${body}</body></html>`;
}

export function sendActionPage(res: Response, status: number, locale: Locale, body: string): void {
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .set('Referrer-Policy', 'no-referrer')
    .set('X-Robots-Tag', 'noindex')
    .set('Content-Security-Policy', CSP)
    .type('html')
    .send(shell(locale, body));
}

/** A page with one message (and a way back to the link, when it can be tried again). */
export function sendNotice(
  res: Response,
  status: number,
  locale: Locale,
  message: string,
  o: { ok?: boolean; back?: string; next?: { href: string; label: string } } = {},
): void {
  const back = o.back
    ? `<p><a href="${escapeHtml(o.back)}">${escapeHtml(t(locale, 'linkBack'))}</a></p>`
    : '';
  const next = o.next ? `<p><a href="${escapeHtml(o.next.href)}">${escapeHtml(o.next.label)}</a></p>` : '';
  sendActionPage(
    res,
    status,
    locale,
    `<h1>Andon</h1><p class="msg${o.ok ? '' : ' err'}">${escapeHtml(message)}</p>${back}${next}`,
  );
}

export const answerable = (x: TaskView): boolean => x.status === 'open' || x.status === 'acked';

function optionForm(token: string, o: DecisionOption, l: Locale): string {
  const fields = (o.fields ?? [])
    .map((f) => {
      const type =
        f.type === 'datetime'
          ? 'datetime-local'
          : f.type === 'date'
            ? 'date'
            : f.type === 'number'
              ? 'number'
              : 'text';
      const id = escapeHtml(`f_${o.id}_${f.name}`);
      return `<label for="${id}">${escapeHtml(fieldLabel(f, l))}</label><input id="${id}" name="f_${escapeHtml(f.name)}" type="${type}" required${type === 'number' ? ' step="any"' : ''}>`;
    })
    .join('');
  return `<form method="post" action="/a/${escapeHtml(token)}"><input type="hidden" name="action" value="decide"><input type="hidden" name="option" value="${escapeHtml(o.id)}">${fields}<button type="submit">${escapeHtml(optionLabel(o, l))}</button></form>`;
}

export interface ActionPageView {
  record: CaseRecord;
  person: { name: string };
  locale: Locale;
  /** The link's task ('' for the case as a whole). */
  taskKey: string;
  live: CaseState | null;
  /** False when the live state shows the task is no longer the person's. */
  assigned: boolean;
  token: string;
  timeZone: string;
}

export function renderActionPage(v: ActionPageView): string {
  const { record, locale: l, live, token } = v;
  const where = record.station ? `${record.line} / ${record.station}` : record.line;
  const task = live?.tasks.find((x) => x.key === v.taskKey) ?? null;
  const caseActive = record.status === 'open' || record.status === 'acknowledged';
  const action = `/a/${escapeHtml(token)}`;
  const forms: string[] = [];
  const canAck = task ? task.status === 'open' : record.status === 'open';
  const canAnswer = task ? answerable(task) : caseActive;
  if (caseActive && v.assigned) {
    if (canAck)
      forms.push(
        `<form method="post" action="${action}"><input type="hidden" name="action" value="ack"><button type="submit">${escapeHtml(t(l, 'linkAck'))}</button></form>`,
      );
    if (canAnswer && (task || live?.tasks.some(answerable)))
      forms.push(
        `<form method="post" action="${action}"><input type="hidden" name="action" value="eta"><label for="eta">${escapeHtml(t(l, 'linkEtaMinutes'))}</label><input id="eta" name="etaMinutes" type="number" min="1" max="10080" step="1" inputmode="numeric" required><button type="submit">${escapeHtml(t(l, 'linkEta'))}</button></form>`,
      );
    if (task && answerable(task) && task.options.length > 0) {
      forms.push(`<h2>${escapeHtml(t(l, 'linkDecide'))}</h2>`);
      for (const o of task.options) forms.push(optionForm(token, o, l));
    }
    forms.push(
      `<form method="post" action="${action}"><input type="hidden" name="action" value="resolve"><label for="resolution">${escapeHtml(t(l, 'linkResolution'))}</label><textarea id="resolution" name="resolution" rows="3" maxlength="4000" required></textarea><label for="rootCause">${escapeHtml(t(l, 'linkRootCause'))}</label><input id="rootCause" name="rootCause" type="text" maxlength="4000"><button type="submit">${escapeHtml(t(l, 'linkResolve'))}</button></form>`,
    );
  }
  const deadline = task?.ackDeadline ?? null;
  const when = (iso: string): string => new Date(iso).toLocaleString(l, { timeZone: v.timeZone });
  const rows: Array<[string, string]> = [
    [t(l, 'linkWhat'), `${EXCEPTION_TYPE_LABELS[record.type][l]} — ${caseTitle(record, l)}`],
    [t(l, 'linkWhere'), where],
    [t(l, 'linkSince'), when(record.openedAt)],
    [t(l, 'status'), record.status],
  ];
  if (task) rows.push([t(l, 'linkAsked'), textFor(task.titleRef, task.title, l)]);
  if (deadline) rows.push([t(l, 'linkDeadline'), when(deadline)]);
  const message =
    caseActive && !v.assigned
      ? `<p class="msg err">${escapeHtml(t(l, 'notAssignee'))}</p>`
      : forms.length === 0
        ? `<p class="msg">${escapeHtml(t(l, 'linkNothing'))}</p>`
        : '';
  return `<h1>${escapeHtml(t(l, 'linkTitle'))} #${record.id}</h1><p>${escapeHtml(v.person.name)}</p><dl>${rows
    .map(([k, val]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(val)}</dd>`)
    .join('')}</dl>${forms.join('')}${message}`;
}
