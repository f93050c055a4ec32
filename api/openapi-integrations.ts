/**
 * The integration operations for the OpenAPI document: cases by the reporter's key, outgoing
 * webhooks (MES write-back included), signing secrets of MES keys, MQTT dead letters; and the
 * `webhooks` section (OpenAPI 3.1) describing what Andon POSTs to a receiver.
 */
import { mesEventBody } from '../domain/contracts/actions.js';
import { externalKeyParams } from '../domain/contracts/case.js';
import {
  deadLettersResponse,
  signingSecretResponse,
  webhookDeliveriesResponse,
  webhookDeliveryResponse,
  webhookEndpointResponse,
  webhookEndpointsResponse,
  webhookSecretResponse,
} from '../domain/contracts/integration-responses.js';
import { deadLettersQuery } from '../domain/contracts/mqtt.js';
import { caseResponse } from '../domain/contracts/responses.js';
import {
  apiKeyIdParams,
  createWebhookBody,
  deliveriesQuery,
  updateWebhookBody,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_HEADERS,
  webhookIdParams,
} from '../domain/contracts/webhooks.js';
import type { Answer, Operation } from './openapi-types.js';

const V1 = '/api/v1';
const notFound: Answer = { description: 'no such record' };

const admin = (o: Omit<Operation, 'auth' | 'roles' | 'tag'>): Operation => ({
  ...o,
  auth: 'bearer',
  roles: 'admin',
  tag: 'integrations',
});

export const INTEGRATION_OPERATIONS: readonly Operation[] = [
  // ── cases by the reporter's key ─────────────────────────────────────────────────────────────
  {
    method: 'get',
    path: `${V1}/cases/by-external/:source/:externalId`,
    summary: 'The case a system reported under this key (its own report, or a repeat folded into it)',
    auth: 'bearer',
    roles: 'staff',
    tag: 'cases',
    params: externalKeyParams,
    responses: {
      '200': { description: 'the case with its live state', json: caseResponse },
      '404': notFound,
    },
  },
  {
    method: 'post',
    path: `${V1}/cases/by-external/:source/:externalId/events`,
    summary: 'Report an MES event to the case reported under this key',
    auth: 'bearer',
    roles: 'mes',
    tag: 'cases',
    params: externalKeyParams,
    body: mesEventBody,
    responses: {
      '200': { description: 'the case as it now stands, with its live state', json: caseResponse },
      '404': notFound,
      '409': { description: 'refused: the reason is in `detail`' },
      '415': { description: 'the body is not application/json' },
      '503': { description: 'Temporal is unreachable (nothing was changed) or did not confirm in time' },
    },
  },

  // ── outgoing webhooks ───────────────────────────────────────────────────────────────────────
  admin({
    method: 'get',
    path: `${V1}/webhooks`,
    summary: 'Webhook endpoints, with what waits and the last delivery of each',
    responses: { '200': { description: 'the endpoints', json: webhookEndpointsResponse } },
  }),
  admin({
    method: 'post',
    path: `${V1}/webhooks`,
    summary: 'Add an endpoint (with `source`: the MES write-back of that source); its secret is shown once',
    body: createWebhookBody,
    responses: { '201': { description: 'the endpoint and its signing secret', json: webhookSecretResponse } },
  }),
  admin({
    method: 'get',
    path: `${V1}/webhooks/:id`,
    summary: 'One endpoint',
    params: webhookIdParams,
    responses: { '200': { description: 'the endpoint', json: webhookEndpointResponse }, '404': notFound },
  }),
  admin({
    method: 'put',
    path: `${V1}/webhooks/:id`,
    summary: 'Change an endpoint; disabling it cancels what waits',
    params: webhookIdParams,
    body: updateWebhookBody,
    responses: { '200': { description: 'the endpoint', json: webhookEndpointResponse }, '404': notFound },
  }),
  admin({
    method: 'delete',
    path: `${V1}/webhooks/:id`,
    summary: 'Delete an endpoint and its delivery log',
    params: webhookIdParams,
    responses: { '204': { description: 'deleted' }, '404': notFound },
  }),
  admin({
    method: 'post',
    path: `${V1}/webhooks/:id/rotate-secret`,
    summary: 'A new signing secret, used from the next attempt on; shown once',
    params: webhookIdParams,
    responses: {
      '200': { description: 'the endpoint and its new secret', json: webhookSecretResponse },
      '404': notFound,
    },
  }),
  admin({
    method: 'post',
    path: `${V1}/webhooks/:id/test`,
    summary: 'Send a signed `webhook.test` event now and answer with what the receiver said',
    params: webhookIdParams,
    responses: {
      '200': {
        description: 'the test delivery: `delivered`, or `failed` with the receiver’s answer',
        json: webhookDeliveryResponse,
      },
      '404': notFound,
      '409': { description: 'the endpoint’s secret cannot be read (rotate it)' },
    },
  }),
  admin({
    method: 'get',
    path: `${V1}/webhooks/:id/deliveries`,
    summary: 'The delivery log of an endpoint, newest first',
    params: webhookIdParams,
    query: deliveriesQuery,
    responses: {
      '200': { description: 'a page of deliveries', json: webhookDeliveriesResponse },
      '404': notFound,
    },
  }),

  // ── signed requests from an MES ─────────────────────────────────────────────────────────────
  admin({
    method: 'post',
    path: `${V1}/api-keys/:id/signing-secret`,
    summary:
      'Make an API key sign its writes (X-Andon-Timestamp, X-Andon-Signature); the secret is shown once',
    params: apiKeyIdParams,
    responses: { '201': { description: 'the secret', json: signingSecretResponse }, '404': notFound },
  }),
  admin({
    method: 'delete',
    path: `${V1}/api-keys/:id/signing-secret`,
    summary: 'Stop requiring signatures from an API key',
    params: apiKeyIdParams,
    responses: { '204': { description: 'done' }, '404': notFound },
  }),

  // ── MQTT ────────────────────────────────────────────────────────────────────────────────────
  {
    method: 'get',
    path: `${V1}/mqtt/dead-letters`,
    summary: 'MQTT messages that could not be taken, newest first, with the field at fault',
    auth: 'bearer',
    roles: 'supervisor',
    tag: 'integrations',
    query: deadLettersQuery,
    responses: { '200': { description: 'a page of dead letters', json: deadLettersResponse } },
  },
];

const header = (name: string, description: string) => ({
  name,
  in: 'header',
  required: true,
  description,
  schema: { type: 'string' },
});

/** The `webhooks` section: what Andon sends to a receiver (MES write-back and outgoing webhooks). */
export const WEBHOOKS_SECTION = {
  caseEvent: {
    post: {
      summary: 'A change of a case (or `webhook.test`), POSTed to each subscribed endpoint',
      description: `Event types: ${WEBHOOK_EVENT_TYPES.join(', ')}. Sent one at a time per endpoint and case, in order; retried with backoff until answered 2xx (any other answer, or none, is retried). Verify the signature: HMAC-SHA256 with your secret over "<${WEBHOOK_HEADERS.timestamp}>.<raw body>", hex, compared with ${WEBHOOK_HEADERS.signature} after "sha256=". Deduplicate on the body's \`id\` (= ${WEBHOOK_HEADERS.eventId}).`,
      parameters: [
        header(WEBHOOK_HEADERS.event, 'the event type'),
        header(WEBHOOK_HEADERS.eventId, 'stable event id: the same on every retry'),
        header(WEBHOOK_HEADERS.delivery, 'this delivery (one per event and endpoint)'),
        header(WEBHOOK_HEADERS.timestamp, 'unix time in seconds when this attempt was signed'),
        header(WEBHOOK_HEADERS.signature, 'sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">'),
      ],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/WebhookEvent' } } },
      },
      responses: {
        '2XX': { description: 'taken; any other answer (or none within the timeout) is retried' },
      },
    },
  },
};
