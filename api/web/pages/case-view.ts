/** The case page's content: facts, tasks with their actions, timeline, notifications, ERP documents. */
import type { CaseRecord } from '../../../db/cases.js';
import { notificationsForCase } from '../../../db/outbox.js';
import {
  linkUses,
  reasonNames,
  relatedCases,
  taskTexts,
  type RelatedCase,
} from '../../../db/case-history.js';
import { timeline } from '../../../db/timeline.js';
import { EXCEPTION_TYPE_LABELS, JOB_ROLES } from '../../../domain/model.js';
import {
  CASE_STATUS_LABELS,
  CHANNEL_LABELS,
  JOB_ROLE_LABELS,
  label,
  NOTIFICATION_STATUS_LABELS,
  SEVERITY_LABELS,
  TASK_STATUS_LABELS,
} from '../../../domain/labels.js';
import { redactEvent, redactText, seesContacts } from '../../redact.js';
import type { WebContext } from '../context.js';
import { html, localTime, raw, type Html } from '../html.js';
import { t, type Lang } from '../i18n.js';
import { tx } from '../i18n-floor.js';
import { catalogText } from '../catalog-text.js';
import { fieldLabel } from '../../../domain/messages.js';
import { clockTime, sentence, type TimelineContext } from '../timeline-text.js';
import { webRoleAllows, type WebUser } from '../session.js';

export async function caseDetail(ctx: WebContext, record: CaseRecord, l: Lang, user: WebUser): Promise<Html> {
  const { db, timeZone } = ctx;
  const contacts = seesContacts(user.role);
  const [allEvents, notifications, live, tasks, uses, related, reason] = await Promise.all([
    timeline(db, record.id),
    notificationsForCase(db, record.id),
    record.status === 'pending_start' ? Promise.resolve(null) : ctx.cases.state(record.id),
    taskTexts(db, record.id),
    linkUses(db, record.id),
    relatedCases(db, record),
    record.reasonCode ? reasonNames(db, record.type, record.reasonCode) : Promise.resolve(null),
  ]);
  // Staff do not see people's phone numbers and addresses (supervisors and admins do).
  const events = contacts ? allEvents : allEvents.map(redactEvent);
  const docs = events.filter((e) => e.type === 'erp_document');
  const tl: TimelineContext = {
    lang: l,
    timeZone,
    ladder: record.policy.ladder ?? [],
    tasks,
    linkUses: uses,
    events,
  };
  const supervisor = webRoleAllows(user, 'supervisor');
  const active = record.status === 'open' || record.status === 'acknowledged';
  const taskList = (live?.tasks ?? []).map(
    (tk) =>
      html`<li class="task task-${tk.status}">
        <strong>${catalogText('taskTitle', tk.key, l, tk.title, tk.titleRef)}</strong> —
        ${label(JOB_ROLE_LABELS, tk.role, l)},
        ${label(TASK_STATUS_LABELS, tk.status, l)}${tk.assignees.length > 0 ? html`, ${tk.assignees.map((a) => a.name).join(', ')}` : ''}
        ${tk.ackDeadline ? html`, ${t(l, 'ackBy')} <time class="countdown" datetime="${tk.ackDeadline}" data-overdue="${t(l, 'overdue')}">${localTime(tk.ackDeadline, timeZone)}</time>` : ''}
        ${tk.eta ? html`, ${t(l, 'eta')} ${localTime(tk.eta, timeZone)}` : ''}
        ${tk.result ? html` → <em>${catalogText('option', `${tk.key}.${tk.result.option}`, l)}</em>` : ''}
        ${
          (tk.status === 'open' || tk.status === 'acked') && active
            ? html`<div class="task-actions">
                ${tk.status === 'open' ? html`<form method="post" action="/cases/${record.id}/act/ack" class="inline"><input type="hidden" name="taskKey" value="${tk.key}" /><button type="submit">${t(l, 'acknowledge')}</button></form>` : ''}
                ${tk.options.map(
                  (o) =>
                    html`<form method="post" action="/cases/${record.id}/act/decide" class="inline">
                      <input type="hidden" name="taskKey" value="${tk.key}" /><input
                        type="hidden"
                        name="option"
                        value="${o.id}"
                      />
                      ${(o.fields ?? []).map((f) => html`<label>${fieldLabel(f, l)} <input name="f_${f.name}" type="${f.type === 'datetime' ? 'datetime-local' : f.type === 'date' ? 'date' : f.type === 'number' ? 'number' : 'text'}" required /></label>`)}
                      <button type="submit">${catalogText('option', `${tk.key}.${o.id}`, l, o.label)}</button>
                    </form>`,
                )}
                ${
                  supervisor
                    ? html`<form method="post" action="/cases/${record.id}/act/reassign" class="inline">
                        <input type="hidden" name="taskKey" value="${tk.key}" />
                        <label
                          >${t(l, 'toRole')}
                          <select name="role">
                            ${JOB_ROLES.map((jr) => html`<option value="${jr}" ${jr === tk.role ? raw('selected') : ''}>${label(JOB_ROLE_LABELS, jr, l)}</option>`)}
                          </select></label
                        >
                        <button type="submit">${t(l, 'reassign')}</button>
                      </form>`
                    : ''
                }
              </div>`
            : ''
        }
      </li>`,
  );
  return html` <p class="facts">
      <span class="badge sev-${record.severity}">${label(SEVERITY_LABELS, record.severity, l)}</span>
      ${EXCEPTION_TYPE_LABELS[record.type][l]} · ${t(l, 'line')}
      ${record.line}${record.station ? ` / ${record.station}` : ''} · ${t(l, 'status')}:
      <strong class="status">${label(CASE_STATUS_LABELS, record.status, l)}</strong> · ${t(l, 'step')}:
      ${record.currentStep ? catalogText('step', record.currentStep, l) : '—'} · ${t(l, 'level')}
      ${record.escalationLevel} · ${t(l, 'sla')}:
      ${record.slaDeadline ? html`<time class="countdown" datetime="${record.slaDeadline}" data-overdue="${t(l, 'overdue')}">${localTime(record.slaDeadline, timeZone)}</time>` : '—'}${record.slaBreached ? html` <span class="badge sev-critical">SLA ✗</span>` : ''}
    </p>
    ${record.reportCount > 1 ? html`<p class="repeats">${t(l, 'reportedTimes', { n: record.reportCount, at: localTime(record.lastSeenAt, timeZone) })}</p>` : ''}
    ${record.resolution ? html`<p>${t(l, 'resolution')}: ${record.resolution}${record.rootCause ? html` · ${t(l, 'rootCause')}: ${record.rootCause}` : ''}</p>` : ''}
    <h2>${t(l, 'tasks')}</h2>
    <ul class="tasks">
      ${taskList.length > 0 ? taskList : html`<li>${t(l, 'nothing')}</li>`}
    </ul>
    ${factsList(record, l, reason?.[l] ?? null)} ${relatedList(related, l)}
    <h2>${t(l, 'timeline')}</h2>
    <ol class="timeline">
      ${events.map(
        (e) =>
          html`<li class="ev-${e.type}" data-event="${e.id}">
            <time datetime="${e.occurredAt}" title="${localTime(e.occurredAt, timeZone)}"
              >${clockTime(e.occurredAt, timeZone)}</time
            >
            <span class="said">${sentence(tl, e)}</span>
            <details class="raw">
              <summary>${tx(l, 'rawData')}</summary>
              <code>${e.type} · ${e.actor} · ${JSON.stringify(e.data)}</code>
            </details>
          </li>`,
      )}
    </ol>
    <h2>${t(l, 'notifications')}</h2>
    <table class="cases">
      <thead>
        <tr>
          <th>${t(l, 'when')}</th>
          <th>${t(l, 'channel')}</th>
          <th>${t(l, 'recipient')}</th>
          <th>${t(l, 'status')}</th>
          <th>${t(l, 'attempts')}</th>
        </tr>
      </thead>
      <tbody>
        ${notifications.map(
          (n) =>
            html`<tr>
              <td>${localTime(n.createdAt, timeZone)}</td>
              <td>${label(CHANNEL_LABELS, n.channel, l)}</td>
              <td>${contacts ? n.recipient : t(l, 'hidden')}</td>
              <td>
                ${label(NOTIFICATION_STATUS_LABELS, n.status, l)}${n.lastError ? html` <small>${contacts ? n.lastError : redactText(n.lastError)}</small>` : ''}
              </td>
              <td>${n.attempts}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h2>${t(l, 'erpDocuments')}</h2>
    <ul>
      ${docs.length > 0 ? docs.map((d) => html`<li>${String(d.data.docType)} <strong>${erpLink(d.data)}</strong> (${String(d.data.status)}) — ${String(d.data.step)}</li>`) : html`<li>${t(l, 'nothing')}</li>`}
    </ul>`;
}

/** What the MES reported: the facts' ids (equipment, item, lot, order…), the reason code. */
function factsList(record: CaseRecord, l: Lang, reasonName: string | null): Html {
  const facts = Object.entries(record.details).filter(
    ([, v]) => typeof v === 'string' || typeof v === 'number',
  );
  return html`<dl class="facts-list">
    ${
      record.reasonCode
        ? html`<dt>${tx(l, 'reasonCode')}</dt>
            <dd>
              ${record.reasonCode}${reasonName ? ` — ${catalogText('reason', record.reasonCode, l, reasonName)}` : ''}
            </dd>`
        : ''
    }
    <dt>${tx(l, 'externalId')}</dt>
    <dd>${record.source} ${record.externalId}</dd>
    ${facts.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd>${String(v)}</dd>`,
    )}
    ${
      record.description
        ? html`<dt>${tx(l, 'description')}</dt>
            <dd>${record.description}</dd>`
        : ''
    }
  </dl>`;
}

/** The cases this one is linked to: its parent, cases it opened, what it recurred from, its recurrences. */
function relatedList(related: RelatedCase[], l: Lang): Html {
  if (related.length === 0) return html``;
  return html`<h2>${tx(l, 'relatedCases')}</h2>
    <ul class="related">
      ${related.map(
        (c) =>
          html`<li data-relation="${c.relation}">
            ${tx(l, `relation_${c.relation}`)}:
            <a href="/cases/${c.id}">#${c.id}</a> ${EXCEPTION_TYPE_LABELS[c.type][l]} · ${c.title} ·
            ${label(CASE_STATUS_LABELS, c.status, l)}
          </li>`,
      )}
    </ul>`;
}

export function caseActions(record: CaseRecord, l: Lang, user: WebUser): Html {
  const supervisor = webRoleAllows(user, 'supervisor');
  const active = record.status === 'open' || record.status === 'acknowledged';
  return html`<h2>${t(l, 'actions')}</h2>
    <div class="actions">
      ${record.status === 'open' ? html`<form method="post" action="/cases/${record.id}/act/ack"><button type="submit">${t(l, 'acknowledge')}</button></form>` : ''}
      <form method="post" action="/cases/${record.id}/act/comment">
        <label>${t(l, 'comment')} <textarea name="text" required maxlength="4000"></textarea></label
        ><button type="submit">${t(l, 'addComment')}</button>
      </form>
      ${
        active
          ? html`<form method="post" action="/cases/${record.id}/act/resolve">
              <label>${t(l, 'resolution')} <input name="resolution" required maxlength="4000" /></label>
              <label>${t(l, 'rootCause')} <input name="rootCause" maxlength="4000" /></label>
              <button type="submit">${t(l, 'resolve')}</button>
            </form>`
          : ''
      }
      ${
        supervisor && record.status === 'resolved'
          ? html`<form method="post" action="/cases/${record.id}/act/close">
              <label
                >${t(l, 'rootCause')}
                <input name="rootCause" maxlength="4000" value="${record.rootCause ?? ''}"
              /></label>
              <label
                >${t(l, 'correctiveAction')}
                <input name="correctiveAction" maxlength="4000" value="${record.correctiveAction ?? ''}"
              /></label>
              <label
                >${t(l, 'downtimeMinutes')}
                <input
                  name="downtimeMinutes"
                  type="number"
                  min="0"
                  max="525600"
                  step="1"
                  value="${record.downtimeMinutes ?? ''}"
              /></label>
              <button type="submit">${t(l, 'close')}</button>
            </form>`
          : ''
      }
    </div>`;
}

/** An ERP document's number, linked to it in the ERP's own UI when the adapter gave an http(s) link. */
function erpLink(data: Record<string, unknown>): Html {
  const url = typeof data.url === 'string' && /^https?:\/\//.test(data.url) ? data.url : null;
  return url
    ? html`<a href="${url}" rel="noopener noreferrer" target="_blank">${String(data.docId)}</a>`
    : html`${String(data.docId)}`;
}
