/**
 * Reports and their keys: the key (`source` + `externalId`) each report came with, and the business
 * key of alarm storms (type, line, fingerprint: domain/storm.ts). A report whose key or business key
 * matches an open case is a repeat of it: counted on that case (`report_count`, `last_seen_at`), its
 * key kept in `case_reports` so the reporter still finds the case by it. Race-free: reports of one
 * business key are serialised by a transaction-scoped advisory lock, and a case key by its unique
 * constraint, so 500 concurrent alarms make one case counted 500 times.
 */
import type { ExceptionType } from '../domain/model.js';
import type { Db } from './index.js';

/** Statuses in which a case takes repeats (a resolved problem that comes back is a new case). */
export const OPEN_FOR_REPEATS = ['pending_start', 'open', 'acknowledged'] as const;

/** Serialises, until the transaction ends, every report of this business key. */
export async function lockBusinessKey(
  trx: Db,
  k: { type: ExceptionType; line: string; fingerprint: string },
): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [
    `andon-storm|${k.type}|${k.line}|${k.fingerprint}`,
  ]);
}

/** The case a system reported under this key, whether it opened the case or was folded into it. */
export async function caseIdByKey(db: Db, source: string, externalId: string): Promise<number | null> {
  const own = await db('cases')
    .where({ source, external_id: externalId })
    .first<{ id: number } | undefined>('id');
  if (own) return own.id;
  const folded = await db('case_reports')
    .where({ source, external_id: externalId })
    .first<{ case_id: number } | undefined>('case_id');
  return folded?.case_id ?? null;
}

/** The newest case open for repeats with this business key. */
export async function openCaseIdByBusinessKey(
  db: Db,
  k: { type: ExceptionType; line: string; fingerprint: string },
): Promise<number | null> {
  const row = await db('cases')
    .where({ type: k.type, line: k.line, fingerprint: k.fingerprint })
    .whereIn('status', OPEN_FOR_REPEATS)
    .orderBy('id', 'desc')
    .first<{ id: number } | undefined>('id');
  return row?.id ?? null;
}

/**
 * Counts one more report on the case if it is still open for repeats, keeping the report's own key
 * (`alias`) when it differs from the case's. True when counted.
 */
export async function countRepeat(
  trx: Db,
  caseId: number,
  alias?: { source: string; externalId: string },
): Promise<boolean> {
  const n = await trx('cases')
    .where({ id: caseId })
    .whereIn('status', OPEN_FOR_REPEATS)
    .update({
      report_count: trx.raw('report_count + 1'),
      last_seen_at: trx.fn.now(),
      updated_at: trx.fn.now(),
    });
  if (n === 0) return false;
  if (alias)
    await trx('case_reports')
      .insert({ source: alias.source, external_id: alias.externalId, case_id: caseId })
      .onConflict(['source', 'external_id'])
      .ignore();
  // Boards refresh on timeline events; a repeat writes none, so it says so itself.
  await trx.raw(`select pg_notify('andon_case_events', ?)`, [JSON.stringify({ caseId, type: 'repeated' })]);
  return true;
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
