/**
 * /admin/users: the people who sign in. Admins add users (each gets a one-time link to set a
 * password, shown here once), change roles, deactivate and reactivate, invite again and reset
 * passwords; supervisors see the list and lift sign-in lockouts. Every change is in the audit log.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { listUsers, type UserAccount } from '../../../db/users.js';
import { userBody, WEB_ROLES, webRole } from '../../../domain/contracts/accounts.js';
import { idParam } from '../../../domain/contracts/rules.js';
import { LOCALES } from '../../../domain/model.js';
import {
  AccountError,
  createUser,
  issuePasswordLink,
  unlockUser,
  updateUser,
  type IssuedLink,
} from '../../../lib/accounts.js';
import { auditActor } from '../../audit.js';
import type { WebContext } from '../context.js';
import { html, localTime, type Html } from '../html.js';
import { t } from '../i18n.js';
import { ta } from '../i18n-accounts.js';
import { webRoleAllows } from '../session.js';

/** The links between the accounts pages. */
export function accountsNav(req: Request, ctx: WebContext, active: 'users' | 'keys' | 'audit'): Html {
  const l = ctx.lang(req);
  const admin = webRoleAllows(req.webUser, 'admin');
  const link = (href: string, key: 'users' | 'keys' | 'audit', label: string): Html =>
    html`<a href="${href}" ${active === key ? html`aria-current="page"` : ''}>${label}</a>`;
  return html`<p class="subnav">
    ${link('/admin/users', 'users', ta(l, 'users'))}
    ${admin ? html` · ${link('/admin/keys', 'keys', ta(l, 'apiKeys'))} · ${link('/admin/audit', 'audit', ta(l, 'auditLog'))}` : ''}
  </p>`;
}

const userParams = z.object({ id: idParam('user') });
const activeForm = z.object({ active: z.enum(['true', 'false']) });
const roleForm = z.object({ webRole });

export function usersPage(ctx: WebContext): Router {
  const r = Router();
  const origin = (req: Request): string => `${req.protocol}://${req.get('host') ?? 'localhost'}`;

  const fail = (req: Request, res: Response, status: number, message: string): void => {
    ctx.send(req, res, {
      title: ta(ctx.lang(req), 'users'),
      active: 'admin',
      status,
      body: html`${accountsNav(req, ctx, 'users')}
        <p class="error" role="alert">${message}</p>
        <p><a href="/admin/users">${ta(ctx.lang(req), 'users')}</a></p>`,
    });
  };
  /** Runs a change; an AccountError or bad input becomes a page saying what is wrong. */
  const act =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        await fn(req, res);
      } catch (err) {
        if (err instanceof AccountError)
          return fail(req, res, err.kind === 'not_found' ? 404 : 409, err.message);
        if (err instanceof z.ZodError)
          return fail(req, res, 400, err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
        throw err;
      }
    };

  const showLink = (req: Request, res: Response, issued: IssuedLink, status: number): void => {
    const l = ctx.lang(req);
    ctx.send(req, res, {
      title: ta(l, 'users'),
      active: 'admin',
      status,
      body: html`${accountsNav(req, ctx, 'users')}
        <p role="status">
          ${ta(l, 'linkMade', { name: issued.user.name, at: localTime(issued.link.expiresAt, ctx.timeZone) })}
        </p>
        <p><input class="secret" readonly value="${issued.link.url}" aria-label="link" size="80" /></p>
        <p><a href="/admin/users">${ta(l, 'users')}</a></p>`,
    });
  };

  r.get('/admin/users', ctx.need('supervisor'), async (req, res) => {
    const l = ctx.lang(req);
    const admin = webRoleAllows(req.webUser, 'admin');
    const users = await listUsers(ctx.db);
    const status = (u: UserAccount): Html =>
      html`${u.active ? ta(l, 'active') : ta(l, 'inactive')}
      ${u.lockedUntil ? html`<br />${ta(l, 'lockedUntil', { at: localTime(u.lockedUntil, ctx.timeZone) })}` : ''}
      ${!u.passwordSet ? html`<br />${ta(l, 'noPassword')}` : ''}
      ${
        u.pendingLink
          ? html`<br />${ta(l, 'linkPending', {
                purpose: ta(l, u.pendingLink.purpose),
                at: localTime(u.pendingLink.expiresAt, ctx.timeZone),
              })}`
          : ''
      }`;
    const post = (u: UserAccount, path: string, label: string, fields: Html | '' = ''): Html =>
      html`<form method="post" action="/admin/users/${u.id}/${path}" class="inline">
        ${fields}<button type="submit">${label}</button>
      </form>`;
    const actions = (u: UserAccount): Html =>
      html` ${u.lockedUntil ? post(u, 'unlock', ta(l, 'unlock')) : ''}
      ${
        admin
          ? html`<form method="post" action="/admin/users/${u.id}/role" class="inline">
                <select name="webRole" aria-label="${ta(l, 'role')}">
                  ${WEB_ROLES.map((r) => html`<option value="${r}" ${r === u.webRole ? html`selected` : ''}>${t(l, r)}</option>`)}
                </select>
                <button type="submit">${ta(l, 'setRole')}</button>
              </form>
              ${u.active && !u.passwordSet ? post(u, 'invite', ta(l, 'invite')) : ''}
              ${u.active && u.passwordSet ? post(u, 'reset', ta(l, 'reset')) : ''}
              ${post(u, 'active', u.active ? ta(l, 'deactivate') : ta(l, 'activate'), html`<input type="hidden" name="active" value="${u.active ? 'false' : 'true'}" />`)}`
          : ''
      }`;
    ctx.send(req, res, {
      title: ta(l, 'users'),
      active: 'admin',
      body: html`<h1>${ta(l, 'users')}</h1>
        ${accountsNav(req, ctx, 'users')}
        <table class="cases">
          <thead>
            <tr>
              <th>${ta(l, 'name')}</th>
              <th>${ta(l, 'email')}</th>
              <th>${ta(l, 'role')}</th>
              <th>${ta(l, 'status')}</th>
              <th>${ta(l, 'lastSignIn')}</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            ${users.map(
              (u) =>
                html`<tr class="${u.active ? '' : 'inactive'}">
                  <td>${u.name}</td>
                  <td>${u.email}</td>
                  <td>${t(l, u.webRole)}</td>
                  <td>${status(u)}</td>
                  <td>${localTime(u.lastLoginAt, ctx.timeZone)}</td>
                  <td>${actions(u)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
        ${
          admin
            ? html`<h2>${ta(l, 'addUser')}</h2>
                <form method="post" action="/admin/users" class="stack">
                  <label>${ta(l, 'name')} <input name="name" required maxlength="200" /></label>
                  <label
                    >${ta(l, 'email')} <input name="email" type="email" required maxlength="320"
                  /></label>
                  <label
                    >${ta(l, 'role')}
                    <select name="webRole">
                      ${WEB_ROLES.map((r) => html`<option value="${r}">${t(l, r)}</option>`)}
                    </select></label
                  >
                  <label
                    >${ta(l, 'language')}
                    <select name="locale">
                      ${LOCALES.map((x) => html`<option value="${x}" ${x === l ? html`selected` : ''}>${x}</option>`)}
                    </select></label
                  >
                  <button type="submit">${ta(l, 'add')}</button>
                </form>
                <p>${ta(l, 'resetNote')}</p>`
            : ''
        }`,
    });
  });

  r.post(
    '/admin/users',
    ctx.need('admin'),
    act(async (req, res) => {
      const body = userBody.parse(req.body);
      showLink(req, res, await createUser(ctx.db, auditActor(req), origin(req), body), 201);
    }),
  );

  for (const purpose of ['invite', 'reset'] as const) {
    r.post(
      `/admin/users/:id/${purpose}`,
      ctx.need('admin'),
      act(async (req, res) => {
        const { id } = userParams.parse(req.params);
        showLink(req, res, await issuePasswordLink(ctx.db, auditActor(req), origin(req), id, purpose), 200);
      }),
    );
  }

  r.post(
    '/admin/users/:id/role',
    ctx.need('admin'),
    act(async (req, res) => {
      const { id } = userParams.parse(req.params);
      await updateUser(ctx.db, auditActor(req), id, roleForm.parse(req.body));
      res.redirect(303, '/admin/users');
    }),
  );

  r.post(
    '/admin/users/:id/active',
    ctx.need('admin'),
    act(async (req, res) => {
      const { id } = userParams.parse(req.params);
      const { active } = activeForm.parse(req.body);
      await updateUser(ctx.db, auditActor(req), id, { active: active === 'true' });
      res.redirect(303, '/admin/users');
    }),
  );

  r.post(
    '/admin/users/:id/unlock',
    ctx.need('supervisor'),
    act(async (req, res) => {
      const { id } = userParams.parse(req.params);
      if (!(await unlockUser(ctx.db, auditActor(req), id)))
        throw new AccountError('not_found', 'id', ta(ctx.lang(req), 'notFound'));
      res.redirect(303, '/admin/users');
    }),
  );

  return r;
}
