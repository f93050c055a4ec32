/**
 * /set-password/{token}: where an invitation or reset link leads. The person chooses a password
 * (argon2id); the link then stops working, their other sessions end, and they sign in as usual.
 * The token is only ever looked up by its SHA-256.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { passwordLinkHolder } from '../../../db/users.js';
import { setPasswordWithLink, tokenHash } from '../../../lib/accounts.js';
import type { WebContext } from '../context.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { ta } from '../i18n-accounts.js';

const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });
const form = z.object({ password: z.string().max(1000), confirm: z.string().max(1000) });

export function setPasswordPage(ctx: WebContext): Router {
  const r = Router();

  const gone = (req: Request, res: Response): void => {
    const l = ctx.lang(req);
    ctx.send(req, res, {
      title: ta(l, 'setPassword'),
      status: 404,
      body: html`<h1>${ta(l, 'setPassword')}</h1>
        <p class="error" role="alert">${ta(l, 'linkGone')}</p>`,
    });
  };
  const formPage = (req: Request, res: Response, email: string, status: number, error?: string): void => {
    const l = ctx.lang(req);
    ctx.send(req, res, {
      title: ta(l, 'setPassword'),
      status,
      body: html`<section class="login">
        <h1>${ta(l, 'setPassword')}</h1>
        <p>${ta(l, 'setPasswordFor', { email })}</p>
        ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
        <form method="post">
          <input type="hidden" name="username" value="${email}" autocomplete="username" />
          <label
            >${ta(l, 'newPassword')}
            <input
              name="password"
              type="password"
              autocomplete="new-password"
              minlength="10"
              required
              autofocus
          /></label>
          <label
            >${ta(l, 'repeatPassword')}
            <input name="confirm" type="password" autocomplete="new-password" minlength="10" required
          /></label>
          <button type="submit">${ta(l, 'save')}</button>
        </form>
      </section>`,
    });
  };

  r.get('/set-password/:token', async (req, res) => {
    // The link itself is a secret: no Referer leaks it, no cache keeps the page.
    res.set('Referrer-Policy', 'no-referrer');
    const p = tokenParams.safeParse(req.params);
    const holder = p.success ? await passwordLinkHolder(ctx.db, tokenHash(p.data.token)) : null;
    if (!holder) return gone(req, res);
    formPage(req, res, holder.email, 200);
  });

  r.post('/set-password/:token', async (req, res) => {
    res.set('Referrer-Policy', 'no-referrer');
    const l = ctx.lang(req);
    const p = tokenParams.safeParse(req.params);
    const holder = p.success ? await passwordLinkHolder(ctx.db, tokenHash(p.data.token)) : null;
    if (!p.success || !holder) return gone(req, res);
    const f = form.safeParse(req.body);
    if (!f.success) return formPage(req, res, holder.email, 400, ta(l, 'tooShort'));
    if (f.data.password.length < 10) return formPage(req, res, holder.email, 400, ta(l, 'tooShort'));
    if (f.data.password !== f.data.confirm) return formPage(req, res, holder.email, 400, ta(l, 'mismatch'));
    if (!(await setPasswordWithLink(ctx.db, p.data.token, f.data.password, req.ip ?? null)))
      return gone(req, res);
    ctx.send(req, res, {
      title: ta(l, 'setPassword'),
      body: html`<h1>${ta(l, 'setPassword')}</h1>
        <p role="status">${ta(l, 'passwordSaved')}</p>
        <p><a href="/login">${t(l, 'signIn')}</a></p>`,
    });
  });

  return r;
}
