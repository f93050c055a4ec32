/**
 * The web UI, served by the API process: sign-in, the live board, case pages with actions, KPI
 * reports with SVG charts, the catalog and people for admins, and the dev outbox. Server-rendered
 * HTML; a small script (static/app.js) refreshes parts live over SSE and ticks SLA countdowns.
 */
import { fileURLToPath } from 'node:url';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { MailCatcher } from '../../activities/notify/mail-catcher.js';
import type { RecordingSms } from '../../activities/notify/sms.js';

import { getCase, type CaseRecord } from '../../db/cases.js';
import { notificationsForCase } from '../../db/outbox.js';
import { timeline } from '../../db/timeline.js';
import type { Db } from '../../db/index.js';
import { boardQuery, summaryReport } from '../../db/reports.js';
import { EXCEPTION_TYPE_LABELS, JOB_ROLES, type ExceptionType } from '../../domain/model.js';
import type { Logger } from '../../lib/logger.js';
import { localToInstant } from '../../lib/time.js';
import type { Actor } from '../../workflows/messages.js';
import {
  ActionRefused,
  CaseFinished,
  EngineUnavailable,
  type CaseEngine,
  type CaseUpdates,
} from '../engine.js';
import { lineChart, paretoChart } from './charts.js';
import { duration, html, localTime, page, raw, type Html } from './html.js';
import { langOf, t, type Lang } from './i18n.js';
import type { CaseEventBus } from './live.js';
import {
  loadWebUser,
  sessionSigner,
  setSessionCookie,
  verifyPassword,
  webRoleAllows,
  type WebRole,
  type WebUser,
} from './session.js';

export interface WebDeps {
  db: Db;
  engine: CaseEngine;
  logger: Logger;
  timeZone: string;
  sessionSecret: string;
  events?: CaseEventBus;
  devMail?: MailCatcher;
  devSms?: RecordingSms;
}

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'];

export function webRoutes(deps: WebDeps): Router {
  const { db, timeZone } = deps;
  const r = Router();
  const signer = sessionSigner(deps.sessionSecret);

  r.use('/static', express.static(fileURLToPath(new URL('./static/', import.meta.url)), { maxAge: '1h' }));
  r.use(express.urlencoded({ extended: false, limit: '64kb' }));
  r.use(loadWebUser(db, signer));
  r.use((req, res, next) => {
    if (req.query.lang === 'en' || req.query.lang === 'zh-CN') {
      res.append('Set-Cookie', `andon_lang=${req.query.lang}; Path=/; SameSite=Lax; Max-Age=31536000`);
    }
    res.set(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'",
    );
    res.set('X-Content-Type-Options', 'nosniff');
    next();
  });
  // Cross-site form posts are refused: the session cookie is SameSite=Lax, and the Origin must be ours.
  r.use((req, res, next) => {
    const origin = req.get('origin');
    if (req.method === 'POST' && origin && origin !== `${req.protocol}://${req.get('host')}`) {
      res.status(403).type('text/plain').send('cross-site request refused');
      return;
    }
    next();
  });

  const lang = (req: Request): Lang => langOf(req, req.webUser?.locale);
  const send = (
    req: Request,
    res: Response,
    title: string,
    body: Html,
    active?: string,
    status = 200,
  ): void => {
    res
      .status(status)
      .type('html')
      .send(
        page({ title, lang: lang(req), user: req.webUser, body, timeZone, ...(active ? { active } : {}) }),
      );
  };

  /** Pages need a signed-in person with at least `role`; others go to the sign-in page. */
  const need =
    (role: WebRole) =>
    (req: Request, res: Response, next: () => void): void => {
      if (!req.webUser) {
        res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      if (!webRoleAllows(req.webUser, role)) {
        send(
          req,
          res,
          t(lang(req), 'forbidden'),
          html`<p class="error">${t(lang(req), 'forbidden')}</p>`,
          undefined,
          403,
        );
        return;
      }
      next();
    };

  // ── sign-in ────────────────────────────────────────────────────────────────────────────────
  const loginForm = (req: Request, error?: string): Html => {
    const l = lang(req);
    const next =
      typeof req.query.next === 'string'
        ? req.query.next
        : typeof req.body?.next === 'string'
          ? req.body.next
          : '/';
    return html`<section class="login">
      <h1>${t(l, 'signIn')}</h1>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
      <form method="post" action="/login">
        <input type="hidden" name="next" value="${next}" />
        <label
          >${t(l, 'email')} <input name="email" type="email" autocomplete="username" required autofocus
        /></label>
        <label
          >${t(l, 'password')}
          <input name="password" type="password" autocomplete="current-password" required
        /></label>
        <button type="submit">${t(l, 'signIn')}</button>
      </form>
    </section>`;
  };

  r.get('/login', (req, res) => send(req, res, t(lang(req), 'signIn'), loginForm(req)));

  r.post('/login', async (req, res) => {
    const body = z
      .object({
        email: z.string().max(320),
        password: z.string().max(1000),
        next: z.string().max(2000).optional(),
      })
      .safeParse(req.body);
    if (!body.success) {
      send(req, res, t(lang(req), 'signIn'), loginForm(req, t(lang(req), 'badLogin')), undefined, 400);
      return;
    }
    const row = await db('people')
      .whereRaw('lower(email) = lower(?)', [body.data.email])
      .andWhere({ active: true })
      .first('id', 'password_hash');
    const ok = await verifyPassword(body.data.password, (row?.password_hash as string | undefined) ?? null);
    if (!row || !ok) {
      send(req, res, t(lang(req), 'signIn'), loginForm(req, t(lang(req), 'badLogin')), undefined, 401);
      return;
    }
    setSessionCookie(req, res, signer.issue(row.id as number));
    const next = body.data.next && /^\/(?!\/)/.test(body.data.next) ? body.data.next : '/';
    res.redirect(303, next);
  });

  r.post('/logout', (req, res) => {
    setSessionCookie(req, res, null);
    res.redirect(303, '/login');
  });

  // ── live updates ───────────────────────────────────────────────────────────────────────────
  r.get('/live', need('staff'), (req, res) => {
    res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    const onCase = (e: { caseId: number; type: string }): void => {
      res.write(`event: case\ndata: ${JSON.stringify(e)}\n\n`);
    };
    deps.events?.on('case', onCase);
    const beat = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    req.on('close', () => {
      clearInterval(beat);
      deps.events?.off('case', onCase);
    });
  });

  // ── board ──────────────────────────────────────────────────────────────────────────────────
  async function boardRows(l: Lang): Promise<Html> {
    const cases = await boardQuery(db);
    if (cases.length === 0) return html`<p class="empty">${t(l, 'noOpenCases')}</p>`;
    const ids = cases.map((c) => c.id);
    const tasks: Array<{ case_id: number; assignees: Array<{ name: string }>; role: string }> = await db(
      'tasks',
    )
      .whereIn('case_id', ids)
      .whereIn('status', ['open', 'acked'])
      .orderBy('id')
      .select('case_id', 'assignees', 'role');
    const extra: Array<{ id: number; title: string; current_step: string | null }> = await db('cases')
      .whereIn('id', ids)
      .select('id', 'title', 'current_step');
    const byLine = new Map<string, typeof cases>();
    for (const c of cases) byLine.set(c.line, [...(byLine.get(c.line) ?? []), c]);
    return html`${[...byLine.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([line, rows]) =>
          html`<section class="line" aria-labelledby="line-${line}">
            <h2 id="line-${line}">${t(l, 'line')} ${line}</h2>
            <table class="cases">
              <thead>
                <tr>
                  <th>${t(l, 'case')}</th>
                  <th>${t(l, 'type')}</th>
                  <th>${t(l, 'severity')}</th>
                  <th>${t(l, 'status')}</th>
                  <th>${t(l, 'step')}</th>
                  <th>${t(l, 'assignee')}</th>
                  <th>${t(l, 'level')}</th>
                  <th>${t(l, 'sla')}</th>
                  <th>${t(l, 'opened')}</th>
                </tr>
              </thead>
              <tbody>
                ${rows
                  .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity))
                  .map((c) => {
                    const who = tasks
                      .filter((x) => x.case_id === c.id)
                      .flatMap((x) => x.assignees.map((a) => a.name))
                      .filter((v, i, all) => all.indexOf(v) === i);
                    const info = extra.find((x) => x.id === c.id);
                    return html`<tr class="sev-${c.severity}" data-case="${c.id}">
                      <td>
                        <a href="/cases/${c.id}">#${c.id}</a> <span class="title">${info?.title ?? ''}</span>
                      </td>
                      <td>${EXCEPTION_TYPE_LABELS[c.type][l]}</td>
                      <td><span class="badge sev-${c.severity}">${c.severity}</span></td>
                      <td>${c.status}</td>
                      <td>${info?.current_step ?? '—'}</td>
                      <td>${who.join(', ') || '—'}</td>
                      <td>${c.escalationLevel}</td>
                      <td>
                        ${c.slaDeadline ? html`<time class="countdown" datetime="${c.slaDeadline}" data-overdue="${t(l, 'overdue')}">${localTime(c.slaDeadline, timeZone)}</time>` : '—'}
                      </td>
                      <td>${localTime(c.openedAt, timeZone)}</td>
                    </tr>`;
                  })}
              </tbody>
            </table>
          </section>`,
      )}`;
  }

  r.get('/', need('staff'), async (req, res) => {
    const l = lang(req);
    send(
      req,
      res,
      t(l, 'board'),
      html`<h1>${t(l, 'openCases')} <span class="live-dot" title="${t(l, 'live')}">●</span></h1>
        <div id="board" data-live-src="/partials/board" aria-live="polite">${await boardRows(l)}</div>`,
      'board',
    );
  });
  r.get('/partials/board', need('staff'), async (req, res) => {
    res.type('html').send((await boardRows(lang(req))).value);
  });

  // ── case page ──────────────────────────────────────────────────────────────────────────────
  const caseId = z.coerce.number().int().positive();

  async function caseDetail(record: CaseRecord, l: Lang, user: WebUser): Promise<Html> {
    const [events, notifications, live] = await Promise.all([
      timeline(db, record.id),
      notificationsForCase(db, record.id),
      record.status === 'pending_start' ? Promise.resolve(null) : deps.engine.state(record.id),
    ]);
    const docs = events.filter((e) => e.type === 'erp_document');
    const supervisor = webRoleAllows(user, 'supervisor');
    const active = record.status === 'open' || record.status === 'acknowledged';
    const taskList = (live?.tasks ?? []).map(
      (tk) =>
        html`<li class="task task-${tk.status}">
          <strong>${tk.title}</strong> — ${tk.role},
          ${tk.status}${tk.assignees.length > 0 ? html`, ${tk.assignees.map((a) => a.name).join(', ')}` : ''}
          ${tk.ackDeadline ? html`, ack by <time class="countdown" datetime="${tk.ackDeadline}" data-overdue="${t(l, 'overdue')}">${localTime(tk.ackDeadline, timeZone)}</time>` : ''}
          ${tk.eta ? html`, ETA ${localTime(tk.eta, timeZone)}` : ''}
          ${tk.result ? html` → <em>${tk.result.option}</em>` : ''}
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
                        ${(o.fields ?? []).map((f) => html`<label>${f.label} <input name="data.${f.name}" type="${f.type === 'datetime' ? 'datetime-local' : f.type === 'date' ? 'date' : f.type === 'number' ? 'number' : 'text'}" required /></label>`)}
                        <button type="submit">${o.label}</button>
                      </form>`,
                  )}
                  ${
                    supervisor
                      ? html`<form method="post" action="/cases/${record.id}/act/reassign" class="inline">
                          <input type="hidden" name="taskKey" value="${tk.key}" />
                          <label
                            >${t(l, 'toRole')}
                            <select name="role">
                              ${JOB_ROLES.map((jr) => html`<option ${jr === tk.role ? raw('selected') : ''}>${jr}</option>`)}
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
        <span class="badge sev-${record.severity}">${record.severity}</span>
        ${EXCEPTION_TYPE_LABELS[record.type][l]} · ${t(l, 'line')}
        ${record.line}${record.station ? ` / ${record.station}` : ''} · ${t(l, 'status')}:
        <strong class="status">${record.status}</strong> · ${t(l, 'step')}: ${record.currentStep ?? '—'} ·
        ${t(l, 'level')} ${record.escalationLevel} · ${t(l, 'sla')}:
        ${record.slaDeadline ? html`<time class="countdown" datetime="${record.slaDeadline}" data-overdue="${t(l, 'overdue')}">${localTime(record.slaDeadline, timeZone)}</time>` : '—'}${record.slaBreached ? html` <span class="badge sev-critical">SLA ✗</span>` : ''}
      </p>
      ${record.resolution ? html`<p>${t(l, 'resolution')}: ${record.resolution}${record.rootCause ? html` · ${t(l, 'rootCause')}: ${record.rootCause}` : ''}</p>` : ''}
      <h2>${t(l, 'tasks')}</h2>
      <ul class="tasks">
        ${taskList.length > 0 ? taskList : html`<li>${t(l, 'nothing')}</li>`}
      </ul>
      <h2>${t(l, 'timeline')}</h2>
      <ol class="timeline">
        ${events.map(
          (e) =>
            html`<li class="ev-${e.type}">
              <time datetime="${e.occurredAt}">${localTime(e.occurredAt, timeZone)}</time>
              <strong>${e.type}</strong> <span class="actor">${e.actor}</span>
              <code>${JSON.stringify(e.data)}</code>
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
                <td>${n.channel}</td>
                <td>${n.recipient}</td>
                <td>${n.status}${n.lastError ? html` <small>${n.lastError}</small>` : ''}</td>
                <td>${n.attempts}</td>
              </tr>`,
          )}
        </tbody>
      </table>
      <h2>${t(l, 'erpDocuments')}</h2>
      <ul>
        ${docs.length > 0 ? docs.map((d) => html`<li>${String(d.data.docType)} <strong>${String(d.data.docId)}</strong> (${String(d.data.status)}) — ${String(d.data.step)}</li>`) : html`<li>${t(l, 'nothing')}</li>`}
      </ul>`;
  }

  async function caseActions(record: CaseRecord, l: Lang, user: WebUser): Promise<Html> {
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
                  <input name="downtimeMinutes" type="number" min="0" value="${record.downtimeMinutes ?? ''}"
                /></label>
                <button type="submit">${t(l, 'close')}</button>
              </form>`
            : ''
        }
      </div>`;
  }

  r.get('/cases/:id', need('staff'), async (req, res) => {
    const l = lang(req);
    const id = caseId.safeParse(req.params.id);
    const record = id.success ? await getCase(db, id.data) : null;
    if (!record) {
      send(req, res, t(l, 'notFound'), html`<p class="error">${t(l, 'notFound')}</p>`, undefined, 404);
      return;
    }
    const error = typeof req.query.error === 'string' ? req.query.error : null;
    send(
      req,
      res,
      `#${record.id}`,
      html`<h1>#${record.id} ${record.title}</h1>
        ${error ? html`<p class="error" role="alert">${t(l, 'refused')}: ${error}</p>` : ''}
        <div
          id="case"
          data-live-src="/partials/cases/${record.id}"
          data-live-case="${record.id}"
          aria-live="polite"
        >
          ${await caseDetail(record, l, req.webUser!)}
        </div>
        ${await caseActions(record, l, req.webUser!)}`,
      'board',
    );
  });

  r.get('/partials/cases/:id', need('staff'), async (req, res) => {
    const id = caseId.safeParse(req.params.id);
    const record = id.success ? await getCase(db, id.data) : null;
    if (!record) {
      res.status(404).end();
      return;
    }
    res.type('html').send((await caseDetail(record, lang(req), req.webUser!)).value);
  });

  /** Form actions go through the same workflow updates as the API; refusals come back as a message. */
  const ACTIONS: Record<
    string,
    {
      role: WebRole;
      build: (
        b: Record<string, string>,
        actor: Actor,
      ) => [keyof CaseUpdates, CaseUpdates[keyof CaseUpdates]] | string;
    }
  > = {
    ack: {
      role: 'staff',
      build: (b, actor) => ['ack', { actor, ...(b.taskKey ? { taskKey: b.taskKey } : {}) }],
    },
    comment: {
      role: 'staff',
      build: (b, actor) =>
        b.text?.trim() ? ['comment', { actor, text: b.text.trim().slice(0, 4000) }] : 'a comment needs text',
    },
    decide: {
      role: 'staff',
      build: (b, actor) => {
        const data: Record<string, string> = {};
        for (const [k, v] of Object.entries(b)) {
          if (!k.startsWith('data.') || !v) continue;
          // datetime-local has no zone: it is the plant's local time.
          data[k.slice(5)] = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)
            ? (localToInstant(v, timeZone)?.toISOString() ?? v)
            : v;
        }
        return b.option
          ? ['decide', { actor, option: b.option, data, ...(b.taskKey ? { taskKey: b.taskKey } : {}) }]
          : 'choose an option';
      },
    },
    resolve: {
      role: 'staff',
      build: (b, actor) =>
        b.resolution?.trim()
          ? [
              'resolve',
              {
                actor,
                resolution: b.resolution.trim(),
                ...(b.rootCause?.trim() ? { rootCause: b.rootCause.trim() } : {}),
              },
            ]
          : 'a resolution is needed',
    },
    close: {
      role: 'supervisor',
      build: (b, actor) => {
        const minutes = b.downtimeMinutes ? Number(b.downtimeMinutes) : undefined;
        if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 0))
          return 'downtime must be whole minutes';
        return [
          'close',
          {
            actor,
            ...(b.rootCause?.trim() ? { rootCause: b.rootCause.trim() } : {}),
            ...(b.correctiveAction?.trim() ? { correctiveAction: b.correctiveAction.trim() } : {}),
            ...(minutes !== undefined ? { downtimeMinutes: minutes } : {}),
          },
        ];
      },
    },
    reassign: {
      role: 'supervisor',
      build: (b, actor) => {
        const role = JOB_ROLES.find((jr) => jr === b.role);
        return role
          ? ['reassign', { actor, role, ...(b.taskKey ? { taskKey: b.taskKey } : {}) }]
          : 'choose a role';
      },
    },
  };

  r.post('/cases/:id/act/:action', need('staff'), async (req, res) => {
    const id = caseId.safeParse(req.params.id);
    const spec = ACTIONS[String(req.params.action)];
    if (!id.success || !spec) {
      res.status(404).type('text/plain').send('no such action');
      return;
    }
    const back = (error?: string): void =>
      res.redirect(303, `/cases/${id.data}${error ? `?error=${encodeURIComponent(error)}` : ''}`);
    if (!webRoleAllows(req.webUser, spec.role)) return back(t(lang(req), 'forbidden'));
    const user = req.webUser!;
    const built = spec.build((req.body ?? {}) as Record<string, string>, {
      kind: 'person',
      id: String(user.personId),
      name: user.name,
    });
    if (typeof built === 'string') return back(built);
    try {
      await deps.engine.update(id.data, built[0], built[1] as never);
      back();
    } catch (err) {
      if (err instanceof ActionRefused || err instanceof CaseFinished) return back(err.message);
      if (err instanceof EngineUnavailable)
        return back('the workflow engine is unreachable; try again shortly');
      throw err;
    }
  });

  // ── reports ────────────────────────────────────────────────────────────────────────────────
  /** The KPI table by exception type over the last 90 days (the reports page, and its live refresh). */
  async function kpiByType(l: Lang): Promise<{ table: Html; pareto: Html }> {
    const byType = await summaryReport(db, { from: ninetyDaysAgo(), groupBy: 'type', timeZone });
    const table = html`<h2>${t(l, 'byType')}</h2>
      <table class="cases kpi">
        <thead>
          <tr>
            ${(
              [
                'type',
                'cases',
                'closed',
                'mtta',
                'mttr',
                'closureP50',
                'closureP90',
                'slaBreachRate',
                'escalationRate',
                'downtime',
              ] as const
            ).map((k) => html`<th>${t(l, k)}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${byType.groups.map(
            (g) =>
              html`<tr>
                <th scope="row">
                  ${g.key ? (EXCEPTION_TYPE_LABELS[g.key as ExceptionType]?.[l] ?? g.key) : '—'}
                </th>
                <td>${g.cases}</td>
                <td>${g.closed}</td>
                <td>${duration(g.mttaSeconds)}</td>
                <td>${duration(g.mttrSeconds)}</td>
                <td>${duration(g.closureP50Seconds)}</td>
                <td>${duration(g.closureP90Seconds)}</td>
                <td>${pct(g.slaBreachRate)}</td>
                <td>${pct(g.escalationRate)}</td>
                <td>${g.downtimeMinutes}</td>
              </tr>`,
          )}
        </tbody>
      </table>`;
    const pareto = paretoChart({
      title: t(l, 'pareto'),
      rows: byType.pareto.map((p) => ({
        label: p.reasonCode,
        count: p.count,
        cumulative: p.cumulativePercent,
      })),
    });
    return { table, pareto };
  }

  r.get('/reports', need('supervisor'), async (req, res) => {
    const l = lang(req);
    const [weekly, kpi] = await Promise.all([
      summaryReport(db, { from: ninetyDaysAgo(), groupBy: 'period', period: 'week', timeZone }),
      kpiByType(l),
    ]);
    const minutes = (s: number | null): number | null => (s === null ? null : s / 60);
    send(
      req,
      res,
      t(l, 'reports'),
      html`<h1>${t(l, 'reports')} · ${t(l, 'last90')}</h1>
        <div id="report" data-live-src="/partials/reports">${kpi.table}</div>
        <p><a href="/api/v1/reports/summary?groupBy=type">${t(l, 'csv')}</a> (API, Accept: text/csv)</p>
        <h2>${t(l, 'trend')}</h2>
        ${lineChart({
          labels: weekly.groups.map((g) => g.key ?? ''),
          title: t(l, 'trend'),
          unit: (v) => `${Math.round(v)}m`,
          series: [
            {
              name: t(l, 'mtta'),
              colour: '#d97706',
              values: weekly.groups.map((g) => minutes(g.mttaSeconds)),
            },
            {
              name: t(l, 'mttr'),
              colour: '#2563eb',
              values: weekly.groups.map((g) => minutes(g.mttrSeconds)),
            },
          ],
        })}
        <h2>${t(l, 'pareto')}</h2>
        ${kpi.pareto}`,
      'reports',
    );
  });

  r.get('/partials/reports', need('supervisor'), async (req, res) => {
    res.type('html').send((await kpiByType(lang(req))).table.value);
  });

  // ── admin: catalog, policies, people ──────────────────────────────────────────────────────
  r.get('/admin', need('admin'), async (req, res) => {
    const l = lang(req);
    const [types, reasons, policies, people, roles] = await Promise.all([
      db('exception_types').orderBy('code'),
      db('reason_codes').where({ active: true }).orderBy(['type', 'code']),
      db('escalation_policies').orderBy(['type', 'id']),
      db('people').orderBy('name').select('id', 'name', 'email', 'phone', 'locale', 'web_role', 'active'),
      db('person_roles').select('person_id', 'role', 'line'),
    ]);
    send(
      req,
      res,
      t(l, 'admin'),
      html`<h1>${t(l, 'catalog')}</h1>
        <table class="cases">
          <thead>
            <tr>
              <th>code</th>
              <th>en</th>
              <th>中文</th>
              <th>SOP</th>
              <th>reason codes</th>
            </tr>
          </thead>
          <tbody>
            ${types.map(
              (ty: Record<string, unknown>) =>
                html`<tr>
                  <td>${String(ty.code)}</td>
                  <td>${String(ty.name_en)}</td>
                  <td>${String(ty.name_zh)}</td>
                  <td><code>${JSON.stringify(ty.sop_params)}</code></td>
                  <td>
                    ${reasons.filter((rc: Record<string, unknown>) => rc.type === ty.code).map((rc: Record<string, unknown>) => html`<div>${String(rc.code)} — ${l === 'en' ? String(rc.name_en) : String(rc.name_zh)}</div>`)}
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        <h2>${t(l, 'policies')}</h2>
        <table class="cases">
          <thead>
            <tr>
              <th>type</th>
              <th>severity</th>
              <th>line</th>
              <th>ladder</th>
              <th>SLA</th>
              <th>repeat</th>
            </tr>
          </thead>
          <tbody>
            ${policies.map(
              (p: Record<string, unknown>) =>
                html`<tr>
                  <td>${String(p.type)}</td>
                  <td>${String(p.severity ?? '*')}</td>
                  <td>${String(p.line ?? '*')}</td>
                  <td>
                    ${(p.ladder as Array<{ targetRole: string; ackTimeoutSeconds: number; channels: string[] }>).map((lv, i) => html`<div>${i}: ${lv.targetRole} (${lv.channels.join('+')}, ${duration(lv.ackTimeoutSeconds)})</div>`)}
                  </td>
                  <td>${duration(Number(p.resolve_sla_seconds))}</td>
                  <td>${String(p.repeat_count)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        <h2>${t(l, 'people')}</h2>
        <table class="cases">
          <thead>
            <tr>
              <th>name</th>
              <th>email</th>
              <th>phone</th>
              <th>locale</th>
              <th>web</th>
              <th>${t(l, 'roles')}</th>
            </tr>
          </thead>
          <tbody>
            ${people.map(
              (p: Record<string, unknown>) =>
                html`<tr class="${p.active ? '' : 'inactive'}">
                  <td>${String(p.name)}</td>
                  <td>${String(p.email ?? '')}</td>
                  <td>${String(p.phone ?? '')}</td>
                  <td>${String(p.locale)}</td>
                  <td>${String(p.web_role)}</td>
                  <td>
                    ${roles
                      .filter((ro: Record<string, unknown>) => ro.person_id === p.id)
                      .map(
                        (ro: Record<string, unknown>) =>
                          `${String(ro.role)}${ro.line ? `@${String(ro.line)}` : ''}`,
                      )
                      .join(', ')}
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        <p>
          The catalog and policies are edited through <code>/api/v1/exception-types</code> and
          <code>/api/v1/policies</code>.
        </p>`,
      'admin',
    );
  });

  // ── dev outbox ─────────────────────────────────────────────────────────────────────────────
  r.get('/outbox', need('staff'), async (req, res) => {
    const l = lang(req);
    const mail = deps.devMail?.messages.slice(-100).reverse() ?? null;
    const sms = deps.devSms?.messages.slice(-100).reverse() ?? null;
    const mailPart =
      mail === null
        ? html``
        : html`<h2>${t(l, 'mail')}</h2>
            ${mail.length === 0 ? html`<p>${t(l, 'nothing')}</p>` : ''}
            ${mail.map(
              (m) =>
                html`<article class="mail">
                  <header>
                    <strong>${m.subject}</strong><br /><small
                      >${m.to.join(', ')} · ${localTime(m.receivedAt, timeZone)}</small
                    >
                  </header>
                  <pre>${m.text}</pre>
                </article>`,
            )}`;
    const smsPart =
      sms === null
        ? html``
        : html`<h2>${t(l, 'sms')}</h2>
            ${sms.length === 0 ? html`<p>${t(l, 'nothing')}</p>` : ''}
            ${sms.map(
              (m) =>
                html`<article class="mail sms">
                  <header><small>${m.to} · ${localTime(m.sentAt, timeZone)}</small></header>
                  <pre>${m.body}</pre>
                </article>`,
            )}`;
    send(
      req,
      res,
      t(l, 'outbox'),
      html`<h1>${t(l, 'outbox')}</h1>
        ${mail === null && sms === null ? html`<p>${t(l, 'noCatcher')}</p>` : html`${mailPart}${smsPart}`}`,
      'outbox',
    );
  });

  return r;
}

const ninetyDaysAgo = (): Date => new Date(Date.now() - 90 * 24 * 3600_000);

function pct(v: number | null): string {
  return v === null ? '—' : `${(v * 100).toFixed(1)}%`;
}
