/** Timeline and case-row writes. Each is idempotent on the event's idempotency key. */
import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import type { CaseStatus } from '../domain/model.js';
import type { TimelineEventInput, TransitionInput } from './types.js';

/** Inserts the event unless one with its key exists; true when this call wrote it. */
export async function insertEvent(db: Db | Knex.Transaction, e: TimelineEventInput): Promise<boolean> {
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

/** Applies a status change and its timeline event atomically; a repeat of the same event is a no-op. */
export async function applyTransition(db: Db, t: TransitionInput): Promise<void> {
  await db.transaction(async (trx) => {
    if (!(await insertEvent(trx, t.event))) return;
    const now = trx.fn.now();
    const fields: Record<string, unknown> = { status: t.to, updated_at: now };
    if (t.to === 'acknowledged') fields.acknowledged_at = now;
    if (t.to === 'resolved') {
      fields.resolved_at = now;
      fields.resolution = t.resolution ?? null;
      fields.root_cause = t.rootCause ?? null;
    }
    if (t.to === 'closed') fields.closed_at = now;
    // A case whose start the API has not yet recorded may still read pending_start.
    const from: CaseStatus[] = [...t.from, 'pending_start'];
    await trx('cases').where({ id: t.caseId }).whereIn('status', from).update(fields);
    if (t.to === 'acknowledged') {
      await trx('tasks')
        .where({ case_id: t.caseId, status: 'open' })
        .update({ status: 'acked', acked_at: now });
    } else if (t.to === 'resolved' || t.to === 'closed' || t.to === 'cancelled') {
      await trx('tasks')
        .where({ case_id: t.caseId })
        .whereIn('status', ['open', 'acked'])
        .update({ status: t.to === 'cancelled' ? 'cancelled' : 'done', done_at: now });
    }
  });
}
