/**
 * What the integration routes answer (webhooks, MQTT dead letters, signing secrets), as zod schemas
 * for the OpenAPI document; named components like those of ./responses.ts.
 */
import { z } from 'zod';
import { WEBHOOK_DELIVERY_STATUSES, webhookEvent, webhookEventType } from './webhooks.js';

const instant = z.string().describe('ISO 8601 date-time (UTC)');

export const webhookDeliveryResponse = z.object({
  id: z.number().int().describe('also sent as X-Andon-Delivery'),
  endpointId: z.number().int(),
  caseId: z.number().int().nullable(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable().describe("the receiver's last HTTP status (null: no answer)"),
  lastError: z.string().nullable(),
  lastAttemptAt: instant.nullable(),
  deliveredAt: instant.nullable(),
  createdAt: instant,
});

export const webhookDeliveriesResponse = z.object({
  deliveries: z.array(webhookDeliveryResponse),
  nextCursor: z.number().int().nullable().describe('pass as `cursor` for the next page'),
});

export const webhookEndpointResponse = z.object({
  id: z.number().int(),
  name: z.string(),
  url: z.string(),
  source: z.string().nullable().describe('only cases of this source (MES write-back); null: every case'),
  events: z.array(webhookEventType),
  enabled: z.boolean(),
  createdAt: instant,
  updatedAt: instant,
  secretRotatedAt: instant.nullable(),
  pending: z.number().int().describe('deliveries waiting to go out'),
  lastDelivery: webhookDeliveryResponse.nullable(),
});

export const webhookEndpointsResponse = z.object({ webhooks: z.array(webhookEndpointResponse) });

/** The signing secret, shown this once (at creation and at each rotation). */
export const webhookSecretResponse = webhookEndpointResponse.extend({
  secret: z.string().describe('HMAC-SHA256 key of X-Andon-Signature; shown only now'),
});

export const webhookEventResponse = webhookEvent;

export const deadLetterResponse = z.object({
  id: z.number().int(),
  topic: z.string(),
  source: z.string().nullable(),
  payload: z.string().describe('the message as UTF-8 text (undecodable bytes as U+FFFD)'),
  payloadBase64: z.string().describe('the exact bytes received'),
  truncated: z.boolean().describe('only the first 64 KiB were kept'),
  detail: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })),
  receivedAt: instant,
});

export const deadLettersResponse = z.object({
  deadLetters: z.array(deadLetterResponse),
  nextCursor: z.number().int().nullable().describe('pass as `cursor` for the next page'),
});

export const signingSecretResponse = z.object({
  apiKeyId: z.number().int(),
  signatureRequired: z.boolean(),
  secret: z.string().describe('HMAC-SHA256 key for X-Andon-Signature; shown only now'),
});
