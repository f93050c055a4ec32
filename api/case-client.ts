/**
 * The API's client of the case workflows on Temporal: start a case's workflow, send it updates,
 * query its live state. Temporal's failures are translated into what the caller must do about them
 * (api/run-action.ts turns those into answers for REST, pages and SMS).
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
} from '../workflows/case/messages.js';
import type { CaseUpdates } from '../domain/contracts/actions.js';

export type { CaseUpdates } from '../domain/contracts/actions.js';

/** The workflow refused the action (its validator said no); the message is for people. */
export class ActionRefused extends Error {}
/** The case's workflow has finished: nothing more can be done to it. */
export class CaseFinished extends Error {}
/**
 * Temporal did not answer in time. `changed: 'no'` when the server cannot be reached at all (so the
 * update never arrived); `'unknown'` when it can, and the case simply did not confirm in time.
 */
export class TemporalUnavailable extends Error {
  constructor(
    message: string,
    readonly changed: 'no' | 'unknown' = 'no',
  ) {
    super(message);
  }
}

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

export interface CaseClient {
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

export interface CaseClientOptions {
  taskQueue: string;
  startTimeoutMs?: number;
  queryTimeoutMs?: number;
  updateTimeoutMs?: number;
  /** Whether the Temporal server answers at all (tells an outage from a slow case); default: unknown. */
  reachable?: () => Promise<boolean>;
  /**
   * After a start found the server unreachable, how long further starts fail at once instead of
   * each waiting out its own timeout (default 5 s): during an outage the MES gets its 202 at once.
   */
  outageHoldMs?: number;
  /** The clock (tests pass their own). */
  now?: () => number;
  /**
   * Ask Temporal to hand a new case's first workflow task straight to the worker in this process
   * (the client must be on that worker's NativeConnection: lib/services.ts).
   */
  eagerStart?: boolean;
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function createCaseClient(client: Client, opts: CaseClientOptions): CaseClient {
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
  const reachable = async (): Promise<boolean> =>
    opts.reachable ? await tracked(opts.reachable()).catch(() => false) : false;
  const now = opts.now ?? Date.now;
  /** Until when starts are known to be pointless (the server was unreachable moments ago). */
  let unreachableUntil = 0;

  return {
    async drain() {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    async start(record) {
      // Accepted all the same (202): the reconciler starts the workflow once the server is back.
      if (now() < unreachableUntil) throw new TemporalUnavailable('Temporal was unreachable moments ago');
      try {
        await tracked(
          client.withDeadline(Date.now() + startTimeout, () =>
            client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
              taskQueue: opts.taskQueue,
              workflowId: caseWorkflowId(record.id),
              args: [workflowInputFor(record)],
              workflowIdConflictPolicy: 'USE_EXISTING',
              ...(opts.eagerStart ? { requestEagerStart: true } : {}),
            }),
          ),
        );
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return; // it ran before: nothing to do
        // A slow but reachable server is not an outage: only an unreachable one holds further starts.
        if (opts.reachable && !(await reachable())) unreachableUntil = now() + (opts.outageHoldMs ?? 5_000);
        throw new TemporalUnavailable(messageOf(err));
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
        // Unreachable: the update never arrived. Reachable: it may have, and may yet take effect.
        throw new TemporalUnavailable(messageOf(err), (await reachable()) ? 'unknown' : 'no');
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
}
