/**
 * A case's history beyond its own row: the task texts and action-link uses its timeline speaks of,
 * the cases linked to it (parent, linked children, recurrences), and finding cases by text.
 */
import type { CaseStatus, ExceptionType, Severity } from '../domain/model.js';
import type { Db } from './index.js';

export interface RelatedCase {
  id: number;
  relation: 'parent' | 'linked' | 'recurrence_of' | 'recurrence';
  type: ExceptionType;
  status: CaseStatus;
  title: string;
  openedAt: string;
}

export interface TaskText {
  title: string | null;
  /** The catalog message the title was written from (cases from before message keys: null). */
  titleRef: unknown;
  options: Array<{ id: string; label: string }>;
}

export async function taskTexts(db: Db, caseId: number): Promise<Map<string, TaskText>> {
  const rows = await db('tasks').where({ case_id: caseId }).whereNotNull('task_key').orderBy('id').select<
    Array<{
      task_key: string;
      title: string | null;
      title_ref: unknown;
      options: Array<{ id: string; label: string }> | null;
    }>
  >('task_key', 'title', 'title_ref', 'options');
  return new Map(
    rows.map((r) => [r.task_key, { title: r.title, titleRef: r.title_ref, options: r.options ?? [] }]),
  );
}

/** A reason code's names, for the case page. */
export async function reasonNames(
  db: Db,
  type: string,
  code: string,
): Promise<{ en: string; 'zh-CN': string } | null> {
  const row = await db('reason_codes')
    .where({ type, code })
    .first<{ name_en: string; name_zh: string } | undefined>('name_en', 'name_zh');
  return row ? { en: row.name_en, 'zh-CN': row.name_zh } : null;
}

export async function linkUses(
  db: Db,
  caseId: number,
): Promise<Array<{ personId: number; action: string; usedAt: string }>> {
  const rows = await db('action_link_uses')
    .where({ case_id: caseId })
    .select<Array<{ person_id: number; action: string; used_at: Date }>>('person_id', 'action', 'used_at');
  return rows.map((r) => ({ personId: r.person_id, action: r.action, usedAt: r.used_at.toISOString() }));
}

interface RelatedRow {
  id: number;
  type: ExceptionType;
  status: CaseStatus;
  title: string;
  opened_at: Date;
  parent_case_id: number | null;
  recurrence_of: number | null;
}

export async function relatedCases(
  db: Db,
  c: { id: number; parentCaseId: number | null; recurrenceOf: number | null },
): Promise<RelatedCase[]> {
  const rows = await db('cases')
    .where((q) => {
      q.where('parent_case_id', c.id).orWhere('recurrence_of', c.id);
      if (c.parentCaseId !== null) q.orWhere('id', c.parentCaseId);
      if (c.recurrenceOf !== null) q.orWhere('id', c.recurrenceOf);
    })
    .orderBy('id')
    .limit(200)
    .select<RelatedRow[]>('id', 'type', 'status', 'title', 'opened_at', 'parent_case_id', 'recurrence_of');
  return rows.map((r) => ({
    id: r.id,
    relation:
      r.id === c.parentCaseId
        ? 'parent'
        : r.id === c.recurrenceOf
          ? 'recurrence_of'
          : r.recurrence_of === c.id
            ? 'recurrence'
            : 'linked',
    type: r.type,
    status: r.status,
    title: r.title,
    openedAt: r.opened_at.toISOString(),
  }));
}

export interface CaseSearch {
  /** Words found in the title, description, external id, reason code or the facts' ids. */
  text?: string | undefined;
  status?: CaseStatus | undefined;
  type?: ExceptionType | undefined;
  line?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  page: number;
  pageSize: number;
}

export interface FoundCase {
  id: number;
  type: ExceptionType;
  severity: Severity;
  status: CaseStatus;
  line: string;
  station: string | null;
  title: string;
  externalId: string;
  openedAt: string;
  recurrences: number;
  recurrenceOf: number | null;
  /** The facts (for the title in the reader's language). */
  details: Record<string, unknown>;
}

/** The facts' identifiers searched, as they are kept in `cases.details`. */
const FACT_KEYS = [
  'equipmentId',
  'faultCode',
  'itemCode',
  'lot',
  'workOrder',
  'orderId',
  'customer',
  'supplier',
  'defectCode',
];

/** Cases matching the search, newest first, one page at a time (and whether there is a next page). */
export async function searchCases(db: Db, s: CaseSearch): Promise<{ cases: FoundCase[]; more: boolean }> {
  const q = db('cases as c');
  if (s.status) q.where('c.status', s.status);
  if (s.type) q.where('c.type', s.type);
  if (s.line) q.where('c.line', s.line);
  if (s.from) q.where('c.opened_at', '>=', s.from);
  if (s.to) q.where('c.opened_at', '<', s.to);
  for (const word of (s.text ?? '').split(/\s+/).filter(Boolean).slice(0, 8)) {
    // Each word must appear somewhere; LIKE's own wildcards in the word are taken literally.
    const pattern = `%${word.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q.where((w) => {
      w.whereILike('c.title', pattern)
        .orWhereILike('c.description', pattern)
        .orWhereILike('c.external_id', pattern)
        .orWhereILike('c.reason_code', pattern)
        .orWhereILike('c.station', pattern);
      for (const k of FACT_KEYS) w.orWhereRaw(`c.details->>? ilike ?`, [k, pattern]);
    });
  }
  const rows = await q
    .orderBy('c.id', 'desc')
    .offset((s.page - 1) * s.pageSize)
    .limit(s.pageSize + 1)
    .select<
      Array<
        RelatedRow & {
          severity: Severity;
          line: string;
          station: string | null;
          external_id: string;
          details: Record<string, unknown>;
          n: number;
        }
      >
    >(
      'c.id',
      'c.type',
      'c.severity',
      'c.status',
      'c.line',
      'c.station',
      'c.title',
      'c.external_id',
      'c.opened_at',
      'c.recurrence_of',
      'c.details',
      db.raw('(select count(*)::integer from cases r where r.recurrence_of = c.id) as n'),
    );
  return {
    more: rows.length > s.pageSize,
    cases: rows.slice(0, s.pageSize).map((r) => ({
      id: r.id,
      type: r.type,
      severity: r.severity,
      status: r.status,
      line: r.line,
      station: r.station,
      title: r.title,
      externalId: r.external_id,
      openedAt: r.opened_at.toISOString(),
      recurrences: r.n,
      recurrenceOf: r.recurrence_of,
      details: r.details,
    })),
  };
}
