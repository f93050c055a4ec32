/**
 * For the OpenAPI document (api/openapi.ts): what is reached without an API key — operations,
 * the action links people open from messages, Twilio's webhooks — and the web UI's pages.
 */
import { z } from 'zod';
import { caseIdParams } from '../domain/contracts/case.js';
import { healthResponse, readyResponse } from '../domain/contracts/responses.js';
import { idParam } from '../domain/contracts/rules.js';
import type { Answer, Operation } from './openapi-types.js';

const html = (description: string): Answer => ({ description, media: 'text/html' });
const token = z.object({
  token: z.string().describe('the signed one-time token from the message: <payload>.<HMAC-SHA256>'),
});

/** The form of an action-link page: which action, and its fields. */
const actionLinkForm = z
  .object({
    action: z.enum(['ack', 'eta', 'decide', 'resolve']),
    etaMinutes: z.string().optional().describe('eta: whole minutes from now, 1 to 10080'),
    option: z.string().optional().describe("decide: one of the task's option ids"),
    resolution: z.string().optional().describe('resolve: what was done (required)'),
    rootCause: z.string().optional().describe('resolve: the root cause, if known'),
  })
  .catchall(z.string().describe('decide: the option’s fields, named f_<field>'));

/** Twilio's form for an incoming SMS (the fields Andon reads; Twilio sends more). */
const twilioSmsForm = z
  .object({
    MessageSid: z.string(),
    From: z.string().describe('E.164; matched to an active person'),
    To: z.string().optional(),
    Body: z.string().describe('A <case>, E <case> <minutes>, D <case> <n>, R <case> <text>, HELP'),
  })
  .catchall(z.string());

const twilioStatusForm = z
  .object({
    MessageSid: z.string(),
    MessageStatus: z.string().describe('queued, sent, delivered, read, failed, undelivered…'),
    ErrorCode: z.string().optional(),
  })
  .catchall(z.string());

const loginForm = z.object({
  email: z.string(),
  password: z.string(),
  next: z.string().optional().describe('a path on this site to go to afterwards'),
});

/** The case page's forms: one per action, each field as the REST body names it. */
const caseActionForm = z
  .object({
    taskKey: z.string().optional(),
    text: z.string().optional().describe('comment'),
    option: z.string().optional().describe('decide'),
    resolution: z.string().optional(),
    rootCause: z.string().optional(),
    correctiveAction: z.string().optional(),
    downtimeMinutes: z.string().optional().describe('close: whole minutes'),
    role: z.string().optional().describe('reassign'),
    personId: z.string().optional().describe('reassign'),
    reason: z.string().optional(),
  })
  .catchall(z.string().describe('decide: the option’s fields, named f_<field>'));

export const PUBLIC_OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness',
    auth: 'none',
    tag: 'operations',
    responses: { '200': { description: 'alive', json: healthResponse } },
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: the database and Temporal answer',
    auth: 'none',
    tag: 'operations',
    responses: {
      '200': { description: 'ready', json: readyResponse },
      '503': { description: 'not ready: the failing checks', json: readyResponse },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics: HTTP durations by route, cases opened and active, process',
    auth: 'none',
    tag: 'operations',
    responses: { '200': { description: 'text exposition format', media: 'text/plain' } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    auth: 'none',
    tag: 'operations',
    responses: { '200': { description: 'OpenAPI 3.1' } },
  },
  {
    method: 'get',
    path: '/a/:token',
    summary: "An action link's page: the case's facts and what is asked of the person (changes nothing)",
    auth: 'link',
    tag: 'messages',
    params: token,
    responses: {
      '200': html('the page'),
      '403': html('forged or malformed link'),
      '404': html('the case or the person no longer exists'),
      '410': html('expired, or used already'),
    },
  },
  {
    method: 'post',
    path: '/a/:token',
    summary: "Act from an action link, once, as its person (only as the task's current assignee)",
    auth: 'link',
    tag: 'messages',
    params: token,
    form: actionLinkForm,
    responses: {
      '200': html('done, with a fresh link for what is left'),
      '400': html('a field is missing or invalid (named on the page)'),
      '403': html('forged or malformed link'),
      '404': html('the case or the person no longer exists'),
      '409': html('refused: the reason is on the page (the link stays usable)'),
      '410': html('expired, or used already'),
      '503': html('Temporal is unreachable; nothing was changed'),
    },
  },
  {
    method: 'post',
    path: '/webhooks/twilio/sms',
    summary: 'An SMS reply to Andon (signed by Twilio); answered with TwiML',
    auth: 'twilio',
    tag: 'messages',
    form: twilioSmsForm,
    responses: {
      '200': { description: 'TwiML with the reply to the sender', media: 'text/xml' },
      '400': { description: 'MessageSid or From missing', media: 'text/plain' },
      '403': { description: 'the signature does not match', media: 'text/plain' },
    },
  },
  {
    method: 'post',
    path: '/webhooks/twilio/status',
    summary: 'Delivery status of an SMS Andon sent (signed by Twilio)',
    auth: 'twilio',
    tag: 'messages',
    form: twilioStatusForm,
    responses: {
      '204': { description: 'noted on the outbox row and the timeline' },
      '403': { description: 'the signature does not match', media: 'text/plain' },
    },
  },
];

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

export const WEB_OPERATIONS: readonly Operation[] = [
  {
    method: 'get',
    path: '/login',
    summary: 'The sign-in page',
    auth: 'none',
    tag: 'web',
    responses: { '200': html('the form') },
  },
  {
    method: 'post',
    path: '/login',
    summary: 'Sign in (throttled per address; repeated failures lock the account for a while)',
    auth: 'none',
    tag: 'web',
    form: loginForm,
    responses: {
      '303': { description: 'signed in: a session cookie, and on to `next` (a path on this site)' },
      '400': html('the form is incomplete'),
      '401': html('wrong email or password'),
      '423': html('the account is locked for a while'),
      '429': html('too many attempts from this address'),
    },
  },
  {
    method: 'post',
    path: '/logout',
    summary: 'Sign out: the session is revoked',
    auth: 'session',
    tag: 'web',
    responses: { '303': { description: 'to /login' } },
  },
  page({
    method: 'get',
    path: '/live',
    summary: 'Case events as Server-Sent Events (a few streams per session)',
    responses: {
      '200': { description: 'the stream', media: 'text/event-stream' },
      '429': { description: 'too many streams open for this session', media: 'text/plain' },
    },
  }),
  page({ method: 'get', path: '/', summary: 'The live board', roles: 'staff' }),
  page({
    method: 'get',
    path: '/partials/board',
    summary: 'The board’s rows (live refresh)',
    roles: 'staff',
  }),
  page({
    method: 'get',
    path: '/cases/:id',
    summary: 'A case: facts, tasks, timeline, actions',
    roles: 'staff',
    params: caseIdParams,
  }),
  page({
    method: 'get',
    path: '/partials/cases/:id',
    summary: 'A case’s detail (live refresh)',
    roles: 'staff',
    params: caseIdParams,
  }),
  page({
    method: 'post',
    path: '/cases/:id/act/:action',
    summary: 'A form on the case page: the REST action of the same name, through the same contract',
    roles: 'staff (close, reassign: supervisor)',
    params: caseIdParams.extend({
      action: z.enum(['ack', 'comment', 'decide', 'resolve', 'close', 'reassign']),
    }),
    form: caseActionForm,
    responses: {
      '303': { description: 'done: back to the case page' },
      '400': html('a field is invalid (named on the page)'),
      '403': html('the role may not do this'),
      '404': html('no such case or action'),
      '409': html('refused: the reason is on the page'),
      '503': html('Temporal is unreachable'),
    },
  }),
  page({ method: 'get', path: '/reports', summary: 'KPI reports with charts', roles: 'supervisor' }),
  page({
    method: 'get',
    path: '/partials/reports',
    summary: 'The KPI table (live refresh)',
    roles: 'supervisor',
  }),
  page({ method: 'get', path: '/admin', summary: 'Catalog, policies and people', roles: 'admin' }),
  page({
    method: 'post',
    path: '/admin/people/:id/unlock',
    summary: 'Lift a sign-in lockout',
    roles: 'admin',
    params: z.object({ id: idParam('person') }),
    responses: { '303': { description: 'back to /admin' }, '404': html('no such person') },
  }),
  page({
    method: 'get',
    path: '/outbox',
    summary: 'Mail and SMS caught in-process (they hold action links)',
    roles: 'supervisor',
  }),
];
