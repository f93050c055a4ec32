/**
 * Webhook endpoints (an MES write-back is one scoped to a `source`). The signing secret is stored
 * sealed (lib/secret-box.ts) by the caller: this module only keeps the sealed text.
 */
import type { WebhookEventType } from '../domain/contracts/webhooks.js';
import type { Db } from './index.js';
import { toDelivery, type DeliveryRow, type WebhookDelivery } from './webhook-deliveries.js';

export interface WebhookEndpoint {
  id: number;
  name: string;
  url: string;
  source: string | null;
  events: WebhookEventType[];
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  secretRotatedAt: string | null;
}

export interface WebhookEndpointView extends WebhookEndpoint {
  pending: number;
  lastDelivery: WebhookDelivery | null;
}

interface EndpointRow {
  id: number;
  name: string;
  url: string;
  source: string | null;
  events: WebhookEventType[];
  secret_enc: string;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
  secret_rotated_at: Date | null;
}

const toEndpoint = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  name: r.name,
  url: r.url,
  source: r.source,
  events: r.events,
  enabled: r.enabled,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  secretRotatedAt: r.secret_rotated_at ? r.secret_rotated_at.toISOString() : null,
});

export interface NewEndpoint {
  name: string;
  url: string;
  source: string | null;
  events: readonly WebhookEventType[];
  enabled: boolean;
  secretSealed: string;
}

export async function createEndpoint(db: Db, e: NewEndpoint): Promise<WebhookEndpointView> {
  const [row] = await db('webhook_endpoints')
    .insert({
      name: e.name,
      url: e.url,
      source: e.source,
      events: [...e.events],
      enabled: e.enabled,
      secret_enc: e.secretSealed,
    })
    .returning<EndpointRow[]>('*');
  return { ...toEndpoint(row!), pending: 0, lastDelivery: null };
}

/** Endpoints with how many deliveries wait and the last one attempted. */
export async function listEndpoints(db: Db, id?: number): Promise<WebhookEndpointView[]> {
  const q = db<EndpointRow>('webhook_endpoints').orderBy('id');
  if (id !== undefined) q.where({ id });
  const rows = await q;
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const pending = await db('webhook_deliveries')
    .whereIn('endpoint_id', ids)
    .andWhere({ status: 'pending' })
    .groupBy('endpoint_id')
    .select<Array<{ endpoint_id: number; n: string }>>('endpoint_id', db.raw('count(*) as n'));
  const last = await db.select<DeliveryRow[]>('d.*').from(
    db('webhook_deliveries')
      .whereIn('endpoint_id', ids)
      .whereNotNull('last_attempt_at')
      .distinctOn('endpoint_id')
      .orderBy([
        { column: 'endpoint_id' },
        { column: 'last_attempt_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .as('d'),
  );
  return rows.map((r) => ({
    ...toEndpoint(r),
    pending: Number(pending.find((p) => p.endpoint_id === r.id)?.n ?? 0),
    lastDelivery: ((d) => (d ? toDelivery(d) : null))(last.find((d) => d.endpoint_id === r.id)),
  }));
}

export async function getEndpoint(db: Db, id: number): Promise<WebhookEndpointView | null> {
  return (await listEndpoints(db, id))[0] ?? null;
}

/** The endpoint with its sealed secret, for signing. */
export async function endpointForSigning(
  db: Db,
  id: number,
): Promise<(WebhookEndpoint & { secretSealed: string }) | null> {
  const row = await db<EndpointRow>('webhook_endpoints').where({ id }).first();
  return row ? { ...toEndpoint(row), secretSealed: row.secret_enc } : null;
}

export interface EndpointChanges {
  name?: string;
  url?: string;
  source?: string | null;
  events?: readonly WebhookEventType[];
  enabled?: boolean;
}

/**
 * Changes an endpoint. Disabling it cancels what waits to go out (re-enabling does not bring those
 * back: the receiver would get stale changes out of order with new ones). False: no such endpoint.
 */
export async function updateEndpoint(db: Db, id: number, c: EndpointChanges): Promise<boolean> {
  return db.transaction(async (trx) => {
    const fields: Record<string, unknown> = { updated_at: trx.fn.now() };
    if (c.name !== undefined) fields.name = c.name;
    if (c.url !== undefined) fields.url = c.url;
    if (c.source !== undefined) fields.source = c.source;
    if (c.events !== undefined) fields.events = [...c.events];
    if (c.enabled !== undefined) fields.enabled = c.enabled;
    const n = await trx('webhook_endpoints').where({ id }).update(fields);
    if (n === 0) return false;
    if (c.enabled === false)
      await trx('webhook_deliveries')
        .where({ endpoint_id: id, status: 'pending' })
        .update({ status: 'cancelled', last_error: 'the endpoint was disabled' });
    return true;
  });
}

export async function rotateEndpointSecret(db: Db, id: number, secretSealed: string): Promise<boolean> {
  const n = await db('webhook_endpoints')
    .where({ id })
    .update({ secret_enc: secretSealed, secret_rotated_at: db.fn.now(), updated_at: db.fn.now() });
  return n > 0;
}

/** Deletes the endpoint and its delivery log. */
export async function deleteEndpoint(db: Db, id: number): Promise<boolean> {
  return (await db('webhook_endpoints').where({ id }).delete()) > 0;
}
