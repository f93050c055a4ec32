/** What every web page gets: its dependencies and the shared ways to answer (layout, sign-in gate). */
import type { Request, RequestHandler, Response } from 'express';
import type { Db } from '../../db/index.js';
import type { Logger } from '../../lib/logger.js';
import type { MailCatcher } from '../../lib/mail-catcher.js';
import type { RecordingSms } from '../../lib/recording-sms.js';
import type { CaseClient } from '../case-client.js';
import { html, page, type Html } from './html.js';
import { langOf, t, type Lang } from './i18n.js';
import type { CaseEventBus } from './live.js';
import { webRoleAllows, type Sessions, type WebRole } from './session.js';

export interface WebDeps {
  db: Db;
  cases: CaseClient;
  logger: Logger;
  timeZone: string;
  sessionSecret: string;
  events?: CaseEventBus;
  devMail?: MailCatcher;
  devSms?: RecordingSms;
  /** Sign-in throttling per client address (default: 30 attempts per 15 minutes). */
  loginLimit?: { attempts: number; windowMs: number };
  /** Failed sign-ins in a row that lock an account, and for how long (default: 10, 15 minutes). */
  lockout?: { maxFailures: number; lockSeconds: number };
  /** Live streams (/live) one session may hold open at once (default 8). */
  maxStreamsPerSession?: number;
}

export interface WebContext extends WebDeps {
  sessions: Sessions;
  lang(req: Request): Lang;
  /** Answers a whole page in the layout. */
  send(req: Request, res: Response, o: { title: string; body: Html; active?: string; status?: number }): void;
  /** Pages need a signed-in person with at least `role`; others go to the sign-in page. */
  need(role: WebRole): RequestHandler;
}

export function webContext(deps: WebDeps, sessions: Sessions): WebContext {
  const lang = (req: Request): Lang => langOf(req, req.webUser?.locale);
  const send: WebContext['send'] = (req, res, o) => {
    res
      .status(o.status ?? 200)
      .type('html')
      .send(
        page({
          title: o.title,
          lang: lang(req),
          user: req.webUser,
          body: o.body,
          timeZone: deps.timeZone,
          ...(o.active ? { active: o.active } : {}),
        }),
      );
  };
  const need =
    (role: WebRole): RequestHandler =>
    (req, res, next) => {
      if (!req.webUser) {
        res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
        return;
      }
      if (!webRoleAllows(req.webUser, role)) {
        const l = lang(req);
        send(req, res, {
          title: t(l, 'forbidden'),
          body: html`<p class="error">${t(l, 'forbidden')}</p>`,
          status: 403,
        });
        return;
      }
      next();
    };
  return { ...deps, sessions, lang, send, need };
}
