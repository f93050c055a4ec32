/**
 * Reads the web UI and the operations endpoints need beyond the shared repositories: the admin
 * page's lists, the board's assignees and titles, the count of active cases, and readiness.
 */
import { ACTIVE_STATUSES, type JobRole, type Locale } from '../domain/model.js';
import type { LadderLevel } from '../domain/contracts/policy.js';
import type { Db } from './index.js';

export interface AdminOverview {
  types: Array<{ code: string; nameEn: string; nameZh: string; sopParams: unknown }>;
  reasons: Array<{ type: string; code: string; nameEn: string; nameZh: string }>;
  policies: Array<{
    type: string;
    severity: string | null;
    line: string | null;
    ladder: LadderLevel[];
    resolveSlaSeconds: number;
    repeatCount: number;
  }>;
  people: Array<{
    id: number;
    name: string;
    email: string | null;
    phone: string | null;
    locale: Locale;
    webRole: string;
    active: boolean;
    lockedUntil: Date | null;
    roles: Array<{ role: JobRole; line: string | null }>;
  }>;
}

// The columns read here, as pg returns them (jsonb parsed, bigint ids as numbers).
interface TypeRow {
  code: string;
  name_en: string;
  name_zh: string;
  sop_params: unknown;
}
interface ReasonRow {
  type: string;
  code: string;
  name_en: string;
  name_zh: string;
  active: boolean;
}
interface PolicyRow {
  id: number;
  type: string;
  severity: string | null;
  line: string | null;
  ladder: LadderLevel[];
  resolve_sla_seconds: number;
  repeat_count: number;
}
interface PersonRow {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  locale: Locale;
  web_role: string;
  active: boolean;
  locked_until: Date | null;
}
interface RoleRow {
  person_id: number;
  role: JobRole;
  line: string | null;
}

export async function adminOverview(db: Db): Promise<AdminOverview> {
  const [types, reasons, policies, people, roles] = await Promise.all([
    db<TypeRow>('exception_types').orderBy('code'),
    db<ReasonRow>('reason_codes').where({ active: true }).orderBy(['type', 'code']),
    db<PolicyRow>('escalation_policies').orderBy(['type', 'id']),
    db('people')
      .orderBy('name')
      .select<PersonRow[]>(
        'id',
        'name',
        'email',
        'phone',
        'locale',
        'web_role',
        'active',
        db.raw('case when locked_until > now() then locked_until end as locked_until'),
      ),
    db<RoleRow>('person_roles').orderBy('id').select('person_id', 'role', 'line'),
  ]);
  return {
    types: types.map((r) => ({
      code: r.code,
      nameEn: r.name_en,
      nameZh: r.name_zh,
      sopParams: r.sop_params,
    })),
    reasons: reasons.map((r) => ({ type: r.type, code: r.code, nameEn: r.name_en, nameZh: r.name_zh })),
    policies: policies.map((r) => ({
      type: r.type,
      severity: r.severity,
      line: r.line,
      ladder: r.ladder,
      resolveSlaSeconds: Number(r.resolve_sla_seconds),
      repeatCount: Number(r.repeat_count),
    })),
    people: people.map((p) => ({
      id: p.id,
      name: p.name,
      email: p.email,
      phone: p.phone,
      locale: p.locale,
      webRole: p.web_role,
      active: p.active,
      lockedUntil: p.locked_until,
      roles: roles.filter((r) => r.person_id === p.id).map((r) => ({ role: r.role, line: r.line })),
    })),
  };
}

export interface BoardExtras {
  /** Names of the people assigned an active task, per case. */
  assignees: Map<number, string[]>;
  titles: Map<number, { title: string; currentStep: string | null; reportCount: number; lastSeenAt: string }>;
}

/** What the board shows of its cases beyond the board query: who is on them, titles and steps. */
export async function boardExtras(db: Db, caseIds: number[]): Promise<BoardExtras> {
  const [tasks, cases] = await Promise.all([
    db<{ case_id: number; status: string; assignees: Array<{ name: string }> | null }>('tasks')
      .whereIn('case_id', caseIds)
      .whereIn('status', ['open', 'acked'])
      .orderBy('id')
      .select('case_id', 'assignees'),
    db<{ id: number; title: string; current_step: string | null; report_count: number; last_seen_at: Date }>(
      'cases',
    )
      .whereIn('id', caseIds)
      .select('id', 'title', 'current_step', 'report_count', 'last_seen_at'),
  ]);
  const assignees = new Map<number, string[]>();
  for (const t of tasks) {
    const names = assignees.get(t.case_id) ?? [];
    for (const a of t.assignees ?? []) if (!names.includes(a.name)) names.push(a.name);
    assignees.set(t.case_id, names);
  }
  const titles = new Map(
    cases.map((c) => [
      c.id,
      {
        title: c.title,
        currentStep: c.current_step,
        reportCount: c.report_count,
        lastSeenAt: c.last_seen_at.toISOString(),
      },
    ]),
  );
  return { assignees, titles };
}

/** How many cases are active (the board shows at most a few hundred of them). */
export async function countActiveCases(db: Db): Promise<number> {
  const [row] = await db('cases')
    .whereIn('status', [...ACTIVE_STATUSES])
    .count<Array<{ n: string }>>({ n: '*' });
  return Number(row?.n ?? 0);
}

/** Cases not yet closed or cancelled, by type and status (the metrics gauge). */
export async function activeCaseCounts(
  db: Db,
): Promise<Array<{ type: string; status: string; count: number }>> {
  const rows = await db('cases')
    .whereIn('status', [...ACTIVE_STATUSES])
    .groupBy('type', 'status')
    .select<Array<{ type: string; status: string; n: string }>>('type', 'status', db.raw('count(*) as n'));
  return rows.map((r) => ({ type: r.type, status: r.status, count: Number(r.n) }));
}

/** Whether the database answers (readiness). */
export async function databaseReady(db: Db): Promise<boolean> {
  try {
    await db.raw('select 1');
    return true;
  } catch {
    return false;
  }
}
