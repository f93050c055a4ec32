/** Inputs, outputs and carried state of the case workflow. */
import type { PolicySnapshot, SopParams } from '../domain/contracts/policy.js';
import type { DecisionOption, TaskResult } from '../domain/contracts/tasks.js';
import type { CaseStatus, ExceptionType, JobRole, Severity } from '../domain/model.js';
import type { PageReason } from '../activities/types.js';
import type { LadderState } from './escalation.js';

export interface CaseWorkflowInput {
  caseId: number;
  type: ExceptionType;
  severity: Severity;
  line: string;
  title: string;
  policy: PolicySnapshot;
  /** The type-specific facts (see domain/contracts/case.ts FactsByType). Absent in cases opened before the SOP engine. */
  details?: Record<string, unknown>;
  station?: string | null;
  /** When the case opened (ISO 8601): the SLA clock starts here. */
  openedAt?: string;
  /** SOP parameters snapshotted from the catalog. */
  sop?: Partial<SopParams>;
  /** State carried over a continue-as-new (or into a reopened episode). */
  carried?: CarriedState;
}

export interface CaseOutcome {
  caseId: number;
  status: CaseStatus;
}

export type TaskStatus = 'open' | 'acked' | 'done' | 'cancelled';

export interface TaskState {
  key: string;
  role: JobRole;
  /** Set when a supervisor reassigned the task to one person. */
  personId: number | null;
  title: string;
  options: DecisionOption[];
  askEta: boolean;
  status: TaskStatus;
  /** Database id of the task row. */
  taskId: number | null;
  ladder: LadderState;
  /** Bumped on reassignment: restarts the ladder, and keys its pages apart from the earlier ones. */
  gen: number;
  ackDeadline: string | null;
  assignees: Array<{ personId: number; name: string }>;
  eta: string | null;
  /** ETAs already recorded as missed (one re-escalation each). */
  etaMissed: string[];
  result: TaskResult | null;
  openedAt: string;
  /** Why the next page of this task's ladder goes out, kept across a continue-as-new. */
  pendingReason: PageReason | null;
}

/** Everything a new run needs to go on where the previous one stopped. */
export interface CarriedState {
  episode: number;
  seq: number;
  status: CaseStatus;
  step: string | null;
  /** Results of SOP steps already done, by step key: a re-run returns them instead of acting again. */
  journal: Record<string, unknown>;
  tasks: TaskState[];
  facts: CaseFacts;
  slaBreached: boolean;
  slaDeadline: string | null;
  cleared: boolean;
  reopenCount: number;
  reopenReason: string | null;
  closedAt: string | null;
  resolvedAt: string | null;
  runs: number;
}

export interface CaseFacts {
  resolution?: string;
  rootCause?: string;
  correctiveAction?: string;
  downtimeMinutes?: number;
}
