/** Updates and queries of the case workflow: the only ways the outside world talks to a running case. */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CaseStatus, ExceptionType, Severity } from '../domain/model.js';

/** Who did something: an API key, a person, or Andon itself. */
export interface Actor {
  kind: 'api_key' | 'person' | 'system';
  id: string;
  name: string;
}

/** How an actor is written in the timeline's `actor` column. */
export const actorRef = (a: Actor): string => (a.kind === 'system' ? 'system' : `${a.kind}:${a.id}`);

export interface AckInput {
  actor: Actor;
  note?: string;
}

export interface ResolveInput {
  actor: Actor;
  resolution: string;
  rootCause?: string;
}

export interface CloseInput {
  actor: Actor;
  note?: string;
}

/** What a running case looks like from outside (the `state` query and every update's result). */
export interface CaseState {
  caseId: number;
  type: ExceptionType;
  severity: Severity;
  status: CaseStatus;
  escalationLevel: number;
  /** When the current level times out without an ack (ISO 8601), null once acknowledged or at the top. */
  ackDeadline: string | null;
}

export const ackUpdate = defineUpdate<CaseState, [AckInput]>('ack');
export const resolveUpdate = defineUpdate<CaseState, [ResolveInput]>('resolve');
export const closeUpdate = defineUpdate<CaseState, [CloseInput]>('close');
export const stateQuery = defineQuery<CaseState>('state');
