/**
 * The API's view of Temporal: start a case's workflow, send it updates, query its live state.
 * Temporal failures are translated into what the caller must do about them.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { CaseRecord } from '../db/cases.js';
import { caseWorkflowId, workflowInputFor } from '../workflows/case/input.js';
import type { caseWorkflow } from '../workflows/index.js';
import {
  ackUpdate,
  cancelUpdate,
  closeUpdate,
  commentUpdate,
  decideUpdate,
  etaUpdate,
  mesEventUpdate,
  reassignUpdate,
  reopenUpdate,
  resolveUpdate,
  stateQuery,
  type CaseState,
} from '../workflows/messages.js';
import type { CaseUpdates } from '../domain/contracts/actions.js';

export type { CaseUpdates } from '../domain/contracts/actions.js';

/** The workflow refused the action (its validator said no); the message is for people. */
export class ActionRefused extends Error {}
/** The workflow cannot be reached now (Temporal down). */
export class EngineUnavailable extends Error {}
/** The case's workflow has finished: nothing more can be done to it. */
export class CaseFinished extends Error {}

const UPDATES: { [K in keyof CaseUpdates]: UpdateDefinition<CaseState, [CaseUpdates[K]]> } = {
  ack: ackUpdate,
  decide: decideUpdate,
  eta: etaUpdate,
  comment: commentUpdate,
  reassign: reassignUpdate,
  resolve: resolveUpdate,
  close: closeUpdate,
  cancel: cancelUpdate,
  reopen: reopenUpdate,
  mesEvent: mesEventUpdate,
};

export interface CaseEngine {
  /** Starts the case's workflow (a no-op when it already runs). */
  start(record: CaseRecord): Promise<void>;
  update<K extends keyof CaseUpdates>(caseId: number, action: K, input: CaseUpdates[K]): Promise<CaseState>;
  /** Live state, or null when the workflow cannot be asked (finished, or Temporal unreachable). */
  state(caseId: number): Promise<CaseState | null>;
  /**
   * Waits for the calls under way to settle. Call it before closing the connection: the client
   * retries an unavailable server on timers, and a retry firing on a closed channel throws outside
   * any promise (an uncaught exception).
   */
  drain(): Promise<void>;
}

export function createTemporalEngine(
  client: Client,
  opts: { taskQueue: string; startTimeoutMs?: number; queryTimeoutMs?: number; updateTimeoutMs?: number },
): CaseEngine {
  const startTimeout = opts.startTimeoutMs ?? 5_000;
  const queryTimeout = opts.queryTimeoutMs ?? 2_000;
  const updateTimeout = opts.updateTimeoutMs ?? 30_000;
  const handle = (caseId: number) => client.workflow.getHandle(caseWorkflowId(caseId));
  const inflight = new Set<Promise<unknown>>();
  /** Runs a call, remembering it until it settles (see drain). */
  const tracked = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    void p.then(
      () => inflight.delete(p),
      () => inflight.delete(p),
    );
    return p;
  };

  const engine: CaseEngine = {
    async drain() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    async start(record) {
      try {
        await tracked(
          client.withDeadline(Date.now() + startTimeout, () =>
            client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
              taskQueue: opts.taskQueue,
              workflowId: caseWorkflowId(record.id),
              args: [workflowInputFor(record)],
              workflowIdConflictPolicy: 'USE_EXISTING',
            }),
          ),
        );
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return; // it ran before: nothing to do
        throw new EngineUnavailable(err instanceof Error ? err.message : String(err));
      }
    },
    async update(caseId, action, input) {
      try {
        return await tracked(
          client.withDeadline(Date.now() + updateTimeout, () =>
            handle(caseId).executeUpdate(UPDATES[action], { args: [input] }),
          ),
        );
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          const cause = err.cause;
          if (cause instanceof ApplicationFailure && cause.type === 'Refused')
            throw new ActionRefused(cause.message);
          throw new ActionRefused(cause?.message ?? err.message);
        }
        if (err instanceof WorkflowNotFoundError) throw new CaseFinished(`case ${caseId} is finished`);
        throw new EngineUnavailable(err instanceof Error ? err.message : String(err));
      }
    },
    async state(caseId) {
      try {
        return await tracked(
          client.withDeadline(Date.now() + queryTimeout, () => handle(caseId).query(stateQuery)),
        );
      } catch {
        return null;
      }
    },
  };
  return engine;
}
