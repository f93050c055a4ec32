/**
 * Changes of a case as the workflow decides them: timeline events, case columns and task rows in
 * one transaction, so a change the database refuses leaves nothing behind. Each is idempotent on
 * its (first) event's key: a repeat of an applied change does nothing.
 */
import type { CaseStatus } from '../domain/model.js';
import type { Db } from './index.js';
import { settleTasks, updateTask, type TaskChange } from './tasks.js';
import { insertEvent, type TimelineEventInput } from './timeline.js';

/** Case columns a workflow step may set; timestamps are the workflow's (deterministic) time. */
export interface CaseFieldChanges {
  status?: CaseStatus;
  currentStep?: string | null;
  acknowledgedAt?: string | null;
  ackedBy?: string | null;
  resolvedAt?: string | null;
  resolvedBy?: string | null;
  resolution?: string | null;
  rootCause?: string | null;
  correctiveAction?: string | null;
  downtimeMinutes?: number | null;
  closedAt?: string | null;
  cancelledAt?: string | null;
  cancelReason?: string | null;
  slaBreached?: boolean;
  reopenCount?: number;
}

/**
 * One atomic change of a case: its timeline events, case columns and task rows, in one transaction.
 * Idempotent on the first event's key: a repeat of an applied change does nothing.
 */
export interface CaseChange {
  caseId: number;
  events: Array<Omit<TimelineEventInput, 'caseId'>>;
  fields?: CaseFieldChanges;
  tasks?: TaskChange[];
}

/** Used by cases started before the SOP engine (see workflows/legacy.ts). */
export interface TransitionInput {
  caseId: number;
  to: CaseStatus;
  from: CaseStatus[];
  resolution?: string;
  rootCause?: string;
  event: TimelineEventInput;
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

/** Applies one change of a case; the first event's idempotency key identifies it. */
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
    for (const t of change.tasks ?? []) await updateTask(trx, change.caseId, t);
  });
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
    if (t.to === 'acknowledged') await settleTasks(trx, t.caseId, 'acknowledged');
    else if (t.to === 'resolved' || t.to === 'closed') await settleTasks(trx, t.caseId, 'done');
    else if (t.to === 'cancelled') await settleTasks(trx, t.caseId, 'cancelled');
  });
}
