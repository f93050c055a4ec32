/** The REST API's operations (/api/v1, bearer keys) for the OpenAPI document (api/openapi.ts). */
import { z } from 'zod';
import {
  ackBody,
  cancelBody,
  closeBody,
  commentBody,
  decisionBody,
  etaBody,
  mesEventBody,
  reassignBody,
  reopenBody,
  resolveBody,
} from '../domain/contracts/actions.js';
import {
  caseIdParams,
  createCaseBody,
  listCasesQuery,
  notificationsQuery,
} from '../domain/contracts/case.js';
import { exceptionType, exceptionTypeBody, policyBody } from '../domain/contracts/policy.js';
import { summaryQuery } from '../domain/contracts/reports.js';
import {
  caseListResponse,
  caseResponse,
  devMailResponse,
  devSmsResponse,
  exceptionTypeResponse,
  exceptionTypesResponse,
  notificationsResponse,
  policiesResponse,
  policyResponse,
  summaryResponse,
  timelineResponse,
} from '../domain/contracts/responses.js';
import { idParam } from '../domain/contracts/rules.js';
import { INTEGRATION_OPERATIONS } from './openapi-integrations.js';
import { NOTIFY_OPERATIONS } from './openapi-notify.js';
import { PEOPLE_OPERATIONS } from './openapi-people.js';
import type { Answer, Operation } from './openapi-types.js';

const V1 = '/api/v1';
const idOf = (what: string) => z.object({ id: idParam(what) });

const problem = (description: string): Answer => ({ description });
const notFound = problem('no such record');
const conflict = problem('refused: the reason is in `detail`');
const unavailable = problem('Temporal is unreachable (nothing was changed) or did not confirm in time');

/** A case action: answered with the case as it now stands, or refused with the reason. */
function action(path: string, summary: string, roles: string, body: z.ZodType): Operation {
  return {
    method: 'post',
    path: `${V1}/cases/:id/${path}`,
    summary,
    auth: 'bearer',
    roles,
    tag: 'cases',
    params: caseIdParams,
    body,
    responses: {
      '200': { description: 'the case as it now stands, with its live state', json: caseResponse },
      '404': notFound,
      '409': conflict,
      '415': problem('the body is not application/json'),
      '503': unavailable,
    },
  };
}

const admin = (o: Omit<Operation, 'auth' | 'roles' | 'tag'>, tag = 'people'): Operation => ({
  ...o,
  auth: 'bearer',
  roles: 'admin',
  tag,
});

export const API_OPERATIONS: readonly Operation[] = [
  ...PEOPLE_OPERATIONS,
  ...INTEGRATION_OPERATIONS,
  ...NOTIFY_OPERATIONS,
  // ── cases ───────────────────────────────────────────────────────────────────────────────────
  {
    method: 'post',
    path: `${V1}/cases`,
    summary: 'Open a case (idempotent on source + externalId)',
    auth: 'bearer',
    roles: 'mes, supervisor',
    tag: 'cases',
    body: createCaseBody,
    responses: {
      '200': {
        description:
          'the existing case of this source + externalId, or the open case of the same business key (a repeat: `reportCount` counts it)',
        json: caseResponse,
      },
      '201': { description: 'the new case', json: caseResponse },
      '202': {
        description: 'accepted while Temporal is unreachable; its workflow starts when it is back',
        json: caseResponse,
      },
      '409': problem(
        'this source + externalId already reported a case of another type (`errors` names type)',
      ),
      '415': problem('the body is not application/json'),
      '503': problem(
        'the database is unavailable (down or restarting): send the report again (`Retry-After`)',
      ),
    },
  },
  {
    method: 'get',
    path: `${V1}/cases`,
    summary: 'List cases, newest first (keyset pagination)',
    auth: 'bearer',
    roles: 'staff',
    tag: 'cases',
    query: listCasesQuery,
    responses: { '200': { description: 'a page of cases', json: caseListResponse } },
  },
  {
    method: 'get',
    path: `${V1}/cases/:id`,
    summary: 'A case with its live workflow state',
    auth: 'bearer',
    roles: 'staff',
    tag: 'cases',
    params: caseIdParams,
    responses: { '200': { description: 'the case', json: caseResponse }, '404': notFound },
  },
  {
    method: 'get',
    path: `${V1}/cases/:id/timeline`,
    summary: 'The ordered timeline (phone numbers and addresses hidden from staff keys)',
    auth: 'bearer',
    roles: 'staff',
    tag: 'cases',
    params: caseIdParams,
    responses: { '200': { description: 'the events', json: timelineResponse }, '404': notFound },
  },
  action('ack', 'Acknowledge one task, or all waiting for an ack', 'staff', ackBody),
  action('decisions', 'Answer a task with one of its options', 'staff', decisionBody),
  action('eta', 'Give the ETA of a task', 'staff', etaBody),
  action('comments', 'Comment', 'staff', commentBody),
  action('resolve', 'Resolve', 'staff', resolveBody),
  action('reassign', 'Reassign a task to a role or a person', 'supervisor', reassignBody),
  action('close', 'Close (gated by type: root cause, CAPA, downtime)', 'supervisor', closeBody),
  action('cancel', 'Cancel with a reason', 'supervisor', cancelBody),
  action('events', 'Report an MES event', 'mes', mesEventBody),
  {
    ...action(
      'reopen',
      'Reopen within the window (200), or open a linked recurrence (201)',
      'supervisor',
      reopenBody,
    ),
    responses: {
      '200': { description: 'the reopened case', json: caseResponse },
      '201': { description: 'the recurrence, a new case', json: caseResponse },
      '202': { description: 'the recurrence, accepted while Temporal is unreachable', json: caseResponse },
      '404': notFound,
      '409': conflict,
      '503': unavailable,
    },
  },
  {
    method: 'get',
    path: `${V1}/notifications`,
    summary: "A case's delivery records (channel, recipient, status, attempts)",
    auth: 'bearer',
    roles: 'supervisor',
    tag: 'cases',
    query: notificationsQuery,
    responses: { '200': { description: 'the records', json: notificationsResponse }, '404': notFound },
  },

  // ── catalog and policies ────────────────────────────────────────────────────────────────────
  {
    method: 'get',
    path: `${V1}/exception-types`,
    summary: 'The exception catalog',
    auth: 'bearer',
    roles: 'staff',
    tag: 'catalog',
    responses: { '200': { description: 'every type', json: exceptionTypesResponse } },
  },
  {
    method: 'get',
    path: `${V1}/exception-types/:code`,
    summary: 'One exception type',
    auth: 'bearer',
    roles: 'staff',
    tag: 'catalog',
    params: z.object({ code: exceptionType }),
    responses: { '200': { description: 'the type', json: exceptionTypeResponse }, '404': notFound },
  },
  admin(
    {
      method: 'put',
      path: `${V1}/exception-types/:code`,
      summary: 'Edit an exception type: names, SOP parameters, reopen window, reason codes',
      params: z.object({ code: exceptionType }),
      body: exceptionTypeBody,
      responses: { '200': { description: 'the type', json: exceptionTypeResponse } },
    },
    'catalog',
  ),
  {
    method: 'get',
    path: `${V1}/policies`,
    summary: 'Escalation policies',
    auth: 'bearer',
    roles: 'supervisor',
    tag: 'catalog',
    responses: { '200': { description: 'every policy', json: policiesResponse } },
  },
  {
    method: 'get',
    path: `${V1}/policies/:id`,
    summary: 'One escalation policy',
    auth: 'bearer',
    roles: 'supervisor',
    tag: 'catalog',
    params: idOf('policy'),
    responses: { '200': { description: 'the policy', json: policyResponse }, '404': notFound },
  },
  admin(
    {
      method: 'post',
      path: `${V1}/policies`,
      summary: "Create or replace a scope's escalation policy",
      body: policyBody,
      responses: {
        '200': { description: 'replaced', json: policyResponse },
        '201': { description: 'created', json: policyResponse },
      },
    },
    'catalog',
  ),
  admin(
    {
      method: 'delete',
      path: `${V1}/policies/:id`,
      summary: 'Delete a policy (running cases keep their snapshot)',
      params: idOf('policy'),
      responses: { '204': { description: 'deleted' }, '404': notFound },
    },
    'catalog',
  ),

  // ── reports ─────────────────────────────────────────────────────────────────────────────────
  {
    method: 'get',
    path: `${V1}/reports/summary`,
    summary: 'KPI summary (JSON, or CSV with Accept: text/csv)',
    auth: 'bearer',
    roles: 'supervisor',
    tag: 'reports',
    query: summaryQuery,
    responses: {
      '200': { description: 'the figures, grouped', json: summaryResponse, media: 'text/csv' },
      '406': problem('neither JSON nor CSV is acceptable'),
    },
  },

  // ── in-process transports ───────────────────────────────────────────────────────────────────
  {
    method: 'get',
    path: `${V1}/dev/mail`,
    summary: 'Mail caught in-process, newest first (only when SMTP_URL is unset)',
    auth: 'bearer',
    roles: 'supervisor',
    tag: 'dev',
    responses: { '200': { description: 'the newest 200 messages', json: devMailResponse } },
  },
  {
    method: 'get',
    path: `${V1}/dev/sms`,
    summary: 'SMS recorded in-process, newest first (only when Twilio is not configured)',
    auth: 'bearer',
    roles: 'supervisor',
    tag: 'dev',
    responses: { '200': { description: 'the newest 200 messages', json: devSmsResponse } },
  },
];
