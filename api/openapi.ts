/**
 * The OpenAPI 3.1 document (GET /openapi.json), generated from the same zod schemas the routes
 * validate with (requests) and domain/contracts/responses.ts (answers), so it cannot drift from what
 * the API accepts. Every route the application serves is in it (test/openapi.test.ts walks the
 * router to make sure): the REST API, the action links and Twilio webhooks, operations, and the
 * web UI's pages.
 */
import { z } from 'zod';
import * as integrationResponses from '../domain/contracts/integration-responses.js';
import * as responses from '../domain/contracts/responses.js';
import { ACCOUNT_OPERATIONS } from './openapi-accounts.js';
import { API_OPERATIONS } from './openapi-api.js';
import { WEBHOOKS_SECTION } from './openapi-integrations.js';
import { PUBLIC_OPERATIONS, WEB_OPERATIONS } from './openapi-public.js';
import { ADMIN_UI_OPERATIONS, FLOOR_OPERATIONS } from './openapi-floor.js';
import type { Auth, Operation } from './openapi-types.js';

export type { Answer, Auth, Operation } from './openapi-types.js';

type JsonSchema = Record<string, unknown>;

function jsonSchema(s: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(s, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
  return json;
}

/** A request schema (what the caller sends). */
export const schemaOf = (s: z.ZodType): JsonSchema => jsonSchema(s, 'input');

/** Response schemas by name (`caseResponse` → `Case`), kept once under components.schemas. */
const NAMED = new Map<z.ZodType, string>(
  Object.entries({ ...responses, ...integrationResponses }).map(([key, schema]) => [
    schema as z.ZodType,
    key.replace(/Response$/, '').replace(/^./, (c) => c.toUpperCase()),
  ]),
);

/** A response schema: a reference to its named component. */
const answerSchema = (s: z.ZodType): JsonSchema => {
  const name = NAMED.get(s);
  return name ? { $ref: `#/components/schemas/${name}` } : jsonSchema(s, 'output');
};

/** `/api/v1/cases/:id` → `/api/v1/cases/{id}` */
export const openApiPath = (expressPath: string): string => expressPath.replace(/:(\w+)/g, '{$1}');

function parameters(s: z.ZodObject | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!s) return [];
  const json = schemaOf(s) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, p]) => ({
    name,
    in: where,
    required: where === 'path' || ((json.required ?? []).includes(name) && !('default' in p)),
    schema: p,
  }));
}

const SECURITY: Record<Auth, JsonSchema[]> = {
  bearer: [{ bearer: [] }],
  session: [{ session: [] }],
  none: [],
  twilio: [{ twilioSignature: [] }],
  link: [],
};

/** Problem answers every bearer route may give besides its own. */
const PROBLEMS: Record<string, string> = {
  '400': 'invalid input: `errors` names each field',
  '401': 'no API key, or an unknown or revoked one',
  '403': 'the key’s role may not do this',
};

function operation(o: Operation): JsonSchema {
  const problem = { $ref: '#/components/schemas/Problem' };
  const responses: Record<string, unknown> = {};
  for (const [status, a] of Object.entries(o.responses)) {
    const content: Record<string, unknown> = {};
    if (a.json) content['application/json'] = { schema: answerSchema(a.json) };
    if (a.media) content[a.media] = { schema: { type: 'string' } };
    if (!a.json && !a.media && Number(status) >= 400 && o.auth === 'bearer')
      content['application/problem+json'] = { schema: problem };
    responses[status] = {
      description: a.description,
      ...(Object.keys(content).length > 0 ? { content } : {}),
    };
  }
  if (o.auth === 'bearer')
    for (const [status, description] of Object.entries(PROBLEMS))
      responses[status] ??= { description, content: { 'application/problem+json': { schema: problem } } };
  const requestBody = o.body
    ? { required: true, content: { 'application/json': { schema: schemaOf(o.body) } } }
    : o.form
      ? {
          required: true,
          content: { 'application/x-www-form-urlencoded': { schema: schemaOf(o.form) } },
        }
      : undefined;
  return {
    summary: o.summary,
    tags: [o.tag],
    ...(o.roles ? { 'x-andon-roles': o.roles } : {}),
    security: SECURITY[o.auth],
    parameters: [...parameters(o.params, 'path'), ...parameters(o.query, 'query')],
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** Every operation the application serves. */
export const OPERATIONS: readonly Operation[] = [
  ...PUBLIC_OPERATIONS,
  ...API_OPERATIONS,
  ...WEB_OPERATIONS,
  ...ACCOUNT_OPERATIONS,
  ...FLOOR_OPERATIONS,
  ...ADMIN_UI_OPERATIONS,
];

export function openApiDocument(): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const o of OPERATIONS) (paths[openApiPath(o.path)] ??= {})[o.method] = operation(o);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Andon',
      version: '1',
      description:
        'Exception management for manufacturing: cases, SOP tasks, escalation, KPIs. Errors of /api/v1 are RFC 9457 problem+json; refused actions are 409 with the reason in `detail`.',
    },
    tags: [
      { name: 'cases', description: 'Cases and the actions on them' },
      { name: 'people', description: 'People, rosters and sign-in accounts' },
      { name: 'catalog', description: 'Exception catalog and escalation policies' },
      { name: 'reports', description: 'KPI reports' },
      { name: 'keys', description: 'API keys: issue, list, rotate, revoke' },
      { name: 'notifications', description: 'Group channels, stakeholder subscriptions, message templates' },
      { name: 'dev', description: 'In-process transports (only without SMTP / Twilio)' },
      { name: 'integrations', description: 'Outgoing webhooks (MES write-back), signed MES keys, MQTT' },
      { name: 'messages', description: 'Action links and Twilio webhooks, reached without an API key' },
      { name: 'operations', description: 'Health, readiness, metrics, this document' },
      { name: 'web', description: 'The web UI: server-rendered HTML pages for a signed-in person' },
    ],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An Andon API key' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'andon_session',
          description: 'A web session (POST /login)',
        },
        twilioSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Twilio-Signature',
          description: "Twilio's signature over the public URL and the form fields",
        },
      },
      schemas: Object.fromEntries([...NAMED].map(([schema, name]) => [name, jsonSchema(schema, 'output')])),
    },
    paths,
    webhooks: WEBHOOKS_SECTION,
  };
}
