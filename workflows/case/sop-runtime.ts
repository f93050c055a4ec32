/**
 * The journaled `SopContext`: what an SOP's building blocks do inside the case workflow. Every
 * step is journaled by its name, so after a continue-as-new the SOP re-runs from the top and the
 * steps already done return their recorded result instead of acting again.
 */
import { condition, isCancellation, ParentClosePolicy, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ErpDocument, StockLevel } from '../../activities/erp/types.js';
import type { FactsByType } from '../../domain/contracts/case.js';
import { msg } from '../../domain/messages.js';
import type { SopContext, SopOutcome } from '../sop/context.js';
import { SOPS } from '../sop/index.js';
import { humanTask } from './tasks.js';
import { errorMessage, stepKey, type CaseRun } from './run.js';
import { markStep as markStepTransition, sopFailed } from './transitions.js';

/** Marks the step the SOP is in: live at once (apply first) or once recorded (record first). */
export async function markStep(run: CaseRun, name: string): Promise<void> {
  if (run.recordFirst) {
    await run.changes.apply((s, ctx) => markStepTransition(s, { name }, ctx));
    return;
  }
  // Apply first, as those runs did it: the journal entry is written only once the record is done.
  const journalKey = `step:${name}`;
  run.st.step = name;
  if (run.st.journal[journalKey]) return;
  await run.changes.write({
    events: [
      { type: 'sop_step', actor: 'system', data: { step: name }, idempotencyKey: stepKey(run, journalKey) },
    ],
    fields: { currentStep: name },
  });
  run.st.journal[journalKey] = true;
}

export function sopContext(run: CaseRun): SopContext<CaseRun['input']['type']> {
  const { input, st, acts } = run;
  return {
    caseId: run.caseId,
    type: input.type,
    severity: input.severity,
    line: input.line,
    station: input.station ?? null,
    title: input.title,
    openedAt: run.openedAt,
    facts: (input.details ?? {}) as unknown as FactsByType[typeof input.type],
    params: run.params,
    step: (name) => markStep(run, name),
    async stock(step, itemCode, excludeLocation) {
      const journalKey = `stock:${step}`;
      if (journalKey in st.journal) return st.journal[journalKey] as StockLevel[];
      const levels = await acts.erp.erpStock({ caseId: run.caseId, itemCode, excludeLocation });
      st.journal[journalKey] = levels;
      return levels;
    },
    async erp(step, request) {
      const journalKey = `erp:${step}`;
      if (journalKey in st.journal) return st.journal[journalKey] as ErpDocument;
      const doc = await acts.erp.erpCreate({
        caseId: run.caseId,
        stepKey: stepKey(run, journalKey),
        step,
        request,
      });
      st.journal[journalKey] = doc;
      return doc;
    },
    task: (spec) => humanTask(run, spec),
    taskEta: (key) => st.tasks.find((t) => t.key === key)?.eta ?? null,
    taskDone: (key) => st.tasks.find((t) => t.key === key)?.status === 'done',
    async waitUntil(predicate, until) {
      if (until === null) {
        await condition(predicate);
        return true;
      }
      return condition(predicate, Math.max(0, Date.parse(until) - Date.now()));
    },
    async openLinkedCase(step, request) {
      const journalKey = `linked:${step}`;
      if (journalKey in st.journal) return st.journal[journalKey] as number;
      const childInput = await acts.db.openLinkedCase({
        parentCaseId: run.caseId,
        link: step,
        type: request.type,
        severity: input.severity,
        line: input.line,
        title: request.title,
        details: request.details,
        idempotencyKey: stepKey(run, journalKey),
      });
      try {
        await startChild('caseWorkflow', {
          workflowId: `case-${childInput.caseId}`,
          args: [childInput],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        });
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      st.journal[journalKey] = childInput.caseId;
      return childInput.caseId;
    },
  };
}

/** Runs the SOP; a step that fails for good hands the case to a supervisor instead of dying. */
export async function runSop(run: CaseRun): Promise<SopOutcome> {
  try {
    if (run.st.episode > 0) return await followUp(run);
    const ctx = sopContext(run);
    const sop = SOPS[run.input.type].procedure as (c: typeof ctx) => Promise<SopOutcome>;
    return await sop(ctx);
  } catch (err) {
    if (isCancellation(err)) throw err;
    const reason = errorMessage(err);
    await run.changes.apply((s, ctx) => sopFailed(s, { error: reason }, ctx));
    const takeover = await humanTask(run, {
      key: 'takeover',
      role: 'supervisor',
      title: msg('task.takeover', { step: run.st.step ?? 'start', reason }),
      options: [{ id: 'done_by_hand', label: 'Done by hand' }],
    });
    return { resolve: false, resolution: takeover.note };
  }
}

/** A reopened case: the responsible role finds out why it came back. */
async function followUp(run: CaseRun): Promise<SopOutcome> {
  await markStep(run, 'reopened_follow_up');
  const answer = await humanTask(run, {
    key: 'follow_up',
    role: SOPS[run.input.type].reopenRole,
    title: msg('task.follow_up', { why: run.st.reopenReason ? `: ${run.st.reopenReason}` : '' }),
    options: [{ id: 'fixed', label: 'Fixed again' }],
  });
  return { resolve: true, resolution: answer.note ?? msg('resolution.fixed_after_reopening') };
}
