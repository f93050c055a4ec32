/**
 * Delivering webhook events (MES write-back included): one signed POST per attempt, each attempt in
 * the delivery log; Temporal retries a failed attempt with backoff (workflows/webhooks/). A delivery
 * to an endpoint scoped to the case's source is the MES write-back: its outcome goes on the case's
 * timeline with the receiver's answer.
 */
import { ApplicationFailure } from '@temporalio/common';
import { endpointForSigning } from '../../db/webhooks.js';
import {
  getDelivery,
  markDeliveryFailed,
  nextPendingDelivery,
  recordAttempt,
  toWebhookEvent,
  type DeliveryRow,
} from '../../db/webhook-deliveries.js';
import type { Db } from '../../db/index.js';
import { insertEvent } from '../../db/timeline.js';
import { SecretUnreadable, type SecretBox } from '../../lib/secret-box.js';
import { postSignedEvent } from '../../lib/webhook-http.js';
import type { WebhookActivities } from './types.js';

export interface WebhookDeps {
  db: Db;
  secrets: SecretBox;
  /** Base of the case links in the events. */
  publicUrl: string;
  /** How long one POST may take. */
  timeoutMs: number;
}

/** Records a write-back's outcome on the case's timeline (once: keyed by the delivery). */
async function onTimeline(
  db: Db,
  row: DeliveryRow,
  endpoint: { name: string; source: string | null },
  outcome: 'delivered' | 'failed',
): Promise<void> {
  if (row.case_id === null || endpoint.source === null) return;
  await insertEvent(db, {
    caseId: row.case_id,
    type: outcome === 'delivered' ? 'webhook_delivered' : 'webhook_failed',
    actor: 'system',
    data: {
      webhook: endpoint.name,
      webhookId: row.endpoint_id,
      event: row.event_type,
      eventId: row.event_id,
      deliveryId: row.id,
      status: row.last_status,
      attempts: row.attempts,
      ...(outcome === 'failed' && row.last_error ? { error: row.last_error } : {}),
    },
    idempotencyKey: `webhook-delivery-${row.id}:${outcome}`,
  });
}

export function webhookActivities(deps: WebhookDeps): WebhookActivities {
  const { db } = deps;
  return {
    nextWebhookDelivery: ({ endpointId, caseId }) => nextPendingDelivery(db, endpointId, caseId),

    async deliverWebhook({ deliveryId }) {
      const row = await getDelivery(db, deliveryId);
      if (!row || row.status !== 'pending') return { outcome: 'skipped', status: row?.last_status ?? null };
      const endpoint = await endpointForSigning(db, row.endpoint_id);
      if (!endpoint || !endpoint.enabled) {
        await markDeliveryFailed(db, deliveryId, 'cancelled', 'the endpoint was disabled or deleted');
        return { outcome: 'skipped', status: null };
      }
      let secret: string;
      try {
        secret = deps.secrets.open(endpoint.secretSealed);
      } catch (err) {
        if (!(err instanceof SecretUnreadable)) throw err;
        await recordAttempt(db, deliveryId, { ok: false, status: null, error: err.message });
        throw ApplicationFailure.retryable(err.message, 'WebhookFailed');
      }
      const sent = await postSignedEvent({
        url: endpoint.url,
        secret,
        body: JSON.stringify(toWebhookEvent(row, deps.publicUrl)),
        eventType: row.event_type,
        eventId: row.event_id,
        deliveryId,
        timeoutMs: deps.timeoutMs,
      });
      const after = await recordAttempt(db, deliveryId, sent);
      if (!sent.ok)
        throw ApplicationFailure.retryable(`${endpoint.name}: ${sent.error ?? 'failed'}`, 'WebhookFailed');
      if (after) await onTimeline(db, after, endpoint, 'delivered');
      return { outcome: 'delivered', status: sent.status };
    },

    async giveUpWebhookDelivery({ deliveryId, reason }) {
      const row = await markDeliveryFailed(db, deliveryId, 'failed', reason);
      if (!row) return;
      const endpoint = await endpointForSigning(db, row.endpoint_id);
      if (endpoint) await onTimeline(db, row, endpoint, 'failed');
    },
  };
}
