/**
 * The updates and the query the walking skeleton answered, defined again here by the same names
 * (`ack`, `resolve`, `close`, `state`) so that the legacy flow does not depend on the shared
 * definitions, whose inputs and views may grow for new cases.
 */
import { ApplicationFailure, defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CaseStatus, ExceptionType, Severity } from '../../domain/model.js';

export interface LegacyActor {
  kind: 'api_key' | 'person' | 'system' | 'mes';
  id: string;
  name: string;
}

/** How the skeleton wrote an actor in the timeline (same format as today's `actorRef`). */
export const actorRef = (a: LegacyActor): string => (a.kind === 'system' ? 'system' : `${a.kind}:${a.id}`);

export interface LegacyAckInput {
  actor: LegacyActor;
  note?: string;
}
export interface LegacyResolveInput {
  actor: LegacyActor;
  resolution: string;
  rootCause?: string;
}
export interface LegacyCloseInput {
  actor: LegacyActor;
  note?: string;
}

/** The view the skeleton answered with: the shape of today's `CaseState`, with no tasks. */
export interface LegacyCaseState {
  caseId: number;
  type: ExceptionType;
  severity: Severity;
  status: CaseStatus;
  step: null;
  escalationLevel: number;
  ackDeadline: string | null;
  slaDeadline: null;
  slaBreached: false;
  tasks: [];
}

export const ackUpdate = defineUpdate<LegacyCaseState, [LegacyAckInput]>('ack');
export const resolveUpdate = defineUpdate<LegacyCaseState, [LegacyResolveInput]>('resolve');
export const closeUpdate = defineUpdate<LegacyCaseState, [LegacyCloseInput]>('close');
export const stateQuery = defineQuery<LegacyCaseState>('state');

export function refuse(reason: string): never {
  throw ApplicationFailure.create({ type: 'Refused', message: reason, nonRetryable: true });
}
