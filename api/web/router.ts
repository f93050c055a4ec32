/**
 * The web UI, served by the API process: sign-in, the live board, case pages with actions, KPI
 * reports, the admin page and the dev outbox — one module per page under pages/. Server-rendered
 * HTML; a small script (static/app.js) refreshes parts live over SSE and ticks SLA countdowns.
 */
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { webContext, type WebDeps } from './context.js';
import { t } from './i18n.js';
import { liveStream } from './live.js';
import { adminApi } from './admin-api.js';
import { adminPage } from './pages/admin.js';
import { adminCatalogPage } from './pages/admin-catalog.js';
import { adminDisplaysPage } from './pages/admin-displays.js';
import { adminPeoplePage } from './pages/admin-people.js';
import { adminPoliciesPage } from './pages/admin-policies.js';
import { adminRostersPage } from './pages/admin-rosters.js';
import { andonTvPage } from './pages/andon-tv.js';
import { apiKeysPage } from './pages/api-keys.js';
import { auditPage } from './pages/audit.js';
import { boardPage } from './pages/board.js';
import { casePage } from './pages/case.js';
import { loginPage } from './pages/login.js';
import { outboxPage } from './pages/outbox.js';
import { reportsPage } from './pages/reports.js';
import { searchPage } from './pages/search.js';
import { setPasswordPage } from './pages/set-password.js';
import { usersPage } from './pages/users.js';
import { loadWebUser, sessions } from './session.js';

export type { WebDeps } from './context.js';

export function webRoutes(deps: WebDeps): Router {
  const ctx = webContext(deps, sessions(deps.db, deps.sessionSecret));
  const r = Router();

  r.use('/static', express.static(fileURLToPath(new URL('./static/', import.meta.url)), { maxAge: '1h' }));
  r.use(express.urlencoded({ extended: false, limit: '64kb' }));
  r.use(loadWebUser(ctx.sessions));
  r.use((req, res, next) => {
    if (req.query.lang === 'en' || req.query.lang === 'zh-CN') {
      res.append('Set-Cookie', `andon_lang=${req.query.lang}; Path=/; SameSite=Lax; Max-Age=31536000`);
    }
    // Pages show who is signed in and what they may do: never kept by a cache.
    if (req.method === 'GET' && !req.path.startsWith('/static/')) res.set('Cache-Control', 'no-store');
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

  r.use(loginPage(ctx));
  r.use(andonTvPage(ctx));
  r.use(setPasswordPage(ctx));
  r.get(
    '/live',
    ctx.need('staff'),
    liveStream(ctx.events, ctx.maxStreamsPerSession ?? 8, (req) => t(ctx.lang(req), 'tooManyStreams')),
  );
  r.use(boardPage(ctx));
  r.use(searchPage(ctx));
  r.use(casePage(ctx));
  r.use(reportsPage(ctx));
  r.use(adminPage(ctx));
  r.use(adminApi(ctx));
  r.use(adminPeoplePage(ctx));
  r.use(adminRostersPage(ctx));
  r.use(adminPoliciesPage(ctx));
  r.use(adminCatalogPage(ctx));
  r.use(adminDisplaysPage(ctx));
  r.use(outboxPage(ctx));
  r.use(usersPage(ctx));
  r.use(apiKeysPage(ctx));
  r.use(auditPage(ctx));
  return r;
}
