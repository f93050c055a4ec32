/** What the parts of one run of a case workflow share: its input, its state, its activities. */
import { isCancellation, log, type CancellationScope } from '@temporalio/workflow';
import { DEFAULT_SOP_PARAMS } from '../../domain/contract-rules.js';
import type { LadderLevel, SopParams } from '../../domain/contracts/policy.js';
import { caseActivities, type CaseActivityProxies } from './activities.js';
import { CaseChanges } from './changes.js';
import {
  initialState,
  isActive,
  type CarriedState,
  type CaseWorkflowInput,
  type TaskState,
} from './state.js';
import type { TransitionContext } from './transitions.js';

export interface CaseRun {
  readonly input: CaseWorkflowInput;
  readonly caseId: number;
  readonly workflowId: string;
  readonly params: SopParams;
  readonly ladder: readonly LadderLevel[];
  readonly repeatCount: number;
  readonly openedAt: string;
  readonly reopenWindowMs: number;
  /** The committed state: coroutines read it, only ./changes.ts commits transitions into it. */
  readonly st: CarriedState;
  readonly acts: CaseActivityProxies;
  readonly changes: CaseChanges;
  readonly recordFirst: boolean;
  /** Runs with the `andon-message-keys` marker keep SOP texts as catalog messages in their data. */
  readonly messageKeys: boolean;
  /**
   * Runs with the `andon-storm-paging` marker: short writes are local activities and an ack
   * deadline is set by the page activity from the moment the page went out (./tasks.ts).
   */
  readonly stormPaging: boolean;
  /** The SOP's scope while it runs: resolving or cancelling the case cancels it. */
  sopScope: CancellationScope | null;
}

export interface RunHooks {
  supervise(run: CaseRun, task: TaskState): void;
}

export function createRun(
  input: CaseWorkflowInput,
  workflowId: string,
  recordFirst: boolean,
  hooks: RunHooks,
  messageKeys = false,
  stormPaging = false,
): CaseRun {
  const params: SopParams = { ...DEFAULT_SOP_PARAMS, ...input.sop };
  const openedAt = input.openedAt ?? new Date().toISOString();
  const st = input.carried ?? initialState(input, openedAt);
  const acts = caseActivities(params, stormPaging);
  const reopenWindowMs = (input.policy.reopenWindowSeconds ?? 7 * 24 * 3600) * 1000;
  const run: CaseRun = {
    input,
    caseId: input.caseId,
    workflowId,
    params,
    ladder: input.policy.ladder,
    repeatCount: input.policy.repeatCount ?? 0,
    openedAt,
    reopenWindowMs,
    st,
    acts,
    recordFirst,
    messageKeys,
    stormPaging,
    sopScope: null,
    changes: new CaseChanges({
      caseId: input.caseId,
      st,
      recordFirst,
      context: (): TransitionContext => ({
        workflowId,
        caseId: input.caseId,
        type: input.type,
        now: new Date().toISOString(),
        ladder: input.policy.ladder,
        reopenWindowMs,
      }),
      applyChange: (change) => acts.db.applyChange(change),
      cancelSop: () => run.sopScope?.cancel(),
      supervise: (task) => hooks.supervise(run, task),
    }),
  };
  return run;
}

/** Stable key of a named step in this episode: the same in every run, so retries and re-runs match. */
export const stepKey = (run: CaseRun, name: string): string => `${run.workflowId}:e${run.st.episode}:${name}`;

export const active = (run: CaseRun): boolean => isActive(run.st.status);

export const errorMessage = (err: unknown): string => {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
};

/** Background coroutines must never fail the workflow: cancellation is normal, anything else is logged. */
export function background(run: CaseRun, p: Promise<unknown>): void {
  p.catch((err: unknown) => {
    if (!isCancellation(err))
      log.error('background step failed', { caseId: run.caseId, error: errorMessage(err) });
  });
}
