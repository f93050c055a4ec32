/** Case rows: the system of record people and reports read (timeline: timeline.ts, outbox: outbox.ts). */
import type { PolicySnapshot } from '../domain/contracts/policy.js';
import type { CaseStatus, ExceptionType, Severity } from '../domain/model.js';
import type { Db } from './index.js';
import { insertEvent } from './timeline.js';

export interface CaseRecord {
  id: number;
  source: string;
  externalId: string;
  type: ExceptionType;
  severity: Severity;
  status: CaseStatus;
  line: string;
  station: string | null;
  title: string;
  description: string | null;
  reasonCode: string | null;
  details: Record<string, unknown>;
  policy: PolicySnapshot;
  escalationLevel: number;
  occurredAt: string;
  openedAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  resolution: string | null;
  rootCause: string | null;
  correctiveAction: string | null;
  downtimeMinutes: number | null;
  shift: string | null;
  currentStep: string | null;
  slaDeadline: string | null;
  slaBreached: boolean;
  cancelReason: string | null;
  reopenCount: number;
  parentCaseId: number | null;
  recurrenceOf: number | null;
}

export interface NewCase {
  source: string;
  externalId: string;
  type: ExceptionType;
  severity: Severity;
  line: string;
  station: string | null;
  title: string;
  description: string | null;
  reasonCode: string | null;
  details: Record<string, unknown>;
  occurredAt: Date;
  policy: PolicySnapshot;
  /** The shift running when the case opened (see domain/shifts.ts). */
  shift?: string | null;
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

/** A row of `cases`, as pg returns it (timestamps as Date, jsonb parsed, bigint ids as numbers). */
interface CaseRow {
  id: number;
  source: string;
  external_id: string;
  type: ExceptionType;
  severity: Severity;
  status: CaseStatus;
  line: string;
  station: string | null;
  title: string;
  description: string | null;
  reason_code: string | null;
  details: Record<string, unknown>;
  policy: PolicySnapshot;
  escalation_level: number;
  occurred_at: Date;
  opened_at: Date;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  resolution: string | null;
  root_cause: string | null;
  corrective_action: string | null;
  downtime_minutes: number | null;
  shift: string | null;
  current_step: string | null;
  sla_deadline: Date | null;
  sla_breached: boolean;
  cancel_reason: string | null;
  reopen_count: number;
  parent_case_id: number | null;
  recurrence_of: number | null;
}

export function toCaseRecord(r: CaseRow): CaseRecord {
  return {
    id: r.id,
    source: r.source,
    externalId: r.external_id,
    type: r.type,
    severity: r.severity,
    status: r.status,
    line: r.line,
    station: r.station,
    title: r.title,
    description: r.description,
    reasonCode: r.reason_code,
    details: r.details,
    policy: r.policy,
    escalationLevel: r.escalation_level,
    occurredAt: iso(r.occurred_at)!,
    openedAt: iso(r.opened_at)!,
    acknowledgedAt: iso(r.acknowledged_at),
    resolvedAt: iso(r.resolved_at),
    closedAt: iso(r.closed_at),
    resolution: r.resolution,
    rootCause: r.root_cause,
    correctiveAction: r.corrective_action,
    downtimeMinutes: r.downtime_minutes,
    shift: r.shift,
    currentStep: r.current_step,
    slaDeadline: iso(r.sla_deadline),
    slaBreached: r.sla_breached,
    cancelReason: r.cancel_reason,
    reopenCount: r.reopen_count,
    parentCaseId: r.parent_case_id,
    recurrenceOf: r.recurrence_of,
  };
}

/**
 * Inserts the case and its `opened` event in one transaction, or returns the existing case for
 * the same source + externalId (`created: false`). Safe under concurrent duplicates.
 */
export async function openCase(
  db: Db,
  c: NewCase,
  actor: string,
): Promise<{ created: boolean; record: CaseRecord }> {
  return db.transaction(async (trx) => {
    // jsonb columns are inserted as JSON text, so the insert itself is not typed by CaseRow.
    const inserted = await trx('cases')
      .insert({
        source: c.source,
        external_id: c.externalId,
        type: c.type,
        severity: c.severity,
        status: 'pending_start',
        line: c.line,
        station: c.station,
        title: c.title,
        description: c.description,
        reason_code: c.reasonCode,
        details: JSON.stringify(c.details),
        policy: JSON.stringify(c.policy),
        occurred_at: c.occurredAt,
        shift: c.shift ?? null,
        sla_deadline: trx.raw('now() + make_interval(secs => ?)', [c.policy.resolveSlaSeconds]),
      })
      .onConflict(['source', 'external_id'])
      .ignore()
      .returning<CaseRow[]>('*');
    const row = inserted[0];
    if (!row) {
      const existing = await trx<CaseRow>('cases')
        .where({ source: c.source, external_id: c.externalId })
        .first();
      if (!existing) throw new Error('case conflict without an existing row');
      return { created: false, record: toCaseRecord(existing) };
    }
    const id = row.id;
    await insertEvent(trx, {
      caseId: id,
      type: 'opened',
      actor,
      data: { source: c.source, externalId: c.externalId, type: c.type, severity: c.severity, line: c.line },
      idempotencyKey: `case-${id}:opened`,
    });
    return { created: true, record: toCaseRecord(row) };
  });
}

export async function getCase(db: Db, id: number): Promise<CaseRecord | null> {
  const row = await db<CaseRow>('cases').where({ id }).first();
  return row ? toCaseRecord(row) : null;
}

/** Marks a case whose workflow is now running as open (only if it was still waiting to start). */
export async function markStarted(db: Db, id: number): Promise<void> {
  await db('cases')
    .where({ id, status: 'pending_start' })
    .update({ status: 'open', updated_at: db.fn.now() });
}

/** Cases accepted while Temporal was unreachable, oldest first. */
export async function casesPendingStart(
  db: Db,
  olderThanSeconds: number,
  limit = 100,
): Promise<CaseRecord[]> {
  const rows = await db<CaseRow>('cases')
    .where({ status: 'pending_start' })
    .andWhere('opened_at', '<', db.raw(`now() - make_interval(secs => ?)`, [olderThanSeconds]))
    .orderBy('id')
    .limit(limit);
  return rows.map(toCaseRecord);
}

export interface CaseListFilters {
  status?: CaseStatus;
  type?: ExceptionType;
  line?: string;
  from?: string;
  to?: string;
  limit: number;
  /** Id of the last case of the previous page (keyset pagination, newest first). */
  cursor?: number;
}

export async function listCases(
  db: Db,
  f: CaseListFilters,
): Promise<{ cases: CaseRecord[]; nextCursor: number | null }> {
  const q = db<CaseRow>('cases')
    .orderBy('id', 'desc')
    .limit(f.limit + 1);
  if (f.status) q.where({ status: f.status });
  if (f.type) q.where({ type: f.type });
  if (f.line) q.where({ line: f.line });
  if (f.from) q.where('opened_at', '>=', f.from);
  if (f.to) q.where('opened_at', '<', f.to);
  if (f.cursor) q.where('id', '<', f.cursor);
  const rows = await q;
  const page = rows.slice(0, f.limit).map(toCaseRecord);
  return { cases: page, nextCursor: rows.length > f.limit ? page[page.length - 1]!.id : null };
}

/** A new case for a problem that came back after the reopen window, linked to the original. */
export async function openRecurrence(
  db: Db,
  original: CaseRecord,
  reason: string,
  actor: string,
): Promise<CaseRecord> {
  const rows = await db('cases')
    .where({ recurrence_of: original.id })
    .count<{ count: string }[]>({ count: '*' });
  const n = Number(rows[0]?.count ?? 0) + 1;
  const { record } = await openCase(
    db,
    {
      source: 'andon',
      externalId: `case-${original.id}:recurrence-${n}`,
      type: original.type,
      severity: original.severity,
      line: original.line,
      station: original.station,
      title: `Recurrence of case ${original.id}: ${original.title}`.slice(0, 200),
      description: reason,
      reasonCode: original.reasonCode,
      details: original.details,
      occurredAt: new Date(),
      policy: original.policy,
    },
    actor,
  );
  await db('cases').where({ id: record.id }).update({ recurrence_of: original.id });
  await insertEvent(db, {
    caseId: original.id,
    type: 'reopened',
    actor,
    data: { reason, recurrence: record.id },
    idempotencyKey: `case-${original.id}:recurrence-${n}`,
  });
  return { ...record, recurrenceOf: original.id };
}

/** A case opened by another one (see activities/linked.ts): linked to its parent, and open. */
export async function linkToParent(db: Db, caseId: number, parentCaseId: number): Promise<void> {
  await db('cases')
    .where({ id: caseId })
    .update({
      parent_case_id: parentCaseId,
      status: db.raw(`case when status = 'pending_start' then 'open' else status end`),
    });
}

/** Records that a case was paged at `level` (the level never goes down). */
export async function raiseEscalationLevel(db: Db, caseId: number, level: number): Promise<void> {
  await db('cases')
    .where({ id: caseId })
    .update({
      escalation_level: db.raw('greatest(escalation_level, ?)', [level]),
      updated_at: db.fn.now(),
    });
}
