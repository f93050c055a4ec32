/** Updates and queries of the case workflow: the only ways the outside world talks to a running case. */
import type { MessageRef } from '../../domain/messages.js';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  AckInput,
  CancelInput,
  CloseInput,
  CommentInput,
  DecideInput,
  EtaInput,
  MesEventInput,
  ReassignInput,
  ReopenInput,
  ResolveInput,
} from '../../domain/contracts/actions.js';
import type { DecisionOption, TaskResult } from '../../domain/contracts/tasks.js';
import type { CaseStatus, ExceptionType, JobRole, Severity } from '../../domain/model.js';

export { actorRef } from '../../domain/contract-rules.js';
export type {
  AckInput,
  Actor,
  CancelInput,
  CloseInput,
  CommentInput,
  DecideInput,
  EtaInput,
  MesEventInput,
  ReassignInput,
  ReopenInput,
  ResolveInput,
} from '../../domain/contracts/actions.js';

export interface TaskView {
  key: string;
  role: JobRole;
  /** In English; `titleRef` renders it in any locale (domain/messages.ts). */
  title: string;
  titleRef?: MessageRef;
  status: 'open' | 'acked' | 'done' | 'cancelled';
  level: number;
  assignees: Array<{ personId: number; name: string }>;
  ackDeadline: string | null;
  eta: string | null;
  options: DecisionOption[];
  result: TaskResult | null;
}

/** What a running case looks like from outside (the `state` query and every update's result). */
export interface CaseState {
  caseId: number;
  type: ExceptionType;
  severity: Severity;
  status: CaseStatus;
  /** The SOP step under way, for people. */
  step: string | null;
  /** Highest escalation level reached by any task. */
  escalationLevel: number;
  /** Earliest ack deadline among tasks not yet acknowledged (ISO 8601). */
  ackDeadline: string | null;
  slaDeadline: string | null;
  slaBreached: boolean;
  tasks: TaskView[];
}

export const ackUpdate = defineUpdate<CaseState, [AckInput]>('ack');
export const decideUpdate = defineUpdate<CaseState, [DecideInput]>('decide');
export const etaUpdate = defineUpdate<CaseState, [EtaInput]>('eta');
export const commentUpdate = defineUpdate<CaseState, [CommentInput]>('comment');
export const reassignUpdate = defineUpdate<CaseState, [ReassignInput]>('reassign');
export const resolveUpdate = defineUpdate<CaseState, [ResolveInput]>('resolve');
export const closeUpdate = defineUpdate<CaseState, [CloseInput]>('close');
export const cancelUpdate = defineUpdate<CaseState, [CancelInput]>('cancel');
export const reopenUpdate = defineUpdate<CaseState, [ReopenInput]>('reopen');
export const mesEventUpdate = defineUpdate<CaseState, [MesEventInput]>('mesEvent');
export const stateQuery = defineQuery<CaseState>('state');
