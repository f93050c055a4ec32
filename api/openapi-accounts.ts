/**
 * Accounts, API keys and the audit log for the OpenAPI document: the admin API (/api/v1/users,
 * /api/v1/api-keys, /api/v1/audit) and the web pages that do the same (/admin/users, /admin/keys,
 * /admin/audit), and /set-password/{token} where invitation and reset links lead.
 */
import { z } from 'zod';
import {
  apiKeyBody,
  apiKeyResponse,
  apiKeysQuery,
  apiKeysResponse,
  auditQuery,
  auditResponse,
  issuedKeyResponse,
  passwordLinkResponse,
  rotateBody,
  userBody,
  userPatch,
  userResponse,
  usersQuery,
  usersResponse,
} from '../domain/contracts/accounts.js';
import { idParam } from '../domain/contracts/rules.js';
import type { Answer, Operation } from './openapi-types.js';

const V1 = '/api/v1';
const userId = z.object({ id: idParam('user') });
const keyId = z.object({ id: idParam('API key') });
const notFound: Answer = { description: 'no such record' };
const conflict = (description: string): Answer => ({ description });
const html = (description: string): Answer => ({ description, media: 'text/html' });

const admin =
  (tag: string) =>
  (o: Omit<Operation, 'auth' | 'roles' | 'tag'>): Operation => ({
    ...o,
    auth: 'bearer',
    roles: 'admin',
    tag,
  });
const people = admin('people');
const keys = admin('keys');

const page = (
  o: Omit<Operation, 'auth' | 'tag' | 'responses'> & { responses?: Operation['responses'] },
): Operation => ({
  ...o,
  auth: 'session',
  tag: 'web',
  responses: o.responses ?? {
    '200': html('the page'),
    '303': { description: 'done, back to the list (or not signed in: to /login?next=…)' },
    '400': html('a field is invalid (named on the page)'),
    '403': html('the signed-in person’s role may not do this'),
    '404': html('no such record'),
    '409': html('refused: the reason is on the page'),
  },
});
const userForm = z.object({ name: z.string(), email: z.string(), webRole: z.string(), locale: z.string() });

export const ACCOUNT_OPERATIONS: readonly Operation[] = [
  people({
    method: 'get',
    path: `${V1}/users`,
    summary: 'People who sign in to the web UI (everyone with an email address)',
    query: usersQuery,
    responses: { '200': { description: 'users', json: usersResponse } },
  }),
  people({
    method: 'post',
    path: `${V1}/users`,
    summary: 'Add a web user; the answer holds their one-time invitation link (shown once)',
    body: userBody,
    responses: {
      '201': { description: 'the user and the link to pass on', json: passwordLinkResponse },
      '409': conflict('a person has this email address'),
    },
  }),
  people({
    method: 'get',
    path: `${V1}/users/:id`,
    summary: 'One web user',
    params: userId,
    responses: { '200': { description: 'the user', json: userResponse }, '404': notFound },
  }),
  people({
    method: 'patch',
    path: `${V1}/users/:id`,
    summary: 'Change a user’s web role, or deactivate (ends sessions, revokes their keys) / reactivate',
    params: userId,
    body: userPatch,
    responses: { '200': { description: 'the user', json: userResponse }, '404': notFound },
  }),
  people({
    method: 'post',
    path: `${V1}/users/:id/invite`,
    summary: 'A new invitation link for a user without a password (earlier links stop working)',
    params: userId,
    responses: {
      '201': { description: 'the link to pass on', json: passwordLinkResponse },
      '404': notFound,
      '409': conflict('the user has a password (reset instead) or is deactivated'),
    },
  }),
  people({
    method: 'post',
    path: `${V1}/users/:id/reset`,
    summary: 'Reset a password: it and every session end now; the answer holds a one-time link',
    params: userId,
    responses: {
      '201': { description: 'the link to pass on', json: passwordLinkResponse },
      '404': notFound,
      '409': conflict('the user is deactivated'),
    },
  }),
  {
    method: 'post',
    path: `${V1}/users/:id/unlock`,
    summary: 'Lift the sign-in lockout that repeated wrong passwords set',
    auth: 'bearer',
    roles: 'supervisor',
    tag: 'people',
    params: userId,
    responses: { '204': { description: 'unlocked' }, '404': notFound },
  },
  keys({
    method: 'get',
    path: `${V1}/api-keys`,
    summary: 'API keys (never their values): prefix, role, who made them, last use, state',
    query: apiKeysQuery,
    responses: { '200': { description: 'keys, newest first', json: apiKeysResponse } },
  }),
  keys({
    method: 'post',
    path: `${V1}/api-keys`,
    summary: 'Issue a key; its value is in this answer and nowhere else, ever',
    body: apiKeyBody,
    responses: { '201': { description: 'the key', json: issuedKeyResponse }, '404': notFound },
  }),
  keys({
    method: 'get',
    path: `${V1}/api-keys/:id`,
    summary: 'One API key',
    params: keyId,
    responses: { '200': { description: 'the key', json: apiKeyResponse }, '404': notFound },
  }),
  keys({
    method: 'post',
    path: `${V1}/api-keys/:id/rotate`,
    summary: 'A new value for a key (same name and role); the old one stops now or after overlapSeconds',
    params: keyId,
    body: rotateBody,
    responses: { '201': { description: 'the new key', json: issuedKeyResponse }, '404': notFound },
  }),
  keys({
    method: 'delete',
    path: `${V1}/api-keys/:id`,
    summary: 'Revoke a key: the next request with it gets 401',
    params: keyId,
    responses: { '200': { description: 'the revoked key', json: apiKeyResponse }, '404': notFound },
  }),
  admin('people')({
    method: 'get',
    path: `${V1}/audit`,
    summary: 'The audit log: who changed people, rosters, policies, catalog, keys, users, subscriptions',
    query: auditQuery,
    responses: { '200': { description: 'entries, newest first', json: auditResponse } },
  }),

  page({
    method: 'get',
    path: '/admin/users',
    summary: 'Web users (supervisors: unlock only)',
    roles: 'supervisor',
    responses: { '200': html('the page'), '303': { description: 'not signed in' } },
  }),
  page({
    method: 'post',
    path: '/admin/users',
    summary: 'Add a user: the page shows their invitation link once',
    roles: 'admin',
    form: userForm,
  }),
  page({
    method: 'post',
    path: '/admin/users/:id/invite',
    summary: 'A new invitation link (shown once)',
    roles: 'admin',
    params: userId,
  }),
  page({
    method: 'post',
    path: '/admin/users/:id/reset',
    summary: 'Reset a password: a new link (shown once)',
    roles: 'admin',
    params: userId,
  }),
  page({
    method: 'post',
    path: '/admin/users/:id/role',
    summary: 'Set a user’s web role',
    roles: 'admin',
    params: userId,
    form: z.object({ webRole: z.string() }),
  }),
  page({
    method: 'post',
    path: '/admin/users/:id/active',
    summary: 'Deactivate or reactivate a user',
    roles: 'admin',
    params: userId,
    form: z.object({ active: z.enum(['true', 'false']) }),
  }),
  page({
    method: 'post',
    path: '/admin/users/:id/unlock',
    summary: 'Lift a sign-in lockout',
    roles: 'supervisor',
    params: userId,
  }),
  page({
    method: 'get',
    path: '/admin/keys',
    summary: 'API keys',
    roles: 'admin',
    responses: { '200': html('the page'), '303': { description: 'not signed in' } },
  }),
  page({
    method: 'post',
    path: '/admin/keys',
    summary: 'Issue a key: the page shows it once',
    roles: 'admin',
    form: z.object({ name: z.string(), role: z.string(), personId: z.string().optional() }),
  }),
  page({
    method: 'post',
    path: '/admin/keys/:id/rotate',
    summary: 'Rotate a key: the page shows the new one once',
    roles: 'admin',
    params: keyId,
    form: z.object({ overlapSeconds: z.string().optional() }),
  }),
  page({
    method: 'post',
    path: '/admin/keys/:id/revoke',
    summary: 'Revoke a key',
    roles: 'admin',
    params: keyId,
  }),
  page({
    method: 'get',
    path: '/admin/audit',
    summary: 'The audit log',
    roles: 'admin',
    query: auditQuery,
    responses: { '200': html('the page'), '303': { description: 'not signed in' } },
  }),
  {
    method: 'get',
    path: '/set-password/:token',
    summary: 'Where an invitation or reset link leads: a form to choose a password',
    auth: 'link',
    tag: 'web',
    params: z.object({ token: z.string().describe('the one-time token from the link') }),
    responses: { '200': html('the form'), '404': html('used, expired or replaced link') },
  },
  {
    method: 'post',
    path: '/set-password/:token',
    summary: 'Set the password (argon2id); the link stops working and other sessions end',
    auth: 'link',
    tag: 'web',
    params: z.object({ token: z.string() }),
    form: z.object({ password: z.string(), confirm: z.string() }),
    responses: {
      '200': html('set: sign in now'),
      '400': html('too short, or the two differ'),
      '404': html('used, expired or replaced link'),
    },
  },
];
