/**
 * Human tasks and their ladders: open the task row, page its role, escalate until someone
 * acknowledges, re-escalate missed ETAs, wait for the answer. Pages are journaled per task,
 * generation, level and round, so a re-run after continue-as-new never pages twice.
 */
import type { PageReason } from '../../domain/model.js';
import { ApplicationFailure, condition, isCancellation } from '@temporalio/workflow';
import type { LadderLevel } from '../../domain/contracts/policy.js';
import { renderRef } from '../../domain/messages.js';
import type { TaskResult } from '../../domain/contracts/tasks.js';
import type { TaskSpec } from '../sop/context.js';
import { PAGE_MAX_ATTEMPTS } from './activities.js';
import { afterPage, onAckTimeout, startLadder, type LadderAction } from './ladder.js';
import { active, background, errorMessage, stepKey, type CaseRun } from './run.js';
import type { TaskState } from './state.js';

/** Ladder of a task: the policy's ladder with level 0 paging the task's own role. */
const ladderOf = (run: CaseRun, t: TaskState): LadderLevel[] =>
  run.ladder.map((l, i) => (i === 0 ? { ...l, targetRole: t.role } : l));

/** Pages one level (for a task, or for the case: SLA); true when somebody could be reached. */
export async function page(
  run: CaseRun,
  t: TaskState | null,
  level: LadderLevel,
  reason: PageReason,
  key: string,
): Promise<boolean> {
  // Storm paging: no deadline until the page has gone out; the activity sets it and returns it (in
  // the history, so the timer is deterministic). Before: counted from the moment the page was asked.
  const fromSend = run.stormPaging && t !== null;
  const ackDeadline =
    t && !fromSend ? new Date(Date.now() + level.ackTimeoutSeconds * 1000).toISOString() : null;
  if (t) t.ackDeadline = ackDeadline;
  const gen = t?.gen;
  try {
    const result = await run.acts.paging.pageLevel({
      caseId: run.caseId,
      line: run.input.line,
      level,
      reason,
      idempotencyKey: key,
      ackDeadline,
      ...(fromSend ? { deadlineFromSend: true } : {}),
      maxAttempts: PAGE_MAX_ATTEMPTS,
      ...(t && t.taskId !== null ? { taskId: t.taskId, taskKey: t.key, taskTitle: t.title } : {}),
      ...(t && t.personId !== null && level.level === 0 ? { personId: t.personId } : {}),
      recordEscalation: reason !== 'opened' && reason !== 'reassigned',
    });
    // Not when the task was acknowledged or reassigned meanwhile: that cleared the deadline for good.
    if (t && fromSend && t.gen === gen && t.status === 'open') t.ackDeadline = result.ackDeadline ?? null;
    if (t && result.recipients && result.recipients.length > 0) {
      const earlier = t.authorised ?? t.assignees.map((a) => a.personId);
      t.assignees = result.recipients;
      t.authorised = [...new Set([...earlier, ...result.recipients.map((r) => r.personId)])];
    }
    return result.skippedReason === null && result.sent > 0;
  } catch (err) {
    if (isCancellation(err)) throw err;
    // Paging kept failing (e.g. the database was unreachable every time): record it, move on.
    await run.acts.db.recordEvent({
      caseId: run.caseId,
      type: 'notification_failed',
      actor: 'system',
      data: { level: level.level, role: level.targetRole, task: t?.key ?? null, error: errorMessage(err) },
      idempotencyKey: `${key}:failed`,
    });
    return false;
  }
}

/** The escalation ladder of one task, until it is acknowledged, answered, reassigned or the case ends. */
async function runLadder(run: CaseRun, t: TaskState): Promise<void> {
  const { st } = run;
  const gen = t.gen;
  const alive = (): boolean => t.status === 'open' && t.gen === gen && active(run);
  const lad = ladderOf(run, t);
  let reason: PageReason = t.pendingReason ?? (t.gen > 0 ? 'reassigned' : 'opened');
  let action: LadderAction = { kind: 'page', level: lad[t.ladder.level]!, round: t.ladder.round ?? 0 };
  if (t.ladder.exhausted) action = { kind: 'wait_ack_forever' };
  while (alive()) {
    if (action.kind === 'page') {
      const journalKey = `page:${t.key}:g${gen}:l${t.ladder.level}:r${action.round}`;
      let reached = st.journal[journalKey] as boolean | undefined;
      if (reached === undefined) {
        t.pendingReason = reason;
        reached = await page(run, t, action.level, reason, stepKey(run, journalKey));
        st.journal[journalKey] = reached;
        t.pendingReason = null;
      }
      if (!alive()) return;
      [t.ladder, action] = afterPage(lad, t.ladder, reached, run.repeatCount);
      if (action.kind === 'page') reason = 'nobody_reachable';
    } else if (action.kind === 'wait_ack') {
      const deadline = t.ackDeadline ? Date.parse(t.ackDeadline) : Date.now() + action.timeoutMs;
      if (await condition(() => !alive(), Math.max(0, deadline - Date.now()))) return;
      const wasTop = t.ladder.level === lad.length - 1;
      [t.ladder, action] = onAckTimeout(lad, t.ladder, run.repeatCount);
      reason = wasTop ? 'repeat' : 'ack_timeout';
    } else {
      t.ackDeadline = null;
      await condition(() => !alive());
      return;
    }
  }
}

/** After an ack: each ETA the assignee gives that passes unanswered re-escalates one level. */
async function watchEta(run: CaseRun, t: TaskState): Promise<void> {
  const lad = ladderOf(run, t);
  const watching = (): boolean => t.status === 'acked' && active(run);
  while (watching()) {
    const eta = t.eta;
    if (eta === null || t.etaMissed.includes(eta)) {
      await condition(() => !watching() || (t.eta !== null && !t.etaMissed.includes(t.eta)));
      continue;
    }
    if (await condition(() => !watching() || t.eta !== eta, Math.max(0, Date.parse(eta) - Date.now())))
      continue;
    t.etaMissed.push(eta);
    const next = Math.min(t.ladder.level + 1, lad.length - 1);
    t.ladder = { ...t.ladder, level: next };
    const key = stepKey(run, `eta-missed:${t.key}:${eta}`);
    await run.acts.db.recordEvent({
      caseId: run.caseId,
      type: 'eta_missed',
      actor: 'system',
      data: { task: t.key, eta, escalatedTo: next, role: lad[next]!.targetRole },
      idempotencyKey: key,
    });
    await page(
      run,
      t.status === 'acked' ? { ...t, ackDeadline: null } : t,
      lad[next]!,
      'eta_missed',
      `${key}:page`,
    );
  }
}

/** Runs a task's ladder, then watches its ETA, in the background. */
export function supervise(run: CaseRun, t: TaskState): void {
  background(
    run,
    (async () => {
      await runLadder(run, t);
      await watchEta(run, t);
    })(),
  );
}

/** A human task of the SOP: opened once, supervised, answered; journaled by its key. */
export async function humanTask(run: CaseRun, spec: TaskSpec): Promise<TaskResult> {
  const { st } = run;
  const journalKey = `task:${spec.key}`;
  const done = st.journal[journalKey] as TaskResult | undefined;
  if (done) return done;
  let t = st.tasks.find((x) => x.key === spec.key);
  if (!t) {
    t = {
      key: spec.key,
      role: spec.role,
      personId: null,
      title: renderRef(spec.title, 'en'),
      ...(run.messageKeys ? { titleRef: spec.title } : {}),
      options: spec.options,
      askEta: spec.askEta ?? false,
      status: 'open',
      taskId: null,
      ladder: startLadder(run.ladder),
      gen: 0,
      ackDeadline: null,
      assignees: [],
      eta: null,
      etaMissed: [],
      result: null,
      openedAt: new Date().toISOString(),
      pendingReason: null,
    };
    st.tasks.push(t);
  }
  const task = t;
  if (task.taskId === null) {
    task.taskId = await run.acts.db.openTask({
      caseId: run.caseId,
      idempotencyKey: stepKey(run, `task:${task.key}`),
      taskKey: task.key,
      role: task.role,
      title: task.title,
      ...(task.titleRef ? { titleRef: task.titleRef } : {}),
      options: task.options,
    });
  }
  if (task.status === 'open' || task.status === 'acked') supervise(run, task);
  await condition(() => task.status === 'done' || task.status === 'cancelled');
  if (task.status === 'cancelled' || !task.result)
    throw ApplicationFailure.nonRetryable(`task ${task.key} was cancelled`);
  st.journal[journalKey] = task.result;
  return task.result;
}
