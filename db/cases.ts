/** Case rows: the system of record people and reports read (timeline: timeline.ts, outbox: outbox.ts). */
import type { PolicySnapshot } from '../domain/contracts/policy.js';
import type { CaseStatus, ExceptionType, Severity } from '../domain/model.js';
import { caseIdByKey, countRepeat } from './case-reports.js';
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
  /** How many reports the case stands for: repeats of the problem while it is open fold into it. */
  reportCount: number;
  lastSeenAt: string;
}

export interface NewCase {
  source: string;
  externalId: string;
  type: ExceptionType;
  severity: Severity;
  line: string;
  station: string | null;
  /** The title, or how to make it (only when a case is made: a repeat needs none). */
  title: string | (() => string);
  description: string | null;
  reasonCode: string | null;
  details: Record<string, unknown>;
  occurredAt: Date;
  /** The policy snapshot, or how to find it (only when a case is made: a repeat needs none). */
  policy: PolicySnapshot | (() => Promise<PolicySnapshot>);
  /** The shift running when the case opened (see domain/shifts.ts), or how to find it. */
  shift?: string | null | (() => string | null);
  /**
   * Set for reports from outside (REST, MQTT): a report of a case still open is counted on it as a
   * repeat — by its own key, or by its business key when `fingerprint` is set (alarm storms).
   * Absent (cases Andon opens itself): a repeat of the key only finds the case.
   */
  repeats?: {
    fingerprint: string | null;
    /** False: a report of a key already known is a duplicate delivery, not counted (MQTT). */
    countSameKey?: boolean;
  };
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
  report_count: number;
  last_seen_at: Date;
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
    reportCount: r.report_count,
    lastSeenAt: iso(r.last_seen_at)!,
  };
}

export type OpenOutcome =
  /** A new case. */
  | { created: true; repeat: false; record: CaseRecord }
  /** An earlier case of the same report; `repeat`: counted on it (it was still open). */
  | { created: false; repeat: boolean; record: CaseRecord };

/**
 * Inserts the case and its `opened` event in one transaction, or answers the case the report
 * belongs to: the one with the same source + externalId, or (with `repeats.fingerprint`) the open
 * case of the same business key, counting the report on it (db/case-reports.ts). Race-free without
 * locks: the insert yields to a concurrent one of the same key or business key (unique indexes), and
 * the report then finds that case; a repeat is one statement on the case's row.
 */
export async function openCase(db: Db, c: NewCase, actor: string): Promise<OpenOutcome> {
  const fingerprint = c.repeats?.fingerprint ?? null;
  const businessKey = fingerprint ? { type: c.type, line: c.line, fingerprint } : null;

  /** The case this report belongs to, if any: counted on (reports from outside, open case), or as it is. */
  const existing = async (): Promise<OpenOutcome | null> => {
    let id: number | null;
    if (c.repeats) {
      const countSameKey = c.repeats.countSameKey ?? true;
      const r = await countRepeat<CaseRow>(db, { ...c, businessKey, countSameKey });
      if (r.counted) return { created: false, repeat: true, record: toCaseRecord(r.counted) };
      id = r.caseId;
    } else id = await caseIdByKey(db, c.source, c.externalId);
    if (id === null) return null;
    const row = await db<CaseRow>('cases').where({ id }).first();
    if (!row) throw new Error(`case ${id} vanished`);
    return { created: false, repeat: false, record: toCaseRecord(row) };
  };

  // A few rounds at most: each lost insert means another report's case now exists to be found.
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await existing();
    if (found) return found;
    const policy = typeof c.policy === 'function' ? await c.policy() : c.policy;
    const opened = await db.transaction(async (trx) => {
      const row = await insertCase(trx, { ...c, policy }, fingerprint);
      if (!row) return null;
      await insertEvent(trx, {
        caseId: row.id,
        type: 'opened',
        actor,
        data: {
          source: c.source,
          externalId: c.externalId,
          type: c.type,
          severity: c.severity,
          line: c.line,
        },
        idempotencyKey: `case-${row.id}:opened`,
      });
      return row;
    });
    if (opened) return { created: true, repeat: false, record: toCaseRecord(opened) };
  }
  throw new Error('case conflict without an existing row');
}

/** The insert itself; null when a case with the same key, or an open one of the business key, exists. */
async function insertCase(
  trx: Db,
  c: NewCase & { policy: PolicySnapshot },
  fingerprint: string | null,
): Promise<CaseRow | null> {
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
      title: typeof c.title === 'function' ? c.title() : c.title,
      description: c.description,
      reason_code: c.reasonCode,
      details: JSON.stringify(c.details),
      policy: JSON.stringify(c.policy),
      occurred_at: c.occurredAt,
      shift: (typeof c.shift === 'function' ? c.shift() : c.shift) ?? null,
      fingerprint,
      sla_deadline: trx.raw('now() + make_interval(secs => ?)', [c.policy.resolveSlaSeconds]),
    })
    // Any conflict: the key (cases_source_external_id_unique) or the business key (cases_open_fingerprint).
    .onConflict()
    .ignore()
    .returning<CaseRow[]>('*');
  return inserted[0] ?? null;
}

export async function getCase(db: Db, id: number): Promise<CaseRecord | null> {
  const row = await db<CaseRow>('cases').where({ id }).first();
  return row ? toCaseRecord(row) : null;
}

/**
 * Marks a case whose workflow is now running as open (only if it was still waiting to start) and
 * answers its row as it now is — one statement instead of an update and a read (the open path of a
 * storm); null when it was no longer waiting (the caller reads it if it needs it).
 */
export async function markStarted(db: Db, id: number): Promise<CaseRecord | null> {
  const [row] = await db('cases')
    .where({ id, status: 'pending_start' })
    .update({ status: 'open', updated_at: db.fn.now() })
    .returning<CaseRow[]>('*');
  return row ? toCaseRecord(row) : null;
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
  source?: string;
  /** The id a system reported the case under, its own or a folded repeat's. */
  externalId?: string;
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
  if (f.externalId) {
    // The case's own key, or the key of a report folded into it (which may be another source's).
    const key = { external_id: f.externalId, ...(f.source ? { source: f.source } : {}) };
    q.where((w) => {
      w.where(key).orWhereIn('id', (folded) => {
        folded.select('case_id').from('case_reports').where(key);
      });
    });
  } else if (f.source) q.where({ source: f.source });
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
