/**
 * The case workflow's carried state: its input, what a new run needs to go on where the previous
 * one stopped, the initial state of a case, and the view the `state` query answers with.
 */
import type { PolicySnapshot, SopParams } from '../../domain/contracts/policy.js';
import type { DecisionOption, TaskResult } from '../../domain/contracts/tasks.js';
import type { MessageRef } from '../../domain/messages.js';
import type { CaseStatus, ExceptionType, JobRole, PageReason, Severity } from '../../domain/model.js';
import type { LadderState } from './ladder.js';
import type { CaseState, TaskView } from './messages.js';

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
  /** The title as a catalog message (runs with the `andon-message-keys` marker): rendered per reader. */
  titleRef?: MessageRef;
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
  /**
   * Everyone paged for the task since it was last reassigned (and the person it was reassigned to):
   * who may act on it from a message. Escalation adds people; the earlier ones keep the task.
   * Absent in runs carried over from before it existed: then the current assignees count.
   */
  authorised?: number[];
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

const ACTIVE: readonly CaseStatus[] = ['open', 'acknowledged'];
/** Open or acknowledged: the SOP runs and tasks take answers. */
export const isActive = (status: CaseStatus): boolean => ACTIVE.includes(status);

export function initialState(input: CaseWorkflowInput, openedAt: string): CarriedState {
  return {
    episode: 0,
    seq: 0,
    status: 'open',
    step: null,
    journal: {},
    tasks: [],
    facts: {},
    slaBreached: false,
    slaDeadline: new Date(Date.parse(openedAt) + input.policy.resolveSlaSeconds * 1000).toISOString(),
    cleared: false,
    reopenCount: 0,
    reopenReason: null,
    closedAt: null,
    resolvedAt: null,
    runs: 0,
  };
}

/**
 * A copy a transition may change freely: tasks and the objects a transition replaces are copied,
 * so the committed state stays as it was until the change is recorded.
 */
export function draft(s: CarriedState): CarriedState {
  return {
    ...s,
    facts: { ...s.facts },
    journal: { ...s.journal },
    tasks: s.tasks.map((t) => ({
      ...t,
      ladder: { ...t.ladder },
      assignees: [...t.assignees],
      ...(t.authorised ? { authorised: [...t.authorised] } : {}),
      etaMissed: [...t.etaMissed],
    })),
  };
}

const taskView = (t: TaskState): TaskView => ({
  key: t.key,
  role: t.role,
  title: t.title,
  ...(t.titleRef ? { titleRef: t.titleRef } : {}),
  status: t.status,
  level: t.ladder.level,
  assignees: t.assignees,
  ackDeadline: t.status === 'open' ? t.ackDeadline : null,
  eta: t.eta,
  options: t.options,
  result: t.result,
});

/** What the `state` query and every update answer with. */
export function caseView(input: CaseWorkflowInput, st: CarriedState): CaseState {
  const unacked = st.tasks
    .filter((t) => t.status === 'open' && t.ackDeadline !== null)
    .map((t) => t.ackDeadline!);
  return {
    caseId: input.caseId,
    type: input.type,
    severity: input.severity,
    status: st.status,
    step: st.step,
    escalationLevel: st.tasks.reduce((m, t) => Math.max(m, t.ladder.level), 0),
    ackDeadline: unacked.length > 0 ? unacked.sort()[0]! : null,
    slaDeadline: st.slaDeadline,
    slaBreached: st.slaBreached,
    tasks: st.tasks.map(taskView),
  };
}
