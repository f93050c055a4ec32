/**
 * Acting on a case from a message: the signed one-time action links (GET /a/{token} renders a small
 * mobile page; the change happens only on POST, because mail scanners follow links). The form's
 * fields become the body of the matching REST action and go through runAction() as the link's
 * person, who must be a current assignee of the task (`asAssignee`).
 */
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { claimLink, linkUsed, releaseLink } from '../../db/action-links.js';
import { getCase, type CaseRecord } from '../../db/cases.js';
import type { Db } from '../../db/index.js';
import { getPerson, type Person } from '../../db/people.js';
import type { Actor } from '../../domain/contracts/actions.js';
import { checkDecisionData } from '../../domain/contracts/tasks.js';
import type { Locale } from '../../domain/model.js';
import type { LinkClaims, LinkSigner } from '../../lib/links.js';
import { asLocale } from '../../lib/locale.js';
import type { Logger } from '../../lib/logger.js';
import type { CaseClient } from '../case-client.js';
import { compact, decisionData, numberField, optional, required, type FormFields } from '../forms.js';
import { mayAct, problemOf, runAction, type ActionName } from '../run-action.js';
import { renderActionPage, sendActionPage, sendNotice } from '../web/action-page.js';
import { bilingual, refusalText, t, type StringKey } from '../web/i18n.js';

export const personActor = (p: { id: number; name: string }): Actor => ({
  kind: 'person',
  id: String(p.id),
  name: p.name,
});

/** Minutes until done, as a link's ETA form and an SMS "E <case> <minutes>" give them: up to a week. */
export const etaMinutes = z
  .number({ message: 'must be a number of minutes' })
  .int('must be whole minutes')
  .min(1, 'at least 1 minute')
  .max(7 * 24 * 60, 'at most a week (10080 minutes)');

interface Loaded {
  claims: LinkClaims;
  person: Person;
  record: CaseRecord;
  locale: Locale;
}

export interface ActionLinkDeps {
  db: Db;
  cases: CaseClient;
  logger: Logger;
  links: LinkSigner;
  publicUrl: () => string;
  timeZone?: string;
}

/** What the person asked for, as the body of the REST action; or the label of what is missing. */
type Asked = { action: ActionName; body: Record<string, unknown>; done: string } | { missing: string };

export function actionLinkRoutes(deps: ActionLinkDeps): Router {
  const { db, cases, links } = deps;
  const tz = deps.timeZone ?? 'UTC';
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  /** Checks the link; answers the page itself (and returns null) when it cannot be used. */
  const load = async (token: string, res: Response): Promise<Loaded | null> => {
    const check = links.verify(token);
    if (!check.ok) {
      if (check.reason === 'expired') {
        const p = check.claims ? await getPerson(db, check.claims.p) : null;
        const l = asLocale(p?.locale);
        sendNotice(res, 410, l, t(l, 'linkExpired'));
      } else sendNotice(res, 403, 'en', bilingual('linkForged'));
      return null;
    }
    const { claims } = check;
    const [found, record] = await Promise.all([getPerson(db, claims.p), getCase(db, claims.c)]);
    const person = found?.active ? found : null;
    const locale = asLocale(person?.locale);
    if (!person || !record) {
      sendNotice(res, 404, locale, t(locale, 'linkGone'));
      return null;
    }
    if (await linkUsed(db, claims.n)) {
      sendNotice(res, 410, locale, t(locale, 'linkUsed'));
      return null;
    }
    return { claims, person, record, locale };
  };

  r.get('/a/:token', async (req, res) => {
    const token = String(req.params.token);
    const l = await load(token, res);
    if (!l) return;
    const live = l.record.status === 'pending_start' ? null : await cases.state(l.record.id);
    const taskKey = l.claims.t === '' ? undefined : l.claims.t;
    const assigned = live ? await mayAct(db, live, l.person.id, 'ack', taskKey) : true;
    sendActionPage(
      res,
      200,
      l.locale,
      renderActionPage({ ...l, taskKey: l.claims.t, live, assigned, token, timeZone: tz }),
    );
  });

  /** Reads the form into the REST body of the action asked for. */
  const asked = async (l: Loaded, f: FormFields): Promise<Asked> => {
    const { claims, locale } = l;
    const taskKey = claims.t === '' ? undefined : claims.t;
    const say = (k: StringKey): string => t(locale, k);
    switch (f.action) {
      case 'ack':
        return { action: 'ack', body: compact({ note: 'via action link', taskKey }), done: say('linkAcked') };
      case 'eta': {
        const minutes = etaMinutes.safeParse(numberField(f.etaMinutes));
        if (!minutes.success) return { missing: say('linkEtaMinutes') };
        const eta = new Date(Date.now() + minutes.data * 60_000).toISOString();
        return { action: 'eta', body: compact({ eta, taskKey }), done: say('linkEtaSet') };
      }
      case 'decide': {
        const live = await cases.state(l.record.id);
        const task = live?.tasks.find((x) => x.key === claims.t);
        const option = task?.options.find((o) => o.id === f.option);
        if (!task || !option) return { missing: say('linkDecide') };
        const data = decisionData(f, option, (n) => `f_${n}`, tz, []);
        const absent = (option.fields ?? []).find((x) => data[x.name] === undefined);
        if (absent) return { missing: absent.label };
        const problem = checkDecisionData(option, data as Record<string, string | number>);
        if (problem) return { missing: problem };
        return {
          action: 'decide',
          body: { taskKey: task.key, option: option.id, data },
          done: `${say('linkDecided')} (${option.label})`,
        };
      }
      case 'resolve':
        return {
          action: 'resolve',
          body: compact({ resolution: required(f.resolution), rootCause: optional(f.rootCause) }),
          done: say('linkResolved'),
        };
      default:
        return { missing: 'action' };
    }
  };

  r.post('/a/:token', form, async (req: Request, res: Response) => {
    const token = String(req.params.token);
    const l = await load(token, res);
    if (!l) return;
    const { claims, person, record, locale } = l;
    const back = `/a/${token}`;
    const what = await asked(l, (req.body ?? {}) as FormFields);
    if ('missing' in what)
      return sendNotice(res, 400, locale, `${t(locale, 'linkBadInput')} ${what.missing}`, { back });

    // Claim the link first: of two concurrent posts, one acts.
    const claimed = await claimLink(db, {
      nonce: claims.n,
      personId: person.id,
      caseId: record.id,
      taskKey: claims.t,
      action: what.action,
    });
    if (!claimed) return sendNotice(res, 410, locale, t(locale, 'linkUsed'));

    const outcome = await runAction(
      { db, cases },
      {
        caseId: record.id,
        action: what.action,
        body: what.body,
        actor: personActor(person),
        asAssignee: true,
        record,
      },
    );
    if (!outcome.ok) {
      // Nothing was done: the link stays usable for another try.
      await releaseLink(db, claims.n);
      const message =
        outcome.kind === 'invalid'
          ? `${t(locale, 'linkBadInput')} ${outcome.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`
          : refusalText(locale, outcome);
      return sendNotice(res, problemOf(outcome).status, locale, message, { back });
    }
    deps.logger.info({ caseId: record.id, personId: person.id, action: what.action }, 'action link used');
    const stillActive = outcome.state.status === 'open' || outcome.state.status === 'acknowledged';
    const next = links.sign({ p: person.id, c: record.id, t: claims.t });
    sendNotice(res, 200, locale, `${t(locale, 'linkDone')} ${what.done}`, {
      ok: true,
      ...(stillActive
        ? { next: { href: `${deps.publicUrl()}/a/${next}`, label: t(locale, 'linkMore') } }
        : {}),
    });
  });

  return r;
}
