/** Escalation policies: the most specific row for (type, severity, line) wins. */
import type { LadderLevel, PolicySnapshot } from '../domain/contracts/policy.js';
import { DEFAULT_RESPONSIBLE_ROLE, type ExceptionType, type Severity } from '../domain/model.js';
import { catalogSnapshot } from './catalog.js';
import type { Db } from './index.js';

/** A row of `escalation_policies`, as pg returns it. */
interface PolicyRow {
  id: number;
  type: ExceptionType;
  severity: Severity | null;
  line: string | null;
  ladder: LadderLevel[];
  resolve_sla_seconds: number;
  repeat_count: number;
  updated_at: Date;
}

/** Used when no policy row matches: responsible role → supervisor → plant manager, by email. */
export function builtInPolicy(type: ExceptionType): PolicySnapshot {
  return {
    policyId: null,
    ladder: [
      {
        level: 0,
        targetRole: DEFAULT_RESPONSIBLE_ROLE[type],
        channels: ['email'],
        ackTimeoutSeconds: 15 * 60,
      },
      { level: 1, targetRole: 'supervisor', channels: ['email'], ackTimeoutSeconds: 30 * 60 },
      { level: 2, targetRole: 'plant_manager', channels: ['email'], ackTimeoutSeconds: 60 * 60 },
    ],
    resolveSlaSeconds: 4 * 60 * 60,
  };
}

/**
 * The policy a new case runs with: the most specific escalation policy for (type, severity, line)
 * — or the built-in one — plus the catalog's SOP parameters and reopen window for the type.
 */
export async function findPolicy(
  db: Db,
  type: ExceptionType,
  severity: Severity,
  line: string,
): Promise<PolicySnapshot> {
  const [ladderPolicy, catalog] = await Promise.all([
    findLadder(db, type, severity, line),
    catalogSnapshot(db, type),
  ]);
  if (!catalog) return ladderPolicy;
  return { ...ladderPolicy, reopenWindowSeconds: catalog.reopenWindowSeconds, sop: catalog.sop };
}

async function findLadder(
  db: Db,
  type: ExceptionType,
  severity: Severity,
  line: string,
): Promise<PolicySnapshot> {
  // knex ignores what a where-callback returns: block bodies, so the (thenable) builder is not returned.
  const row = await db<PolicyRow>('escalation_policies')
    .where({ type })
    .andWhere((q) => {
      q.where({ severity }).orWhereNull('severity');
    })
    .andWhere((q) => {
      q.where({ line }).orWhereNull('line');
    })
    // Prefer a line-specific row, then a severity-specific one.
    .orderByRaw('(line is not null) desc, (severity is not null) desc')
    .first();
  if (!row) return builtInPolicy(type);
  return {
    policyId: row.id,
    ladder: row.ladder.map((l, i) => ({ ...l, level: i })),
    resolveSlaSeconds: row.resolve_sla_seconds,
    repeatCount: row.repeat_count,
  };
}

export async function upsertPolicy(
  db: Db,
  input: {
    type: ExceptionType;
    severity: Severity | null;
    line: string | null;
    ladder: Omit<LadderLevel, 'level'>[];
    resolveSlaSeconds: number;
    repeatCount?: number;
  },
): Promise<number> {
  const ladder = JSON.stringify(input.ladder.map((l, i) => ({ ...l, level: i })));
  const existing = await scopePolicyId(db, input);
  if (existing !== null) {
    await db('escalation_policies')
      .where({ id: existing })
      .update({
        ladder,
        resolve_sla_seconds: input.resolveSlaSeconds,
        repeat_count: input.repeatCount ?? 0,
        updated_at: db.fn.now(),
      });
    return existing;
  }
  const [row] = await db('escalation_policies')
    .insert({
      type: input.type,
      severity: input.severity,
      line: input.line,
      ladder,
      resolve_sla_seconds: input.resolveSlaSeconds,
      repeat_count: input.repeatCount ?? 0,
    })
    .returning<Array<Pick<PolicyRow, 'id'>>>('id');
  return row!.id;
}

/** The id of the policy of exactly this (type, severity, line) scope, if there is one. */
export async function scopePolicyId(
  db: Db,
  scope: { type: ExceptionType; severity: Severity | null; line: string | null },
): Promise<number | null> {
  const row = await db<PolicyRow>('escalation_policies')
    .where({ type: scope.type })
    .andWhereRaw(`coalesce(severity, '') = ? and coalesce(line, '') = ?`, [
      scope.severity ?? '',
      scope.line ?? '',
    ])
    .first('id');
  return row?.id ?? null;
}

export interface PolicyRecord {
  id: number;
  type: ExceptionType;
  severity: Severity | null;
  line: string | null;
  ladder: LadderLevel[];
  resolveSlaSeconds: number;
  repeatCount: number;
  updatedAt: string;
}

const toPolicy = (r: PolicyRow): PolicyRecord => ({
  id: r.id,
  type: r.type,
  severity: r.severity,
  line: r.line,
  ladder: r.ladder,
  resolveSlaSeconds: r.resolve_sla_seconds,
  repeatCount: r.repeat_count,
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** Every policy, by type and age. */
export async function listPolicies(db: Db): Promise<PolicyRecord[]> {
  const rows = await db<PolicyRow>('escalation_policies').orderBy(['type', 'id']);
  return rows.map(toPolicy);
}

export async function getPolicy(db: Db, id: number): Promise<PolicyRecord | null> {
  const row = await db<PolicyRow>('escalation_policies').where({ id }).first();
  return row ? toPolicy(row) : null;
}

/** Deletes a policy (running cases keep their snapshot); false when there is none. */
export async function deletePolicy(db: Db, id: number): Promise<boolean> {
  return (await db('escalation_policies').where({ id }).delete()) > 0;
}
