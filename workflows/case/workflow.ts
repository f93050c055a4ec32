/**
 * caseWorkflow — one durable workflow per case (id `case-<caseId>`): runs the case's SOP with its
 * human tasks and escalation ladders, takes human and MES actions as updates, watches the resolve
 * SLA, and keeps the history short with continue-as-new. Deterministic code only: all I/O goes
 * through activities. This file wires the parts together: ./transitions.ts says what each action
 * does, ./changes.ts records and commits it, ./tasks.ts and ./sop-runtime.ts run the SOP.
 *
 * Patches (docs/legacy-retirement.md):
 * - `andon-sop-engine`: cases started by the walking skeleton have no marker and keep running the
 *   flow they started with (../legacy/), so deploying the engine never broke a running case.
 * - `andon-record-first`: runs with the marker record each change before applying it; runs
 *   without it apply first, as they were recorded (see ./changes.ts).
 * - `andon-message-keys`: runs with the marker keep SOP texts (task titles, resolutions) as catalog
 *   messages beside the English strings (domain/messages.ts), so each reader gets their language.
 * - `andon-storm-paging`: runs with the marker write short records as local activities and start
 *   each ack timer from the deadline the page activity set when the page went out (./tasks.ts).
 */
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { renderRef } from '../../domain/messages.js';
import type { SopOutcome } from '../sop/context.js';
import { legacyCaseFlow } from '../legacy/flow.js';
import { RECORD_FIRST_PATCH, refuse } from './changes.js';
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
} from './messages.js';
import { active, background, createRun, type CaseRun } from './run.js';
import { runSop } from './sop-runtime.js';
import { watchSla } from './sla.js';
import { caseView, type CarriedState, type CaseOutcome, type CaseWorkflowInput } from './state.js';
import { supervise } from './tasks.js';
import * as transitions from './transitions.js';

export type { CaseOutcome, CaseWorkflowInput } from './state.js';

export const SOP_ENGINE_PATCH = 'andon-sop-engine';
export const MESSAGE_KEYS_PATCH = 'andon-message-keys';
export const STORM_PAGING_PATCH = 'andon-storm-paging';

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseOutcome> {
  // A continued run is always the engine's: only first runs can predate it.
  if (!input.carried && !patched(SOP_ENGINE_PATCH)) return legacyCaseFlow(input);
  return runCase(input);
}

/** A page is going out for some task: its recipients are not in the state until it returns. */
const pageInFlight = (run: CaseRun): boolean => run.st.tasks.some((t) => t.pendingReason !== null);

/**
 * A person acting from a message can be faster than the page activity that sent it: the mail or
 * SMS arrives before the workflow learns who was paged. Such an action waits for the page in
 * flight and is judged afterwards, instead of being refused as "not assigned".
 */
const waitsForPage = (run: CaseRun, input: unknown, refused: boolean): boolean =>
  refused && (input as { onlyAsAssignee?: boolean }).onlyAsAssignee === true && pageInFlight(run);

/** Registers an action: its validator refuses early, its handler records and commits the change. */
function handle<I>(run: CaseRun, def: UpdateDefinition<CaseState, [I]>, t: transitions.Transition<I>): void {
  const refusedNow = (input: I): string | null => {
    const r = t(run.st, input, run.changes.context());
    return 'refused' in r ? r.refused : null;
  };
  setHandler(
    def,
    async (input: I) => {
      if (waitsForPage(run, input, refusedNow(input) !== null)) await condition(() => !pageInFlight(run));
      await run.changes.apply((s, ctx) => t(s, input, ctx));
      return caseView(run.input, run.st);
    },
    {
      validator: (input: I) => {
        const refused = refusedNow(input);
        if (refused !== null && !waitsForPage(run, input, true)) refuse(refused);
      },
    },
  );
}

async function runCase(input: CaseWorkflowInput): Promise<CaseOutcome> {
  // Evaluated once, before any command: the run keeps the order it started with.
  const recordFirst = patched(RECORD_FIRST_PATCH);
  const messageKeys = patched(MESSAGE_KEYS_PATCH);
  const stormPaging = patched(STORM_PAGING_PATCH);
  const run = createRun(
    input,
    workflowInfo().workflowId,
    recordFirst,
    { supervise },
    messageKeys,
    stormPaging,
  );
  const { st, params } = run;

  setHandler(stateQuery, () => caseView(input, st));
  handle(run, ackUpdate, transitions.ack);
  handle(run, decideUpdate, transitions.decide);
  handle(run, etaUpdate, transitions.eta);
  handle(run, commentUpdate, transitions.comment);
  handle(run, reassignUpdate, transitions.reassign);
  handle(run, resolveUpdate, transitions.resolve);
  handle(run, closeUpdate, transitions.close);
  handle(run, cancelUpdate, transitions.cancel);
  handle(run, reopenUpdate, transitions.reopen);
  handle(run, mesEventUpdate, transitions.mesEvent);

  const shouldContinueAsNew = (): boolean =>
    workflowInfo().historyLength > params.historyLimit || workflowInfo().continueAsNewSuggested;

  async function continueNow(next: CarriedState): Promise<never> {
    await condition(allHandlersFinished);
    return continueAsNew<(i: CaseWorkflowInput) => Promise<CaseOutcome>>({
      ...input,
      openedAt: run.openedAt,
      carried: { ...next, runs: next.runs + 1 },
    });
  }

  background(run, watchSla(run));

  if (active(run)) {
    const scope = new CancellationScope();
    run.sopScope = scope;
    let outcome: SopOutcome | null = null;
    let finished = false;
    background(
      run,
      scope
        .run(() => runSop(run))
        .then((o) => {
          outcome = o;
        })
        .finally(() => {
          finished = true;
        }),
    );
    await condition(() => finished || !active(run) || shouldContinueAsNew());
    if (!finished && active(run)) return continueNow(st);
    const result = outcome as SopOutcome | null;
    if (result?.resolve && active(run)) {
      // A refusal here means someone resolved or cancelled first: nothing left to do.
      const said = result.resolution ?? 'SOP completed';
      const resolution = typeof said === 'string' ? said : renderRef(said, 'en');
      const resolutionRef = typeof said !== 'string' && messageKeys ? said : undefined;
      await run.changes.attempt((s, ctx) =>
        transitions.resolveBySop(s, { resolution, ...(resolutionRef ? { resolutionRef } : {}) }, ctx),
      );
    }
  }

  for (;;) {
    if (st.status === 'cancelled') break;
    if (st.status === 'open') {
      // Reopened: a new episode, in a fresh run.
      return continueNow({
        ...st,
        episode: st.episode + 1,
        step: null,
        tasks: [],
        journal: {},
        slaBreached: false,
        slaDeadline: null,
        cleared: false,
      });
    }
    if (st.status === 'closed') {
      const windowLeft = st.closedAt ? Date.parse(st.closedAt) + run.reopenWindowMs - Date.now() : 0;
      const changed = await condition(
        () => st.status !== 'closed' || shouldContinueAsNew(),
        Math.max(0, windowLeft),
      );
      if (!changed) break;
      if (st.status === 'closed') return continueNow(st);
      continue;
    }
    // acknowledged / resolved: wait for the next human or MES action
    const before = st.status;
    await condition(() => st.status !== before || shouldContinueAsNew());
    if (st.status === before) return continueNow(st);
  }

  await condition(allHandlersFinished);
  return { caseId: run.caseId, status: st.status };
}
