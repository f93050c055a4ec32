/** Updates and queries of the case workflow: the only ways the outside world talks to a running case. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CaseStatus, ExceptionType, JobRole, Severity } from '../domain/model.js';
import type { DecisionData, DecisionOption, MesEventKind, TaskResult } from '../domain/sop.js';

/** Who did something: an API key, a person, or Andon itself. */
export interface Actor {
  kind: 'api_key' | 'person' | 'system' | 'mes';
  id: string;
  name: string;
}

/** How an actor is written in the timeline's `actor` column. */
export const actorRef = (a: Actor): string => (a.kind === 'system' ? 'system' : `${a.kind}:${a.id}`);

export interface AckInput {
  actor: Actor;
  /** The task acknowledged; without it, every task not yet acknowledged. */
  taskKey?: string;
  note?: string;
}

export interface DecideInput {
  actor: Actor;
  /** Which task; may be left out when exactly one task is waiting for an answer. */
  taskKey?: string;
  option: string;
  data?: DecisionData;
  note?: string;
}

export interface EtaInput {
  actor: Actor;
  taskKey?: string;
  /** ISO 8601 date-time the assignee expects to be done. */
  eta: string;
}

export interface CommentInput {
  actor: Actor;
  text: string;
}

export interface ReassignInput {
  actor: Actor;
  taskKey?: string;
  role?: JobRole;
  person?: { id: number; name: string };
  reason?: string;
}

export interface ResolveInput {
  actor: Actor;
  resolution: string;
  rootCause?: string;
  correctiveAction?: string;
  downtimeMinutes?: number;
}

export interface CloseInput {
  actor: Actor;
  note?: string;
  rootCause?: string;
  correctiveAction?: string;
  downtimeMinutes?: number;
}

export interface CancelInput {
  actor: Actor;
  reason: string;
}

export interface ReopenInput {
  actor: Actor;
  reason: string;
}

export interface MesEventInput {
  actor: Actor;
  kind: MesEventKind;
  data?: Record<string, unknown>;
}

export interface TaskView {
  key: string;
  role: JobRole;
  title: string;
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
