/** Escalation policies: the most specific row for (type, severity, line) wins. */
import type { LadderLevel, PolicySnapshot, SopParams } from '../domain/contracts/policy.js';
import { DEFAULT_RESPONSIBLE_ROLE, type ExceptionType, type Severity } from '../domain/model.js';
import type { Db } from './index.js';

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
    db('exception_types').where({ code: type }).first('sop_params', 'reopen_window_seconds'),
  ]);
  if (!catalog) return ladderPolicy;
  return {
    ...ladderPolicy,
    reopenWindowSeconds: catalog.reopen_window_seconds as number,
    sop: catalog.sop_params as Partial<SopParams>,
  };
}

async function findLadder(
  db: Db,
  type: ExceptionType,
  severity: Severity,
  line: string,
): Promise<PolicySnapshot> {
  const row = await db('escalation_policies')
    .where({ type })
    .andWhere((q) => q.where({ severity }).orWhereNull('severity'))
    .andWhere((q) => q.where({ line }).orWhereNull('line'))
    // Prefer a line-specific row, then a severity-specific one.
    .orderByRaw('(line is not null) desc, (severity is not null) desc')
    .first();
  if (!row) return builtInPolicy(type);
  return {
    policyId: row.id,
    ladder: (row.ladder as LadderLevel[]).map((l, i) => ({ ...l, level: i })),
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
  const existing = await db('escalation_policies')
    .where({ type: input.type })
    .andWhereRaw(`coalesce(severity, '') = ? and coalesce(line, '') = ?`, [
      input.severity ?? '',
      input.line ?? '',
    ])
    .first('id');
  if (existing) {
    await db('escalation_policies')
      .where({ id: existing.id })
      .update({
        ladder,
        resolve_sla_seconds: input.resolveSlaSeconds,
        repeat_count: input.repeatCount ?? 0,
        updated_at: db.fn.now(),
      });
    return existing.id as number;
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
    .returning('id');

  return row.id as number;
}
