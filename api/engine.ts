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
import { ApplicationFailure } from '@temporalio/common';
import { caseWorkflowId, type CaseRecord } from '../db/cases.js';
import type { caseWorkflow, CaseWorkflowInput } from '../workflows/case.js';
import {
  ackUpdate,
  closeUpdate,
  resolveUpdate,
  stateQuery,
  type AckInput,
  type CaseState,
  type CloseInput,
  type ResolveInput,
} from '../workflows/messages.js';

/** The workflow refused the action (its validator said no); `reason` is for people. */
export class ActionRefused extends Error {}
/** The workflow cannot be reached now (Temporal down, or no such running workflow). */
export class EngineUnavailable extends Error {}

export interface CaseEngine {
  /** Starts the case's workflow (a no-op when it already runs). */
  start(record: CaseRecord): Promise<void>;
  ack(caseId: number, input: AckInput): Promise<CaseState>;
  resolve(caseId: number, input: ResolveInput): Promise<CaseState>;
  close(caseId: number, input: CloseInput): Promise<CaseState>;
  /** Live state, or null when the workflow cannot be asked (finished, or Temporal unreachable). */
  state(caseId: number): Promise<CaseState | null>;
}

export function workflowInput(r: CaseRecord): CaseWorkflowInput {
  return { caseId: r.id, type: r.type, severity: r.severity, line: r.line, title: r.title, policy: r.policy };
}

export function createTemporalEngine(
  client: Client,
  opts: { taskQueue: string; startTimeoutMs?: number; queryTimeoutMs?: number },
): CaseEngine {
  const startTimeout = opts.startTimeoutMs ?? 5_000;
  const queryTimeout = opts.queryTimeoutMs ?? 2_000;

  async function update<T>(caseId: number, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause;
        if (cause instanceof ApplicationFailure && cause.type === 'Refused')
          throw new ActionRefused(cause.message);
        throw new ActionRefused(cause?.message ?? err.message);
      }
      if (err instanceof WorkflowNotFoundError)
        throw new ActionRefused(`case ${caseId} is no longer running`);
      throw new EngineUnavailable(err instanceof Error ? err.message : String(err));
    }
  }

  const handle = (caseId: number) => client.workflow.getHandle(caseWorkflowId(caseId));

  return {
    async start(record) {
      try {
        await client.withDeadline(Date.now() + startTimeout, () =>
          client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
            taskQueue: opts.taskQueue,
            workflowId: caseWorkflowId(record.id),
            args: [workflowInput(record)],
            workflowIdConflictPolicy: 'USE_EXISTING',
          }),
        );
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return; // it ran before: nothing to do
        throw new EngineUnavailable(err instanceof Error ? err.message : String(err));
      }
    },
    ack: (caseId, input) => update(caseId, () => handle(caseId).executeUpdate(ackUpdate, { args: [input] })),
    resolve: (caseId, input) =>
      update(caseId, () => handle(caseId).executeUpdate(resolveUpdate, { args: [input] })),
    close: (caseId, input) =>
      update(caseId, () => handle(caseId).executeUpdate(closeUpdate, { args: [input] })),
    async state(caseId) {
      try {
        return await client.withDeadline(Date.now() + queryTimeout, () => handle(caseId).query(stateQuery));
      } catch {
        return null;
      }
    },
  };
}
