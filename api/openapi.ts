/**
 * The OpenAPI 3.1 document (GET /openapi.json), generated from the same zod schemas the routes
 * validate with, so it cannot drift from what the API accepts.
 */
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
import { createCaseBody, listCasesQuery } from '../domain/contracts/case.js';
import { exceptionTypeBody, policyBody } from '../domain/contracts/policy.js';
import { summaryQuery } from '../domain/contracts/reports.js';

type JsonSchema = Record<string, unknown>;

const schema = (s: z.ZodType): JsonSchema =>
  z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;

/** Query parameters of an object schema, one per property. */
function queryParams(s: z.ZodObject): JsonSchema[] {
  const json = schema(s) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, p]) => ({
    name,
    in: 'query',
    required: (json.required ?? []).includes(name) && !('default' in p),
    schema: p,
  }));
}

const problem = { $ref: '#/components/responses/Problem' };
const errors = { '400': problem, '401': problem, '403': problem, '404': problem, '409': problem };
const caseId = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const ok = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } } },
});

interface Op {
  summary: string;
  roles: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  path?: boolean;
  responses?: Record<string, unknown>;
}

function op(o: Op): JsonSchema {
  return {
    summary: o.summary,
    'x-andon-roles': o.roles,
    security: [{ bearer: [] }],
    parameters: [...(o.path ? [caseId] : []), ...(o.query ? queryParams(o.query) : [])],
    ...(o.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: schema(o.body) } } } }
      : {}),
    responses: {
      ...(o.responses ?? { '200': ok('the case as it now stands, with its live state') }),
      ...errors,
    },
  };
}

const action = (summary: string, roles: string, body: z.ZodType): JsonSchema =>
  op({ summary, roles, body, path: true });

export function openApiDocument(): JsonSchema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Andon',
      version: '1',
      description:
        'Exception management for manufacturing: cases, SOP tasks, escalation, KPIs. Errors are RFC 9457 problem+json.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An Andon API key' } },
      responses: {
        Problem: {
          description: 'A problem (RFC 9457); `errors` names each offending field',
          content: {
            'application/problem+json': {
              schema: {
                type: 'object',
                required: ['type', 'title', 'status', 'detail'],
                properties: {
                  type: { type: 'string' },
                  title: { type: 'string' },
                  status: { type: 'integer' },
                  detail: { type: 'string' },
                  instance: { type: 'string' },
                  errors: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: { field: { type: 'string' }, message: { type: 'string' } },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    paths: {
      '/api/v1/cases': {
        post: op({
          summary: 'Open a case (idempotent on source + externalId)',
          roles: 'mes, supervisor',
          body: createCaseBody,
          responses: {
            '200': ok('the existing case'),
            '201': ok('the new case'),
            '202': ok('accepted; the workflow starts when Temporal is reachable'),
          },
        }),
        get: op({
          summary: 'List cases, newest first',
          roles: 'staff',
          query: listCasesQuery,
          responses: { '200': ok('{cases, nextCursor}') },
        }),
      },
      '/api/v1/cases/{id}': {
        get: op({ summary: 'A case with its live workflow state', roles: 'staff', path: true }),
      },
      '/api/v1/cases/{id}/timeline': {
        get: op({
          summary: 'The ordered timeline',
          roles: 'staff',
          path: true,
          responses: { '200': ok('{caseId, events}') },
        }),
      },
      '/api/v1/cases/{id}/ack': {
        post: action('Acknowledge one task, or all waiting for an ack', 'staff', ackBody),
      },
      '/api/v1/cases/{id}/decisions': {
        post: action('Answer a task with one of its options', 'staff', decisionBody),
      },
      '/api/v1/cases/{id}/eta': { post: action('Give the ETA of a task', 'staff', etaBody) },
      '/api/v1/cases/{id}/comments': { post: action('Comment', 'staff', commentBody) },
      '/api/v1/cases/{id}/resolve': { post: action('Resolve', 'staff', resolveBody) },
      '/api/v1/cases/{id}/reassign': {
        post: action('Reassign a task to a role or a person', 'supervisor', reassignBody),
      },
      '/api/v1/cases/{id}/close': {
        post: action('Close (gated by type: root cause, CAPA, downtime)', 'supervisor', closeBody),
      },
      '/api/v1/cases/{id}/cancel': { post: action('Cancel with a reason', 'supervisor', cancelBody) },
      '/api/v1/cases/{id}/reopen': {
        post: op({
          summary: 'Reopen within the window (200), or open a linked recurrence (201)',
          roles: 'supervisor',
          body: reopenBody,
          path: true,
          responses: { '200': ok('the reopened case'), '201': ok('the recurrence') },
        }),
      },
      '/api/v1/cases/{id}/events': { post: action('Report an MES event', 'mes', mesEventBody) },
      '/api/v1/reports/summary': {
        get: op({
          summary: 'KPI summary (JSON, or CSV with Accept: text/csv)',
          roles: 'supervisor',
          query: summaryQuery,
          responses: { '200': ok('{filters, groups, pareto}') },
        }),
      },
      '/api/v1/exception-types/{code}': {
        put: op({
          summary: 'Edit an exception type of the catalog',
          roles: 'admin',
          body: exceptionTypeBody,
          responses: { '200': ok('the exception type') },
        }),
      },
      '/api/v1/policies': {
        post: op({
          summary: "Create or replace a scope's escalation policy",
          roles: 'admin',
          body: policyBody,
          responses: { '200': ok('replaced'), '201': ok('created') },
        }),
      },
    },
  };
}
