/**
 * The webhook outbox: one row per event and endpoint, queued by the `case_events_webhooks` trigger
 * in the transaction that records the change (migration 0012), delivered in id order per endpoint
 * and case by the webhook delivery workflow, and kept as the delivery log.
 */
import type { WebhookDeliveryStatus, WebhookEvent, WebhookCase } from '../domain/contracts/webhooks.js';
import { TEST_EVENT_TYPE } from '../domain/contracts/webhooks.js';
import type { CaseStatus } from '../domain/model.js';
import type { Db } from './index.js';

export interface WebhookDelivery {
  id: number;
  endpointId: number;
  caseId: number | null;
  eventId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface DeliveryRow {
  id: number;
  endpoint_id: number;
  case_id: number | null;
  case_event_id: number | null;
  event_id: string;
  event_type: string;
  case_snapshot: Record<string, unknown> | null;
  event_data: Record<string, unknown>;
  actor: string | null;
  event_at: Date;
  status: WebhookDeliveryStatus;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  endpointId: r.endpoint_id,
  caseId: r.case_id,
  eventId: r.event_id,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  lastStatus: r.last_status,
  lastError: r.last_error,
  lastAttemptAt: iso(r.last_attempt_at),
  deliveredAt: iso(r.delivered_at),
  createdAt: r.created_at.toISOString(),
});

/** Snapshot columns are JSON as to_jsonb wrote them: timestamps are text. */
const instant = (v: unknown): string | null => (typeof v === 'string' ? new Date(v).toISOString() : null);
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' ? v : null);

function caseOf(s: Record<string, unknown>, publicUrl: string): WebhookCase {
  const status = s.status as CaseStatus;
  return {
    id: s.id as number,
    source: s.source as string,
    externalId: s.external_id as string,
    type: s.type as WebhookCase['type'],
    severity: s.severity as WebhookCase['severity'],
    // Accepted but its workflow not started yet: to the receiver it is open.
    status: status === 'pending_start' ? 'open' : status,
    line: s.line as string,
    station: text(s.station),
    title: s.title as string,
    details: (s.details ?? {}) as Record<string, unknown>,
    openedAt: instant(s.opened_at)!,
    acknowledgedAt: instant(s.acknowledged_at),
    resolvedAt: instant(s.resolved_at),
    closedAt: instant(s.closed_at),
    resolution: text(s.resolution),
    rootCause: text(s.root_cause),
    correctiveAction: text(s.corrective_action),
    downtimeMinutes: int(s.downtime_minutes),
    cancelReason: text(s.cancel_reason),
    currentStep: text(s.current_step),
    escalationLevel: int(s.escalation_level) ?? 0,
    slaBreached: s.sla_breached === true,
    reportCount: int(s.report_count) ?? 1,
    lastSeenAt: instant(s.last_seen_at) ?? instant(s.opened_at)!,
    url: `${publicUrl.replace(/\/+$/, '')}/cases/${String(s.id)}`,
  };
}

/** The JSON a delivery carries: built from what was stored, so every retry sends the same. */
export function toWebhookEvent(r: DeliveryRow, publicUrl: string): WebhookEvent {
  return {
    id: r.event_id,
    type: r.event_type as WebhookEvent['type'],
    occurredAt: r.event_at.toISOString(),
    actor: r.actor,
    case: r.case_snapshot ? caseOf(r.case_snapshot, publicUrl) : null,
    data: r.event_data,
  };
}

/**
 * Endpoint/case pairs with deliveries waiting that nobody has kicked for `staleSeconds` (or that
 * belong to `caseId`), marked as kicked now. The relay starts (or wakes) their workflows.
 */
export async function pairsToKick(
  db: Db,
  o: { staleSeconds: number; caseId?: number; limit?: number },
): Promise<Array<{ endpointId: number; caseId: number }>> {
  const ids = db('webhook_deliveries')
    .select('id')
    .where({ status: 'pending' })
    .whereNotNull('case_id')
    .limit(o.limit ?? 500);
  if (o.caseId !== undefined) ids.where({ case_id: o.caseId });
  else
    ids.andWhere((q) => {
      q.whereNull('kicked_at').orWhere(
        'kicked_at',
        '<',
        db.raw('now() - make_interval(secs => ?)', [o.staleSeconds]),
      );
    });
  const rows = await db('webhook_deliveries')
    .whereIn('id', ids)
    .update({ kicked_at: db.fn.now() })
    .returning<Array<{ endpoint_id: number; case_id: number }>>(['endpoint_id', 'case_id']);
  const seen = new Map<string, { endpointId: number; caseId: number }>();
  for (const r of rows)
    seen.set(`${r.endpoint_id}:${r.case_id}`, { endpointId: r.endpoint_id, caseId: r.case_id });
  return [...seen.values()];
}

/** The oldest delivery waiting for this endpoint and case: the only one that may go out now. */
export async function nextPendingDelivery(
  db: Db,
  endpointId: number,
  caseId: number,
): Promise<number | null> {
  const row = await db('webhook_deliveries')
    .where({ endpoint_id: endpointId, case_id: caseId, status: 'pending' })
    .orderBy('id')
    .first<{ id: number } | undefined>('id');
  return row?.id ?? null;
}

export async function getDelivery(db: Db, id: number): Promise<DeliveryRow | null> {
  return (await db<DeliveryRow>('webhook_deliveries').where({ id }).first()) ?? null;
}

/** Records one attempt; a success marks it delivered. Only a pending delivery changes. */
export async function recordAttempt(
  db: Db,
  id: number,
  o: { ok: boolean; status: number | null; error: string | null },
): Promise<DeliveryRow | null> {
  const [row] = await db('webhook_deliveries')
    .where({ id, status: 'pending' })
    .update({
      attempts: db.raw('attempts + 1'),
      last_status: o.status,
      last_error: o.error,
      last_attempt_at: db.fn.now(),
      ...(o.ok ? { status: 'delivered', delivered_at: db.fn.now() } : {}),
    })
    .returning<DeliveryRow[]>('*');
  return row ?? null;
}

/** Gives a delivery up (its retries ran out, or the endpoint went away). */
export async function markDeliveryFailed(
  db: Db,
  id: number,
  status: 'failed' | 'cancelled',
  reason: string,
): Promise<DeliveryRow | null> {
  const [row] = await db('webhook_deliveries')
    .where({ id, status: 'pending' })
    // The receiver's last answer says more than "retries ran out": it is kept when there is one.
    .update({ status, last_error: db.raw('coalesce(last_error, ?)', [reason.slice(0, 500)]) })
    .returning<DeliveryRow[]>('*');
  return row ?? null;
}

/** A `webhook.test` delivery, sent at once by the caller (it records the outcome with recordAttempt). */
export async function insertTestDelivery(db: Db, endpointId: number): Promise<DeliveryRow> {
  const [row] = await db('webhook_deliveries')
    .insert({
      endpoint_id: endpointId,
      event_id: db.raw(`'evt_test_' || gen_random_uuid()`),
      event_type: TEST_EVENT_TYPE,
      event_data: JSON.stringify({ message: 'A test event from Andon: your endpoint is reachable.' }),
      actor: 'system',
      event_at: db.fn.now(),
    })
    .returning<DeliveryRow[]>('*');
  return row!;
}

export async function listDeliveries(
  db: Db,
  endpointId: number,
  f: { status?: WebhookDeliveryStatus; caseId?: number; limit: number; cursor?: number },
): Promise<{ deliveries: WebhookDelivery[]; nextCursor: number | null }> {
  const q = db<DeliveryRow>('webhook_deliveries')
    .where({ endpoint_id: endpointId })
    .orderBy('id', 'desc')
    .limit(f.limit + 1);
  if (f.status) q.where({ status: f.status });
  if (f.caseId) q.where({ case_id: f.caseId });
  if (f.cursor) q.where('id', '<', f.cursor);
  const rows = await q;
  const page = rows.slice(0, f.limit).map(toDelivery);
  return { deliveries: page, nextCursor: rows.length > f.limit ? page[page.length - 1]!.id : null };
}
