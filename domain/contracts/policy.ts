/** Escalation policies, ladders and SOP parameters: what an admin configures and a case snapshots. */
import { z } from 'zod';
import { DEFAULT_SOP_PARAMS as defaultSopParams } from '../contract-rules.js';
import { CHANNELS, EXCEPTION_TYPES, JOB_ROLES, SEVERITIES } from '../model.js';
import { idValue, line, note, seconds } from './rules.js';

export const jobRole = z.enum(JOB_ROLES, { message: `must be one of ${JOB_ROLES.join(', ')}` });
export const channel = z.enum(CHANNELS, { message: `must be one of ${CHANNELS.join(', ')}` });
export const exceptionType = z.enum(EXCEPTION_TYPES, {
  message: `must be one of ${EXCEPTION_TYPES.join(', ')}`,
});
export const severity = z.enum(SEVERITIES, { message: `must be one of ${SEVERITIES.join(', ')}` });

const ladderLevelFields = z.strictObject({
  targetRole: jobRole,
  channels: z.array(channel).refine((c) => new Set(c).size === c.length, 'channels must not repeat'),
  /** Group channels (chat robots) the level is posted to, besides or instead of each person's channels. */
  groupChannelIds: z
    .array(idValue('group channel'))
    .max(10, 'at most 10 group channels')
    .refine((c) => new Set(c).size === c.length, 'group channels must not repeat')
    .optional(),
  ackTimeoutSeconds: seconds(1, 7 * 24 * 3600),
});

/** One rung of a ladder as an admin writes it (its level is its position). */
export const ladderLevelBody = ladderLevelFields.refine(
  (l) => l.channels.length > 0 || (Array.isArray(l.groupChannelIds) && l.groupChannelIds.length > 0),
  {
    message: 'at least one channel (or a group channel)',
    path: ['channels'],
    // Checked even when other fields of the level are wrong, so every problem is named at once.
    when: (p) => Array.isArray((p.value as { channels?: unknown } | null)?.channels),
  },
);

/** One rung of a ladder as a case carries it. */
export const ladderLevel = ladderLevelFields.extend({ level: z.number().int().min(0) });
export type LadderLevel = z.infer<typeof ladderLevel>;

/** SOP parameters: data in the catalog (`exception_types.sop_params`), snapshotted when a case opens. */
export const sopParams = z.strictObject({
  /** Line-side WMS location of line L is `${lineLocationPrefix}${L}`. */
  lineLocationPrefix: line(32),
  /** Warehouse lots on quality hold are moved to. */
  holdWarehouse: line(64),
  /** Equipment down longer than this → reschedule the line's work orders and tell the planner. */
  downtimeThresholdSeconds: seconds(1, 7 * 24 * 3600),
  /** Time allowed for one ERP call before it is retried. */
  erpTimeoutSeconds: seconds(1, 600),
  /** ERP attempts before the step is handed to a person. */
  erpMaxAttempts: z.number().int().min(1, 'at least 1').max(100, 'at most 100'),
  /** Workflow history length after which the case continues as new. */
  historyLimit: z.number().int().min(100, 'at least 100').max(40_000, 'at most 40000'),
});
export type SopParams = z.infer<typeof sopParams>;

/** The defaults live in a zod-free module the workflow bundle can import; typed here against the schema. */
export const DEFAULT_SOP_PARAMS: SopParams = defaultSopParams;

/** PUT /api/v1/exception-types/{code} */
export const exceptionTypeBody = z.strictObject({
  nameEn: line(100),
  nameZh: line(100),
  description: note(2000).optional(),
  sopParams: sopParams.partial().optional(),
  reopenWindowSeconds: seconds(0, 365 * 24 * 3600).optional(),
  reasonCodes: z
    .array(
      z.strictObject({
        code: z.string().regex(/^[A-Z0-9-]{2,40}$/, 'must be an upper-case code such as EF-MECHANICAL'),
        nameEn: line(100),
        nameZh: line(100),
        active: z.boolean().default(true),
      }),
    )
    .max(200)
    .optional(),
});
export type ExceptionTypeBody = z.infer<typeof exceptionTypeBody>;

/** POST /api/v1/policies */
export const policyBody = z.strictObject({
  type: exceptionType,
  severity: severity.nullable().default(null),
  line: line(64).nullable().default(null),
  ladder: z.array(ladderLevelBody).min(1, 'a ladder needs at least one level').max(10, 'at most 10 levels'),
  resolveSlaSeconds: seconds(1, 365 * 24 * 3600),
  repeatCount: z.number().int().min(0).max(20, 'at most 20').default(0),
});
export type PolicyBody = z.infer<typeof policyBody>;

/** The policy a case runs with, snapshotted into the workflow input when the case opens. */
export interface PolicySnapshot {
  policyId: number | null;
  ladder: LadderLevel[];
  resolveSlaSeconds: number;
  /** Times the top level is paged again when it does not acknowledge (0: once). */
  repeatCount?: number;
  /** A resolved or closed case reopens itself within this window; later, a linked recurrence opens. */
  reopenWindowSeconds?: number;
  /** SOP parameters of the exception type (catalog), snapshotted with the policy. */
  sop?: Partial<SopParams>;
}
