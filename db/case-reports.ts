/**
 * Reports and their keys: the key (`source` + `externalId`) each report came with, and the business
 * key of alarm storms (type, line, fingerprint: domain/storm.ts). A report whose key or business key
 * matches an open case is a repeat of it: counted on that case (`report_count`, `last_seen_at`), its
 * key kept in `case_reports` so the reporter still finds the case by it. Race-free: one open case
 * per business key and one case per key are unique indexes (migration 0012), so of concurrent
 * reports of a new problem one opens the case and the others count on it: 500 concurrent alarms
 * make one case counted 500 times.
 */
import type { ExceptionType } from '../domain/model.js';
import type { Db } from './index.js';

/** Statuses in which a case takes repeats (a resolved problem that comes back is a new case). */
export const OPEN_FOR_REPEATS = ['pending_start', 'open', 'acknowledged'] as const;

/** The case a system reported under this key, whether it opened the case or was folded into it. */
export async function caseIdByKey(db: Db, source: string, externalId: string): Promise<number | null> {
  const row = await db
    .select('id')
    .from('cases')
    .where({ source, external_id: externalId })
    .unionAll((q) => {
      q.select({ id: 'case_id' }).from('case_reports').where({ source, external_id: externalId });
    })
    .first<{ id: number } | undefined>();
  return row?.id ?? null;
}

export interface BusinessKey {
  type: ExceptionType;
  line: string;
  fingerprint: string;
}

const OPEN_LIST = OPEN_FOR_REPEATS.map((st) => `'${st}'`).join(', ');

export interface Repeat<Row> {
  /** The case the report belongs to (its own key first, then the business key); null: none. */
  caseId: number | null;
  /** That case as it now stands, when the report was counted on it (open, same type). */
  counted: Row | null;
}

/**
 * A report of `type` with key `source` + `externalId`: finds the case it belongs to — the case of
 * that key (its own report or a folded one), else (with `businessKey`) the newest case open for
 * repeats of that business key — and counts it there if that case is open and of the same type,
 * keeping the report's key for a business-key match and announcing the repeat to live boards (a
 * repeat writes no timeline event). One statement: a storm holds each case's row lock only for it.
 */
export async function countRepeat<Row>(
  db: Db,
  r: {
    source: string;
    externalId: string;
    type: ExceptionType;
    businessKey: BusinessKey | null;
    /** False: a report of a key already known is a duplicate delivery, not a repeat (MQTT). */
    countSameKey: boolean;
  },
): Promise<Repeat<Row>> {
  const k = r.businessKey;
  const { rows } = await db.raw<{ rows: Array<Row & { _target: number; _counted: boolean }> }>(
    `with target as (
       select id, false as folded from cases where source = ? and external_id = ?
       union all
       select case_id, false from case_reports where source = ? and external_id = ?
       union all
       (select id, true from cases
         where ?::boolean and type = ? and line = ? and fingerprint = ? and status in (${OPEN_LIST})
         order by id desc limit 1)
       limit 1),
     counted as (
       update cases set report_count = report_count + 1, last_seen_at = now(), updated_at = now()
        where id = (select id from target) and type = ? and status in (${OPEN_LIST})
          and ((select folded from target) or ?::boolean)
       returning *),
     kept as (
       insert into case_reports (source, external_id, case_id)
       select ?, ?, id from counted where (select folded from target)
       on conflict do nothing),
     told as (
       select pg_notify('andon_case_events', json_build_object('caseId', id, 'type', 'repeated')::text)
         from counted)
     select target.id as _target, counted.id is not null as _counted, counted.*
       from target left join counted on true left join told on true`,
    [
      r.source,
      r.externalId,
      r.source,
      r.externalId,
      k !== null,
      k?.type ?? r.type,
      k?.line ?? '',
      k?.fingerprint ?? '',
      r.type,
      r.countSameKey,
      r.source,
      r.externalId,
    ],
  );
  const row = rows[0];
  if (!row) return { caseId: null, counted: null };
  const { _target, _counted, ...caseRow } = row;
  return { caseId: _target, counted: _counted ? (caseRow as Row) : null };
}

/**
 * Open cases of a type on a line whose facts include all of `facts` (e.g. the equipment and fault
 * code a machine's CLEARED names), newest first; and whether any case, open or not, matched.
 */
export async function openCasesByFacts(
  db: Db,
  k: { type: ExceptionType; line: string; facts: Record<string, string> },
): Promise<{ open: number[]; everMatched: boolean }> {
  const rows = await db('cases')
    .where({ type: k.type, line: k.line })
    .whereRaw('details @> ?::jsonb', [JSON.stringify(k.facts)])
    .orderBy('id', 'desc')
    .limit(50)
    .select<Array<{ id: number; status: string }>>('id', 'status');
  return {
    open: rows.filter((r) => (OPEN_FOR_REPEATS as readonly string[]).includes(r.status)).map((r) => r.id),
    everMatched: rows.length > 0,
  };
}
