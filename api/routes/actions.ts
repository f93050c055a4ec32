/**
 * Acting on a case as a person, from outside the API keys: the signed one-time action links of
 * messages (GET /a/{token} renders a small mobile page; the change happens only on POST, because mail
 * scanners follow links) and SMS replies (api/routes/twilio.ts). Both go through the case workflow's
 * updates, as the person.
 */
import { localToInstant } from '../../lib/time.js';
import express, { Router, type Response } from 'express';
import { getCase, type CaseRecord } from '../../db/cases.js';
import type { Db } from '../../db/index.js';
import { EXCEPTION_TYPE_LABELS, type Locale } from '../../domain/model.js';
import type { DecisionData, DecisionOption } from '../../domain/contracts/tasks.js';
import { asLocale } from '../../activities/notify/render.js';
import { escapeHtml } from '../../lib/html.js';
import type { LinkClaims, LinkSigner } from '../../lib/links.js';
import type { Logger } from '../../lib/logger.js';
import type { Actor, CaseState, TaskView } from '../../workflows/messages.js';
import {
  ActionRefused,
  CaseFinished,
  EngineUnavailable,
  type CaseEngine,
  type CaseUpdates,
} from '../engine.js';

export interface PersonRow {
  id: number;
  name: string;
  locale: string;
  phone: string | null;
  email: string | null;
}

export const personActor = (p: PersonRow): Actor => ({ kind: 'person', id: String(p.id), name: p.name });

export type ActOutcome =
  | { ok: true; state: CaseState }
  | { ok: false; kind: 'refused' | 'finished' | 'unavailable'; message: string };

/** Runs one update as a person; refusals come back as values, for a page or an SMS reply. */
export async function actAs<K extends keyof CaseUpdates>(
  engine: CaseEngine,
  caseId: number,
  action: K,
  input: CaseUpdates[K],
): Promise<ActOutcome> {
  try {
    return { ok: true, state: await engine.update(caseId, action, input) };
  } catch (err) {
    if (err instanceof ActionRefused) return { ok: false, kind: 'refused', message: err.message };
    if (err instanceof CaseFinished) return { ok: false, kind: 'finished', message: err.message };
    if (err instanceof EngineUnavailable) return { ok: false, kind: 'unavailable', message: err.message };
    throw err;
  }
}

const answerable = (t: TaskView): boolean => t.status === 'open' || t.status === 'acked';

/** `YYYY-MM-DDTHH:mm` as read on a clock in `timeZone` → ISO 8601 UTC. */
export function localToIso(local: string, timeZone: string): string | null {
  return local.includes('T') ? (localToInstant(local, timeZone)?.toISOString() ?? null) : null;
}

const T = {
  title: { en: 'Andon case', 'zh-CN': 'Andon 异常单' },
  forged: {
    en: 'This link is not valid. Use the link in the message exactly as you received it.',
    'zh-CN': '此链接无效。请使用消息中收到的原始链接。',
  },
  expired: {
    en: 'This link has expired. Open the case in Andon, or wait for the next message.',
    'zh-CN': '此链接已过期。请在 Andon 中打开异常单，或等待下一条消息。',
  },
  used: {
    en: 'This link has already been used. Nothing was changed. Use the newest link you received.',
    'zh-CN': '此链接已被使用过，未做任何更改。请使用您收到的最新链接。',
  },
  gone: { en: 'This case or person no longer exists.', 'zh-CN': '该异常单或人员已不存在。' },
  what: { en: 'What', 'zh-CN': '内容' },
  where: { en: 'Where', 'zh-CN': '地点' },
  since: { en: 'Since', 'zh-CN': '发生时间' },
  status: { en: 'Status', 'zh-CN': '状态' },
  asked: { en: 'Asked of you', 'zh-CN': '您的任务' },
  deadline: { en: 'Acknowledge by', 'zh-CN': '确认期限' },
  ack: { en: 'Acknowledge', 'zh-CN': '确认收到' },
  eta: { en: 'Report an ETA', 'zh-CN': '报告预计完成时间' },
  etaMinutes: { en: 'Done in (minutes)', 'zh-CN': '预计多少分钟后完成' },
  send: { en: 'Send', 'zh-CN': '提交' },
  decide: { en: 'Decide', 'zh-CN': '做出决定' },
  resolve: { en: 'Resolve the case', 'zh-CN': '解决此异常' },
  resolution: { en: 'What was done', 'zh-CN': '处理说明' },
  rootCause: { en: 'Root cause (if known)', 'zh-CN': '根本原因（如已知）' },
  nothing: { en: 'Nothing is waiting for you on this case.', 'zh-CN': '此异常单目前没有需要您处理的事项。' },
  unavailable: {
    en: 'Andon cannot reach the workflow engine right now. Nothing was changed; try again in a minute.',
    'zh-CN': 'Andon 暂时无法连接流程引擎，未做任何更改，请稍后重试。',
  },
  refused: { en: 'This could not be done:', 'zh-CN': '无法执行：' },
  tryAgain: { en: 'Back to the case', 'zh-CN': '返回异常单' },
  done: { en: 'Done:', 'zh-CN': '已完成：' },
  more: { en: 'More to do on this case', 'zh-CN': '继续处理此异常单' },
  acked: { en: 'acknowledged', 'zh-CN': '已确认' },
  etaSet: { en: 'ETA reported', 'zh-CN': '已报告预计完成时间' },
  decided: { en: 'decision recorded', 'zh-CN': '已记录决定' },
  resolved: { en: 'case resolved', 'zh-CN': '异常已解决' },
  badInput: { en: 'Please fill in:', 'zh-CN': '请填写：' },
} satisfies Record<string, Record<Locale, string>>;

const t = (key: keyof typeof T, l: Locale): string => T[key][l];

function shell(locale: Locale, body: string): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(t('title', locale))}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;padding:1rem;max-width:36rem;line-height:1.4;font-size:17px}
h1{font-size:1.3rem;margin:.2rem 0 1rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem .8rem}dt{font-weight:600}dd{margin:0}
form{border:1px solid #ccc;border-radius:8px;padding:.8rem;margin:.8rem 0}
label{display:block;margin:.4rem 0 .2rem}
input,textarea,select{width:100%;box-sizing:border-box;font-size:1rem;padding:.5rem}
button{width:100%;font-size:1.05rem;padding:.8rem;margin-top:.6rem;border:0;border-radius:6px;background:#0b5cad;color:#fff}
.msg{padding:.8rem;border-radius:6px;background:#eef5ee}.err{background:#fbeaea}
</style></head><body>${body}</body></html>`;
}

function send(res: Response, status: number, locale: Locale, body: string): void {
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .set('Referrer-Policy', 'no-referrer')
    .set('X-Robots-Tag', 'noindex')
    .type('html')
    .send(shell(locale, body));
}

const notice = (res: Response, status: number, locale: Locale, message: string, err = true): void =>
  send(res, status, locale, `<h1>Andon</h1><p class="msg${err ? ' err' : ''}">${escapeHtml(message)}</p>`);

interface Loaded {
  claims: LinkClaims;
  person: PersonRow;
  record: CaseRecord;
  locale: Locale;
}

export interface ActionLinkDeps {
  db: Db;
  engine: CaseEngine;
  logger: Logger;
  links: LinkSigner;
  publicUrl: () => string;
  timeZone?: string;
}

export function actionLinkRoutes(deps: ActionLinkDeps): Router {
  const { db, engine, links } = deps;
  const tz = deps.timeZone ?? 'UTC';
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  /** Checks the link; answers the page itself (and returns null) when it cannot be used. */
  const load = async (token: string, res: Response): Promise<Loaded | null> => {
    const check = links.verify(token);
    if (!check.ok) {
      if (check.reason === 'expired') {
        const p = check.claims ? await personRow(db, check.claims.p) : null;
        notice(res, 410, asLocale(p?.locale), t('expired', asLocale(p?.locale)));
      } else {
        notice(res, 403, 'en', `${t('forged', 'en')} / ${t('forged', 'zh-CN')}`);
      }
      return null;
    }
    const { claims } = check;
    const person = await personRow(db, claims.p);
    const record = await getCase(db, claims.c);
    const locale = asLocale(person?.locale);
    if (!person || !record) {
      notice(res, 404, locale, t('gone', locale));
      return null;
    }
    if (await db('action_link_uses').where({ nonce: claims.n }).first('nonce')) {
      notice(res, 410, locale, t('used', locale));
      return null;
    }
    return { claims, person, record, locale };
  };

  r.get('/a/:token', async (req, res) => {
    const l = await load(String(req.params.token), res);
    if (!l) return;
    const live = l.record.status === 'pending_start' ? null : await engine.state(l.record.id);
    send(res, 200, l.locale, renderPage(l, live, String(req.params.token), tz));
  });

  r.post('/a/:token', form, async (req, res) => {
    const token = String(req.params.token);
    const l = await load(token, res);
    if (!l) return;
    const { claims, person, record, locale } = l;
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const action = body.action;
    const actor = personActor(person);
    const taskKey = claims.t === '' ? undefined : claims.t;
    const missing = (what: string): void =>
      send(
        res,
        400,
        locale,
        `<p class="msg err">${escapeHtml(`${t('badInput', locale)} ${what}`)}</p><p><a href="${escapeHtml(`/a/${token}`)}">${escapeHtml(t('tryAgain', locale))}</a></p>`,
      );

    let run: () => Promise<ActOutcome>;
    let doneText: string;
    if (action === 'ack') {
      run = () =>
        actAs(engine, record.id, 'ack', { actor, note: 'via action link', ...(taskKey ? { taskKey } : {}) });
      doneText = t('acked', locale);
    } else if (action === 'eta') {
      const minutes = Number(body.etaMinutes);
      if (!Number.isFinite(minutes) || minutes < 1 || minutes > 7 * 24 * 60)
        return missing(t('etaMinutes', locale));
      const eta = new Date(Date.now() + Math.round(minutes) * 60_000).toISOString();
      run = () => actAs(engine, record.id, 'eta', { actor, eta, ...(taskKey ? { taskKey } : {}) });
      doneText = t('etaSet', locale);
    } else if (action === 'decide') {
      const live = await engine.state(record.id);
      const task = live?.tasks.find((x) => x.key === claims.t);
      const option = task?.options.find((o) => o.id === body.option);
      if (!task || !option) return missing(t('decide', locale));
      const data: DecisionData = {};
      for (const f of option.fields ?? []) {
        const raw = (body[`f_${f.name}`] ?? '').trim();
        if (raw === '') return missing(f.label);
        if (f.type === 'number') {
          if (!Number.isFinite(Number(raw))) return missing(f.label);
          data[f.name] = Number(raw);
        } else if (f.type === 'datetime') {
          const iso = localToIso(raw, tz);
          if (!iso) return missing(f.label);
          data[f.name] = iso;
        } else data[f.name] = raw;
      }
      run = () => actAs(engine, record.id, 'decide', { actor, taskKey: task.key, option: option.id, data });
      doneText = `${t('decided', locale)} (${option.label})`;
    } else if (action === 'resolve') {
      const resolution = (body.resolution ?? '').trim();
      if (resolution === '') return missing(t('resolution', locale));
      const rootCause = (body.rootCause ?? '').trim();
      run = () =>
        actAs(engine, record.id, 'resolve', { actor, resolution, ...(rootCause ? { rootCause } : {}) });
      doneText = t('resolved', locale);
    } else {
      return missing('action');
    }

    // Claim the link first: of two concurrent posts, one acts.
    const claimed = await db('action_link_uses')
      .insert({ nonce: claims.n, person_id: person.id, case_id: record.id, task_key: claims.t, action })
      .onConflict('nonce')
      .ignore()
      .returning('nonce');
    if (claimed.length === 0) return notice(res, 410, locale, t('used', locale));

    const outcome = await run();
    if (!outcome.ok) {
      // Nothing changed: the link stays usable for another try.
      await db('action_link_uses').where({ nonce: claims.n }).delete();
      if (outcome.kind === 'unavailable') return notice(res, 503, locale, t('unavailable', locale));
      return send(
        res,
        409,
        locale,
        `<p class="msg err">${escapeHtml(`${t('refused', locale)} ${outcome.message}`)}</p><p><a href="${escapeHtml(`/a/${token}`)}">${escapeHtml(t('tryAgain', locale))}</a></p>`,
      );
    }
    deps.logger.info({ caseId: record.id, personId: person.id, action }, 'action link used');
    const next = links.sign({ p: person.id, c: record.id, t: claims.t });
    const stillActive = outcome.state.status === 'open' || outcome.state.status === 'acknowledged';
    send(
      res,
      200,
      locale,
      `<h1>#${record.id}</h1><p class="msg">${escapeHtml(`${t('done', locale)} ${doneText}`)}</p>${
        stillActive
          ? `<p><a href="${escapeHtml(`${deps.publicUrl()}/a/${next}`)}">${escapeHtml(t('more', locale))}</a></p>`
          : ''
      }`,
    );
  });

  return r;
}

export async function personRow(db: Db, id: number): Promise<PersonRow | null> {
  const row = (await db('people')
    .where({ id, active: true })
    .first('id', 'name', 'locale', 'phone', 'email')) as PersonRow | undefined;
  return row ?? null;
}

function optionForm(token: string, o: DecisionOption): string {
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
      return `<label for="f_${escapeHtml(o.id)}_${escapeHtml(f.name)}">${escapeHtml(f.label)}</label><input id="f_${escapeHtml(o.id)}_${escapeHtml(f.name)}" name="f_${escapeHtml(f.name)}" type="${type}" required${type === 'number' ? ' step="any"' : ''}>`;
    })
    .join('');
  return `<form method="post" action="/a/${escapeHtml(token)}"><input type="hidden" name="action" value="decide"><input type="hidden" name="option" value="${escapeHtml(o.id)}">${fields}<button type="submit">${escapeHtml(o.label)}</button></form>`;
}

function renderPage(l: Loaded, live: CaseState | null, token: string, tz: string): string {
  const { record, locale, claims } = l;
  const where = record.station ? `${record.line} / ${record.station}` : record.line;
  const task = live?.tasks.find((x) => x.key === claims.t) ?? null;
  const caseActive = record.status === 'open' || record.status === 'acknowledged';
  const action = `/a/${escapeHtml(token)}`;
  const forms: string[] = [];
  const canAck = task ? task.status === 'open' : record.status === 'open';
  const canAnswer = task ? answerable(task) : caseActive;
  if (caseActive && canAck)
    forms.push(
      `<form method="post" action="${action}"><input type="hidden" name="action" value="ack"><button type="submit">${escapeHtml(t('ack', locale))}</button></form>`,
    );
  if (caseActive && canAnswer && (task || live?.tasks.some(answerable)))
    forms.push(
      `<form method="post" action="${action}"><input type="hidden" name="action" value="eta"><label for="eta">${escapeHtml(t('etaMinutes', locale))}</label><input id="eta" name="etaMinutes" type="number" min="1" max="10080" inputmode="numeric" required><button type="submit">${escapeHtml(t('eta', locale))}</button></form>`,
    );
  if (caseActive && task && answerable(task) && task.options.length > 0) {
    forms.push(`<h2>${escapeHtml(t('decide', locale))}</h2>`);
    for (const o of task.options) forms.push(optionForm(token, o));
  }
  if (caseActive)
    forms.push(
      `<form method="post" action="${action}"><input type="hidden" name="action" value="resolve"><label for="resolution">${escapeHtml(t('resolution', locale))}</label><textarea id="resolution" name="resolution" rows="3" required></textarea><label for="rootCause">${escapeHtml(t('rootCause', locale))}</label><input id="rootCause" name="rootCause" type="text"><button type="submit">${escapeHtml(t('resolve', locale))}</button></form>`,
    );
  const deadline = task?.ackDeadline ?? null;
  const rows: Array<[string, string]> = [
    [t('what', locale), `${EXCEPTION_TYPE_LABELS[record.type][locale]} — ${record.title}`],
    [t('where', locale), where],
    [t('since', locale), new Date(record.openedAt).toLocaleString(locale, { timeZone: tz })],
    [t('status', locale), record.status],
    ...(task ? ([[t('asked', locale), task.title]] as Array<[string, string]>) : []),
    ...(deadline
      ? ([[t('deadline', locale), new Date(deadline).toLocaleString(locale, { timeZone: tz })]] as Array<
          [string, string]
        >)
      : []),
  ];
  return `<h1>${escapeHtml(t('title', locale))} #${record.id}</h1><p>${escapeHtml(l.person.name)}</p><dl>${rows
    .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
    .join(
      '',
    )}</dl>${forms.length > 0 ? forms.join('') : `<p class="msg">${escapeHtml(t('nothing', locale))}</p>`}`;
}
