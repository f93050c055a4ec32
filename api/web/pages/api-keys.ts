/**
 * /admin/keys (admin): API keys — issue one (its value is shown on the next page, once), see who
 * made each and when it was last used, rotate (optionally keeping the old one for an overlap) and
 * revoke (refused at once). Every change is in the audit log.
 */
import { Router, type Request, type Response } from 'express';
import { API_ROLE_LABELS, label } from '../../../domain/labels.js';
import { z } from 'zod';
import { listApiKeys, type ApiKeyListing } from '../../../db/api-keys.js';
import { apiKeyBody, rotateBody } from '../../../domain/contracts/accounts.js';
import { idParam } from '../../../domain/contracts/rules.js';
import { API_ROLES } from '../../../domain/model.js';
import { AccountError, issueApiKey, revokeKey, rotateKey } from '../../../lib/accounts.js';
import { auditActor } from '../../audit.js';
import type { WebContext } from '../context.js';
import { html, localTime, type Html } from '../html.js';
import { ta } from '../i18n-accounts.js';
import { accountsNav } from './users.js';

const keyParams = z.object({ id: idParam('API key') });
const issueForm = z.object({
  name: z.string(),
  role: z.string(),
  personId: z.string().optional(),
});
const rotateForm = z.object({ overlapSeconds: z.string().optional() });

export function apiKeysPage(ctx: WebContext): Router {
  const r = Router();

  const answer = (req: Request, res: Response, status: number, body: Html): void =>
    ctx.send(req, res, {
      title: ta(ctx.lang(req), 'apiKeys'),
      active: 'admin',
      status,
      body: html`${accountsNav(req, ctx, 'keys')}${body}`,
    });
  const act =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    async (req: Request, res: Response): Promise<void> => {
      try {
        await fn(req, res);
      } catch (err) {
        const message =
          err instanceof AccountError
            ? err.message
            : err instanceof z.ZodError
              ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
              : null;
        if (message === null) throw err;
        const status = err instanceof AccountError ? (err.kind === 'not_found' ? 404 : 409) : 400;
        answer(req, res, status, html`<p class="error" role="alert">${message}</p>`);
      }
    };
  const shown = (req: Request, res: Response, issued: { key: string; apiKey: ApiKeyListing }): void => {
    const l = ctx.lang(req);
    answer(
      req,
      res,
      201,
      html`<p role="status">${ta(l, 'keyMade', { name: issued.apiKey.name })}</p>
        <p><input class="secret" readonly value="${issued.key}" aria-label="API key" size="60" /></p>
        <p><a href="/admin/keys">${ta(l, 'apiKeys')}</a></p>`,
    );
  };

  r.get('/admin/keys', ctx.need('admin'), async (req, res) => {
    const l = ctx.lang(req);
    const keys = await listApiKeys(ctx.db);
    const state = (k: ApiKeyListing): string =>
      k.revokedAt
        ? ta(l, 'revoked', { at: localTime(k.revokedAt, ctx.timeZone) })
        : k.expiresAt
          ? ta(l, 'expires', { at: localTime(k.expiresAt, ctx.timeZone) })
          : ta(l, 'active');
    answer(
      req,
      res,
      200,
      html`<h1>${ta(l, 'apiKeys')}</h1>
        <table class="cases">
          <thead>
            <tr>
              <th>${ta(l, 'name')}</th>
              <th>${ta(l, 'role')}</th>
              <th>${ta(l, 'prefix')}</th>
              <th>${ta(l, 'created')}</th>
              <th>${ta(l, 'lastUsed')}</th>
              <th>${ta(l, 'status')}</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            ${keys.map(
              (k) =>
                html`<tr class="${k.revokedAt ? 'inactive' : ''}">
                  <td>${k.name}</td>
                  <td>${label(API_ROLE_LABELS, k.role, l)}</td>
                  <td><code>${k.prefix ? `${k.prefix}…` : '—'}</code></td>
                  <td>
                    ${localTime(k.createdAt, ctx.timeZone)}
                    ${k.createdBy ? `${ta(l, 'createdBy')} ${k.createdBy}` : ''}
                  </td>
                  <td>${localTime(k.lastUsedAt, ctx.timeZone)}</td>
                  <td>${state(k)}</td>
                  <td>
                    ${
                      k.revokedAt
                        ? ''
                        : html`<form method="post" action="/admin/keys/${k.id}/rotate" class="inline">
                              <label
                                >${ta(l, 'overlap')}
                                <input
                                  name="overlapSeconds"
                                  type="number"
                                  min="0"
                                  max="604800"
                                  value="0"
                                  size="6"
                              /></label>
                              <button type="submit">${ta(l, 'rotate')}</button>
                            </form>
                            <form method="post" action="/admin/keys/${k.id}/revoke" class="inline">
                              <button type="submit">${ta(l, 'revoke')}</button>
                            </form>`
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        <h2>${ta(l, 'issueKey')}</h2>
        <form method="post" action="/admin/keys" class="stack">
          <label>${ta(l, 'keyName')} <input name="name" required maxlength="200" /></label>
          <label
            >${ta(l, 'role')}
            <select name="role">
              ${API_ROLES.map((x) => html`<option value="${x}">${x}</option>`)}
            </select></label
          >
          <button type="submit">${ta(l, 'issue')}</button>
        </form>`,
    );
  });

  r.post(
    '/admin/keys',
    ctx.need('admin'),
    act(async (req, res) => {
      const f = issueForm.parse(req.body);
      const body = apiKeyBody.parse({
        name: f.name,
        role: f.role,
        personId: f.personId ? Number(f.personId) : null,
      });
      shown(req, res, await issueApiKey(ctx.db, auditActor(req), body));
    }),
  );

  r.post(
    '/admin/keys/:id/rotate',
    ctx.need('admin'),
    act(async (req, res) => {
      const { id } = keyParams.parse(req.params);
      const f = rotateForm.parse(req.body);
      const { overlapSeconds } = rotateBody.parse({ overlapSeconds: Number(f.overlapSeconds || 0) });
      shown(req, res, await rotateKey(ctx.db, auditActor(req), id, overlapSeconds));
    }),
  );

  r.post(
    '/admin/keys/:id/revoke',
    ctx.need('admin'),
    act(async (req, res) => {
      const { id } = keyParams.parse(req.params);
      await revokeKey(ctx.db, auditActor(req), id);
      res.redirect(303, '/admin/keys');
    }),
  );

  return r;
}
