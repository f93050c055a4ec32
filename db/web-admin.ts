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

type Row = Record<string, unknown>;

export async function adminOverview(db: Db): Promise<AdminOverview> {
  const [types, reasons, policies, people, roles] = (await Promise.all([
    db('exception_types').orderBy('code'),
    db('reason_codes').where({ active: true }).orderBy(['type', 'code']),
    db('escalation_policies').orderBy(['type', 'id']),
    db('people')
      .orderBy('name')
      .select(
        'id',
        'name',
        'email',
        'phone',
        'locale',
        'web_role',
        'active',
        db.raw('case when locked_until > now() then locked_until end as locked_until'),
      ),
    db('person_roles').orderBy('id').select('person_id', 'role', 'line'),
  ])) as Row[][];
  return {
    types: types!.map((r) => ({
      code: r.code as string,
      nameEn: r.name_en as string,
      nameZh: r.name_zh as string,
      sopParams: r.sop_params,
    })),
    reasons: reasons!.map((r) => ({
      type: r.type as string,
      code: r.code as string,
      nameEn: r.name_en as string,
      nameZh: r.name_zh as string,
    })),
    policies: policies!.map((r) => ({
      type: r.type as string,
      severity: (r.severity as string | null) ?? null,
      line: (r.line as string | null) ?? null,
      ladder: r.ladder as LadderLevel[],
      resolveSlaSeconds: Number(r.resolve_sla_seconds),
      repeatCount: Number(r.repeat_count),
    })),
    people: people!.map((p) => ({
      id: p.id as number,
      name: p.name as string,
      email: (p.email as string | null) ?? null,
      phone: (p.phone as string | null) ?? null,
      locale: p.locale as Locale,
      webRole: p.web_role as string,
      active: p.active as boolean,
      lockedUntil: (p.locked_until as Date | null) ?? null,
      roles: roles!
        .filter((r) => r.person_id === p.id)
        .map((r) => ({ role: r.role as JobRole, line: (r.line as string | null) ?? null })),
    })),
  };
}

export interface BoardExtras {
  /** Names of the people assigned an active task, per case. */
  assignees: Map<number, string[]>;
  titles: Map<number, { title: string; currentStep: string | null }>;
}

/** What the board shows of its cases beyond the board query: who is on them, titles and steps. */
export async function boardExtras(db: Db, caseIds: number[]): Promise<BoardExtras> {
  const [tasks, cases] = (await Promise.all([
    db('tasks')
      .whereIn('case_id', caseIds)
      .whereIn('status', ['open', 'acked'])
      .orderBy('id')
      .select('case_id', 'assignees'),
    db('cases').whereIn('id', caseIds).select('id', 'title', 'current_step'),
  ])) as Row[][];
  const assignees = new Map<number, string[]>();
  for (const t of tasks!) {
    const names = assignees.get(t.case_id as number) ?? [];
    for (const a of (t.assignees as Array<{ name: string }> | null) ?? [])
      if (!names.includes(a.name)) names.push(a.name);
    assignees.set(t.case_id as number, names);
  }
  const titles = new Map(
    cases!.map((c) => [
      c.id as number,
      { title: c.title as string, currentStep: (c.current_step as string | null) ?? null },
    ]),
  );
  return { assignees, titles };
}

/** How many cases are active (the board shows at most a few hundred of them). */
export async function countActiveCases(db: Db): Promise<number> {
  const [row] = (await db('cases')
    .whereIn('status', [...ACTIVE_STATUSES])
    .count<Array<{ n: string }>>({ n: '*' })) as Array<{ n: string }>;
  return Number(row?.n ?? 0);
}

/** Cases not yet closed or cancelled, by type and status (the metrics gauge). */
export async function activeCaseCounts(
  db: Db,
): Promise<Array<{ type: string; status: string; count: number }>> {
  const rows = (await db('cases')
    .whereIn('status', [...ACTIVE_STATUSES])
    .groupBy('type', 'status')
    .select('type', 'status', db.raw('count(*) as n'))) as Array<{ type: string; status: string; n: string }>;
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
