/** The case timeline (`case_events`): append-only, each event written once by its idempotency key. */
import type { EventType } from '../domain/model.js';
import type { Db } from './index.js';

export interface TimelineEventInput {
  caseId: number;
  type: EventType;
  /** Who caused it: `api_key:<id>`, `person:<id>`, `mes:<id>` or `system`. */
  actor: string;
  data: Record<string, unknown>;
  /** Unique per logical event: a retried activity writes it once. */
  idempotencyKey: string;
}

export interface TimelineEvent {
  id: number;
  type: EventType;
  actor: string;
  data: Record<string, unknown>;
  occurredAt: string;
}

/** A row of `case_events`, as pg returns it. */
interface EventRow {
  id: number;
  case_id: number;
  type: EventType;
  actor: string;
  data: Record<string, unknown>;
  idempotency_key: string;
  occurred_at: Date;
}

/** Inserts the event unless one with its key exists; true when this call wrote it. `db` may be a transaction. */
export async function insertEvent(db: Db, e: TimelineEventInput): Promise<boolean> {
  const rows = await db('case_events')
    .insert({
      case_id: e.caseId,
      type: e.type,
      actor: e.actor,
      data: JSON.stringify(e.data),
      idempotency_key: e.idempotencyKey,
    })
    .onConflict('idempotency_key')
    .ignore()
    .returning('id');
  return rows.length > 0;
}

/** A case's events, oldest first. */
export async function timeline(db: Db, caseId: number): Promise<TimelineEvent[]> {
  const rows = await db<EventRow>('case_events').where({ case_id: caseId }).orderBy('id');
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    actor: r.actor,
    data: r.data,
    occurredAt: new Date(r.occurred_at).toISOString(),
  }));
}
