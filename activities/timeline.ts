/** Timeline, case-row and task writes. Each is idempotent on an event's idempotency key. */
import type { Knex } from 'knex';
import type { Db } from '../db/index.js';
import type { CaseStatus } from '../domain/model.js';
import type {
  CaseChange,
  CaseFieldChanges,
  OpenTaskInput,
  TimelineEventInput,
  TransitionInput,
} from './types.js';

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

const CASE_COLUMNS: Record<keyof CaseFieldChanges, string> = {
  status: 'status',
  currentStep: 'current_step',
  acknowledgedAt: 'acknowledged_at',
  ackedBy: 'acked_by',
  resolvedAt: 'resolved_at',
  resolvedBy: 'resolved_by',
  resolution: 'resolution',
  rootCause: 'root_cause',
  correctiveAction: 'corrective_action',
  downtimeMinutes: 'downtime_minutes',
  closedAt: 'closed_at',
  cancelledAt: 'cancelled_at',
  cancelReason: 'cancel_reason',
  slaBreached: 'sla_breached',
  reopenCount: 'reopen_count',
};

/**
 * Applies one change of a case — timeline events, case columns, task rows — in one transaction.
 * The first event's idempotency key identifies the change: when it exists, the change was applied.
 */
export async function applyCaseChange(db: Db, change: CaseChange): Promise<void> {
  const [first, ...rest] = change.events;
  if (!first) throw new Error('a case change needs at least one timeline event');
  await db.transaction(async (trx) => {
    if (!(await insertEvent(trx, { ...first, caseId: change.caseId }))) return;
    for (const e of rest) await insertEvent(trx, { ...e, caseId: change.caseId });
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(change.fields ?? {}) as Array<[keyof CaseFieldChanges, unknown]>) {
      if (v !== undefined) fields[CASE_COLUMNS[k]] = v;
    }
    if (Object.keys(fields).length > 0) {
      await trx('cases')
        .where({ id: change.caseId })
        .update({ ...fields, updated_at: trx.fn.now() });
    }
    for (const t of change.tasks ?? []) {
      const row: Record<string, unknown> = {};
      if (t.status !== undefined) row.status = t.status;
      if (t.ackedAt !== undefined) row.acked_at = t.ackedAt;
      if (t.ackedBy !== undefined) row.acked_by = t.ackedBy;
      if (t.doneAt !== undefined) row.done_at = t.doneAt;
      if (t.eta !== undefined) row.eta = t.eta;
      if (t.result !== undefined) row.result = JSON.stringify(t.result);
      if (t.role !== undefined) row.role = t.role;
      if (t.assigneePersonId !== undefined) row.assignee_person_id = t.assigneePersonId;
      if (Object.keys(row).length > 0)
        await trx('tasks').where({ id: t.taskId, case_id: change.caseId }).update(row);
    }
  });
}

/** Opens the task row of an SOP step (once) and records `task_opened`; returns the task's id. */
export async function openTask(db: Db, input: OpenTaskInput): Promise<number> {
  return db.transaction(async (trx) => {
    await trx('tasks')
      .insert({
        case_id: input.caseId,
        level: 0,
        role: input.role,
        task_key: input.taskKey,
        title: input.title,
        options: JSON.stringify(input.options),
        idempotency_key: input.idempotencyKey,
      })
      .onConflict('idempotency_key')
      .ignore();
    const row = await trx('tasks').where({ idempotency_key: input.idempotencyKey }).first('id');
    await insertEvent(trx, {
      caseId: input.caseId,
      type: 'task_opened',
      actor: 'system',
      data: {
        task: input.taskKey,
        role: input.role,
        title: input.title,
        options: input.options.map((o) => o.id),
      },
      idempotencyKey: `${input.idempotencyKey}:opened`,
    });
    return row.id as number;
  });
}
