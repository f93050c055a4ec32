/**
 * Signing in and out. Throttled per client address (express-rate-limit) and per account (a lockout
 * after repeated failures, kept in the database, that runs out and that a supervisor can lift);
 * after sign-in the browser goes back only to a path on this site.
 */
import { Router, type Request } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { line } from '../../../domain/contracts/rules.js';
import { loginAccount, recordFailedLogin, recordGoodLogin } from '../../../db/web-sessions.js';
import { hashPassword, verifyPassword } from '../../../lib/passwords.js';
import type { WebContext } from '../context.js';
import { html, type Html } from '../html.js';
import { t } from '../i18n.js';
import { setSessionCookie } from '../session.js';

/**
 * Where to go after signing in: a path on this site, else `/`. Refuses what a browser would take
 * to another origin: `//host`, backslashes (`/\host` is `//host` to browsers), control characters,
 * and anything that resolves to another origin.
 */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2000) return '/';
  if (!next.startsWith('/') || next.startsWith('//')) return '/';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\\\u0000-\u001f\u007f]/.test(next)) return '/';
  const base = 'http://andon.invalid';
  try {
    const u = new URL(next, base);
    return u.origin === base ? `${u.pathname}${u.search}${u.hash}` : '/';
  } catch {
    return '/';
  }
}

const loginBody = z.object({
  email: line(320),
  password: z.string().min(1).max(1000),
  next: z.string().max(2000).optional(),
});

export function loginPage(ctx: WebContext): Router {
  const r = Router();
  const limit = ctx.loginLimit ?? { attempts: 30, windowMs: 15 * 60_000 };
  const lockout = ctx.lockout ?? { maxFailures: 10, lockSeconds: 15 * 60 };

  const form = (req: Request, error?: string): Html => {
    const l = ctx.lang(req);
    const body = req.body as Record<string, unknown> | undefined;
    const next = safeNext(req.query.next ?? body?.next);
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
  const answer = (req: Request, res: Parameters<WebContext['send']>[1], status: number, error?: string) =>
    ctx.send(req, res, { title: t(ctx.lang(req), 'signIn'), body: form(req, error), status });

  r.get('/login', (req, res) => answer(req, res, 200));

  const throttle = rateLimit({
    windowMs: limit.windowMs,
    limit: limit.attempts,
    // Only failures count: people who sign in are never held up by their colleagues' typos.
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => answer(req, res, 429, t(ctx.lang(req), 'tooManyLogins')),
  });

  r.post('/login', throttle, async (req, res) => {
    const l = ctx.lang(req);
    const body = loginBody.safeParse(req.body);
    if (!body.success) return answer(req, res, 400, t(l, 'badLogin'));
    const account = await loginAccount(ctx.db, body.data.email);
    if (account?.lockedUntil) return answer(req, res, 423, t(l, 'locked'));
    const check = await verifyPassword(body.data.password, account?.passwordHash ?? null);
    if (!account || !check.ok) {
      const locked = account ? await recordFailedLogin(ctx.db, account.id, lockout) : false;
      return answer(req, res, locked ? 423 : 401, t(l, locked ? 'locked' : 'badLogin'));
    }
    await recordGoodLogin(
      ctx.db,
      account.id,
      check.rehash ? await hashPassword(body.data.password) : undefined,
    );
    if (req.webSession) await ctx.sessions.revoke(req.webSession);
    setSessionCookie(req, res, await ctx.sessions.issue(account.id));
    res.redirect(303, safeNext(body.data.next));
  });

  r.post('/logout', async (req, res) => {
    if (req.webSession) await ctx.sessions.revoke(req.webSession);
    setSessionCookie(req, res, null);
    res.redirect(303, '/login');
  });

  return r;
}
