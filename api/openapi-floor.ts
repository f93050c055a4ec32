/**
 * For the OpenAPI document (api/openapi.ts): the shop-floor views — the andon wall screen (display
 * tokens), dashboards, case search, the admin editors — and the display-token API.
 */
import { z } from 'zod';
import {
  displayTokenBody,
  displayTokenCreated,
  displayTokenParams,
  displayTokenView,
} from '../domain/contracts/displays.js';
import { lineCode } from '../domain/contracts/rules.js';
import { dashboardCsvParams, dashboardQuery } from '../domain/contracts/dashboards.js';
import { caseSearchQuery } from '../domain/contracts/search.js';
import type { Db } from '../db/index.js';
import { API_OPERATIONS } from './openapi-api.js';
import { ADMIN_API_ROUTERS } from './web/admin-api.js';
import type { Answer, Operation } from './openapi-types.js';

const html = (description: string): Answer => ({ description, media: 'text/html' });
const lineParams = z.object({ line: lineCode });
const displayQuery = z.object({
  token: z.string().optional().describe('the display token (43 characters); kept in a cookie afterwards'),
  lang: z.enum(['en', 'zh-CN']).optional(),
});

/** Opened with a display token (query or cookie) or by a signed-in person. */
const screen = (o: Omit<Operation, 'auth' | 'tag' | 'responses'> & { responses?: Operation['responses'] }) =>
  ({
    ...o,
    auth: 'none',
    tag: 'web',
    roles: 'a display token, or any signed-in person',
    responses: o.responses ?? {
      '200': html('the screen'),
      '303': {
        description: 'the token was in the query: kept in a cookie, and on to the same page without it',
      },
      '401': html('no token, or a revoked or unknown one'),
      '404': html('a line the screen may not show'),
    },
  }) satisfies Operation;

const admin = (o: Omit<Operation, 'auth' | 'roles' | 'tag'>): Operation => ({
  ...o,
  auth: 'bearer',
  roles: 'admin',
  tag: 'people',
});

/** Opened by a signed-in person with at least `roles`; others go to the sign-in page. */
const page = (o: Omit<Operation, 'auth' | 'tag' | 'responses'> & { responses?: Operation['responses'] }) =>
  ({
    ...o,
    auth: 'session',
    tag: 'web',
    responses: o.responses ?? {
      '200': html('the page'),
      '303': { description: 'not signed in: to /login?next=…' },
      '403': html('the signed-in person’s role may not see it'),
    },
  }) satisfies Operation;

export const FLOOR_OPERATIONS: readonly Operation[] = [
  admin({
    method: 'get',
    path: '/api/v1/display-tokens',
    summary: 'Display tokens of andon screens (never the tokens themselves)',
    responses: {
      '200': { description: 'the tokens', json: z.object({ displayTokens: z.array(displayTokenView) }) },
    },
  }),
  admin({
    method: 'post',
    path: '/api/v1/display-tokens',
    summary: 'Issue a read-only display token for a wall screen (answered once)',
    body: displayTokenBody,
    responses: {
      '201': { description: 'the token and the path to open', json: displayTokenCreated },
      '400': { description: 'a field is invalid, or a line does not exist (`errors` names it)' },
    },
  }),
  admin({
    method: 'get',
    path: '/api/v1/display-tokens/:id',
    summary: 'One display token',
    params: displayTokenParams,
    responses: {
      '200': { description: 'the token', json: displayTokenView },
      '404': { description: 'no such token' },
    },
  }),
  admin({
    method: 'delete',
    path: '/api/v1/display-tokens/:id',
    summary: 'Revoke a display token: its screen gets 401 from its next request on',
    params: displayTokenParams,
    responses: { '204': { description: 'revoked' }, '404': { description: 'no such token' } },
  }),
  screen({
    method: 'get',
    path: '/andon',
    summary: 'The andon wall screen: every line',
    query: displayQuery,
  }),
  screen({
    method: 'get',
    path: '/andon/:line',
    summary: 'The andon wall screen of one line',
    params: lineParams,
    query: displayQuery,
  }),
  screen({
    method: 'get',
    path: '/andon/live',
    summary: 'Case events for the wall screen (Server-Sent Events)',
    responses: {
      '200': { description: 'the stream', media: 'text/event-stream' },
      '401': html('no token, or a revoked or unknown one'),
      '429': { description: 'too many streams open for this screen', media: 'text/plain' },
    },
  }),
  screen({ method: 'get', path: '/partials/andon', summary: 'The wall screen’s tiles (live refresh)' }),
  screen({
    method: 'get',
    path: '/partials/andon/:line',
    summary: 'One line’s tiles (live refresh)',
    params: lineParams,
  }),
  page({
    method: 'get',
    path: '/reports/csv/:chart',
    summary: 'One dashboard chart’s numbers as CSV (UTF-8 with BOM), with the page’s filters',
    roles: 'supervisor',
    params: dashboardCsvParams,
    query: dashboardQuery,
    responses: {
      '200': { description: 'the table', media: 'text/csv' },
      '303': { description: 'not signed in: to /login?next=…' },
      '400': { description: 'a filter is invalid (named)', media: 'text/plain' },
      '403': html('the role may not see it'),
    },
  }),
  page({
    method: 'get',
    path: '/cases',
    summary:
      'Find cases by words (title, description, ids of equipment, item, lot, order…), status, type, line, period',
    roles: 'staff',
    query: caseSearchQuery,
    responses: {
      '200': html('the cases found, 50 a page'),
      '303': { description: 'not signed in: to /login?next=…' },
      '400': html('a filter is invalid (named on the page)'),
    },
  }),
  ...(
    [
      ['/admin/people', 'People: contacts, language, roles per line'],
      ['/admin/rosters', 'Lines, shift patterns, roster entries, covers and on-call'],
      ['/admin/policies', 'Escalation policies with a ladder editor'],
      ['/admin/catalog', 'Exception catalog and reason codes'],
      ['/admin/displays', 'Andon screens: display tokens'],
    ] as const
  ).map(([path, summary]) => page({ method: 'get', path, summary, roles: 'admin' })),
];

interface RouteLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** `get /api/v1/people/:id`… for every route the admin editors' routers serve (admin-api.ts). */
function bridgedRoutes(): Set<string> {
  const out = new Set<string>();
  for (const router of ADMIN_API_ROUTERS({ db: null as unknown as Db, timeZone: 'UTC' })) {
    for (const layer of (router as unknown as { stack: RouteLayer[] }).stack) {
      if (!layer.route) continue;
      for (const p of Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path])
        for (const m of Object.keys(layer.route.methods)) out.add(`${m} /api/v1${p}`);
    }
  }
  return out;
}

/**
 * The same operations, for the admin editors: mounted at /admin/api/v1 with a signed-in admin's
 * session in place of a key (changes need the header `X-Andon-UI: 1`). See api/web/admin-api.ts.
 */
const BRIDGED = bridgedRoutes();

export const ADMIN_UI_OPERATIONS: readonly Operation[] = [...API_OPERATIONS, ...FLOOR_OPERATIONS]
  .filter((o) => BRIDGED.has(`${o.method} ${o.path}`))
  .map((o) => ({
    ...o,
    path: `/admin${o.path}`,
    auth: 'session' as const,
    roles: 'admin (web session; changes need the header X-Andon-UI: 1)',
    tag: 'web',
    responses: {
      ...o.responses,
      '401': { description: 'not signed in' },
      '403': { description: 'not an admin, or no X-Andon-UI header' },
    },
  }));
