/**
 * Outgoing webhooks, MES write-back included (an endpoint scoped to one `source`): the event types
 * an endpoint may choose, the admin bodies, and the JSON every delivery carries — the stable
 * schema receivers code against (documented under `webhooks` in /openapi.json).
 */
import { z } from 'zod';
import { CASE_STATUSES } from '../model.js';
import { exceptionType, severity } from './policy.js';
import { idParam, line } from './rules.js';

/** Event types an endpoint may subscribe to (the timeline event each comes from, in db/migrations/0012). */
export const WEBHOOK_EVENT_TYPES = [
  'case.opened',
  'case.acknowledged',
  'case.escalated',
  'case.sla_breached',
  'case.decision',
  'case.erp_document',
  'case.sop_failed',
  'case.resolved',
  'case.closed',
  'case.cancelled',
  'case.reopened',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Sent by "send test event" only; no endpoint subscribes to it. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** Headers of every delivery (and of an MES request signed for Andon, the last two). */
export const WEBHOOK_HEADERS = {
  event: 'X-Andon-Event',
  eventId: 'X-Andon-Event-Id',
  delivery: 'X-Andon-Delivery',
  timestamp: 'X-Andon-Timestamp',
  signature: 'X-Andon-Signature',
} as const;

export const webhookEventType = z.enum(WEBHOOK_EVENT_TYPES, {
  message: `must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}`,
});

const eventList = z
  .array(webhookEventType, { message: 'must be a list of event types' })
  .min(1, 'at least one event type')
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((e) => new Set(e).size === e.length, 'event types must not repeat');

/** An absolute http(s) URL without credentials; plain http is checked against the config by the route. */
export const webhookUrl = z
  .string({ message: 'must be a URL' })
  .max(2000, 'at most 2000 characters')
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
    } catch {
      return false;
    }
  }, 'must be an absolute https:// URL without user name or password');

/** POST /api/v1/webhooks */
export const createWebhookBody = z.strictObject({
  name: line(200),
  url: webhookUrl,
  /** Only the cases reported by this source (the MES write-back); absent: every case. */
  source: line(64).optional(),
  /** Default: every event type. */
  events: eventList.optional(),
  enabled: z.boolean({ message: 'must be true or false' }).default(true),
});
export type CreateWebhookBody = z.infer<typeof createWebhookBody>;

/** PUT /api/v1/webhooks/{id}: what changes (the secret only by rotation). */
export const updateWebhookBody = z
  .strictObject({
    name: line(200).optional(),
    url: webhookUrl.optional(),
    source: line(64).nullable().optional(),
    events: eventList.optional(),
    enabled: z.boolean({ message: 'must be true or false' }).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one of name, url, source, events, enabled');
export type UpdateWebhookBody = z.infer<typeof updateWebhookBody>;

export const webhookIdParams = z.object({ id: idParam('webhook') });

/** /api/v1/api-keys/{id}/signing-secret: the key whose requests must be signed. */
export const apiKeyIdParams = z.object({ id: idParam('API key') });

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'cancelled'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export const deliveriesQuery = z.object({
  status: z
    .enum(WEBHOOK_DELIVERY_STATUSES, { message: `must be one of ${WEBHOOK_DELIVERY_STATUSES.join(', ')}` })
    .optional(),
  caseId: idParam('case').optional(),
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, 'must be a whole number from 1 to 200')
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(200, 'at most 200'))
    .default(50),
  cursor: idParam('delivery').optional(),
});
export type DeliveriesQuery = z.infer<typeof deliveriesQuery>;

const instant = z.string().describe('ISO 8601 date-time (UTC)');

/** The case as it stood when the change was recorded (the same transaction). */
export const webhookCase = z.object({
  id: z.number().int(),
  source: z.string(),
  externalId: z.string().describe('the id the reporting system gave'),
  type: exceptionType,
  severity,
  status: z.enum(CASE_STATUSES).exclude(['pending_start']),
  line: z.string(),
  station: z.string().nullable(),
  title: z.string(),
  details: z.record(z.string(), z.unknown()).describe("the type's facts"),
  openedAt: instant,
  acknowledgedAt: instant.nullable(),
  resolvedAt: instant.nullable(),
  closedAt: instant.nullable(),
  resolution: z.string().nullable(),
  rootCause: z.string().nullable(),
  correctiveAction: z.string().nullable(),
  downtimeMinutes: z.number().int().nullable(),
  cancelReason: z.string().nullable(),
  currentStep: z.string().nullable(),
  escalationLevel: z.number().int(),
  slaBreached: z.boolean(),
  reportCount: z.number().int().describe('how many reports this case stands for (alarm storms)'),
  lastSeenAt: instant.describe('when the last of them came'),
  url: z.string().describe('the case page'),
});
export type WebhookCase = z.infer<typeof webhookCase>;

/** The body of every delivery. Receivers: verify the signature first, then dedupe on `id`. */
export const webhookEvent = z.object({
  id: z.string().describe('stable event id: the same on every retry and for every endpoint'),
  type: z.union([webhookEventType, z.literal(TEST_EVENT_TYPE)]),
  occurredAt: instant,
  actor: z
    .string()
    .nullable()
    .describe('who caused it: person:<id>, api_key:<id>, mes:<id>, erp:<name>, system'),
  case: webhookCase.nullable().describe('null for webhook.test'),
  data: z
    .record(z.string(), z.unknown())
    .describe(
      'the facts of the change, e.g. resolution/rootCause/downtimeMinutes (case.resolved), docType/docId (case.erp_document), reason (case.cancelled)',
    ),
});
export type WebhookEvent = z.infer<typeof webhookEvent>;
