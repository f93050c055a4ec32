/**
 * What the case's transitions (./transitions.ts) are built with: their types, the refusal, the
 * key formats, and the rules several actions share (which task an action is about, who may act on
 * it, acknowledging, resolving). Pure: no Temporal, no I/O, no clock.
 *
 * Key formats are the running cases' contract: `<workflowId>:s<seq>:<name>` for repeatable events
 * and `<workflowId>:e<episode>:<name>` for steps. Do not change them.
 */
import type { CaseChange, TaskChange } from '../../activities/types.js';
import type { LadderLevel } from '../../domain/contracts/policy.js';
import type { ExceptionType } from '../../domain/model.js';
import { onAck } from './ladder.js';
import { actorRef, type Actor, type ResolveInput } from './messages.js';
import { draft, type CarriedState, type TaskState } from './state.js';

export interface TransitionContext {
  workflowId: string;
  caseId: number;
  type: ExceptionType;
  /** Workflow time (ISO 8601). */
  now: string;
  /** The policy's ladder: a reassigned task starts it again. */
  ladder: readonly LadderLevel[];
  reopenWindowMs: number;
}

export type ChangeBody = Omit<CaseChange, 'caseId'>;

/** What the workflow does once the change is committed. */
export interface Effects {
  /** The case stopped being active: the SOP's work ends. */
  cancelSop?: true;
  /** A reassigned task: its ladder starts again. */
  supervise?: string;
}

export interface Applied {
  state: CarriedState;
  /** Null when there is nothing to record (and the state is unchanged). */
  change: ChangeBody | null;
  effects: Effects;
}
export interface Refused {
  refused: string;
}
export type Outcome = Applied | Refused;

export type Transition<I> = (state: CarriedState, input: I, ctx: TransitionContext) => Outcome;

class Refusal extends Error {}
export const refuse = (reason: string): never => {
  throw new Refusal(reason);
};

/** Runs `body` on a draft of the state; a refusal inside it becomes the outcome. */
export const transition =
  <I>(body: (s: CarriedState, input: I, ctx: TransitionContext) => Omit<Applied, 'state'>): Transition<I> =>
  (state, input, ctx) => {
    const s = draft(state);
    try {
      return { state: s, ...body(s, input, ctx) };
    } catch (err) {
      if (err instanceof Refusal) return { refused: err.message };
      throw err;
    }
  };

export const seqKey = (s: CarriedState, ctx: TransitionContext, name: string): string =>
  `${ctx.workflowId}:s${++s.seq}:${name}`;
export const stepKey = (s: CarriedState, ctx: TransitionContext, name: string): string =>
  `${ctx.workflowId}:e${s.episode}:${name}`;

export const answerable = (t: TaskState): boolean => t.status === 'open' || t.status === 'acked';

/** The task an action is about: the named one, or the only one that fits. */
export function pickTask(
  s: CarriedState,
  ctx: TransitionContext,
  taskKey: string | undefined,
  fits: (t: TaskState) => boolean,
  what: string,
): TaskState {
  if (taskKey !== undefined) {
    const t = s.tasks.find((x) => x.key === taskKey);
    if (!t) return refuse(`case ${ctx.caseId} has no task ${taskKey}`);
    if (!fits(t)) refuse(`task ${taskKey} is ${t.status}; it cannot ${what}`);
    return t;
  }
  const candidates = s.tasks.filter(fits);
  if (candidates.length === 0) refuse(`case ${ctx.caseId} has no task that can ${what}`);
  if (candidates.length > 1) {
    refuse(
      `case ${ctx.caseId} has ${candidates.length} tasks that can ${what}: name one with taskKey (${candidates.map((t) => t.key).join(', ')})`,
    );
  }
  return candidates[0]!;
}

/**
 * The person holds the task: reassigned to them, or paged for it at any level since it was last
 * reassigned (people paged earlier keep the task when it escalates).
 */
export const isAssignee = (t: TaskState, actor: Actor): boolean => {
  if (actor.kind !== 'person') return false;
  const id = Number(actor.id);
  return t.personId === id || (t.authorised ?? []).includes(id) || t.assignees.some((a) => a.personId === id);
};

/** With `onlyAsAssignee` (action links, SMS), authority follows the task's current assignment. */
export function requireAssignee(
  t: TaskState,
  input: { actor: Actor; onlyAsAssignee?: boolean | undefined },
): void {
  if (input.onlyAsAssignee && !isAssignee(t, input.actor))
    refuse(`task ${t.key} is not assigned to ${input.actor.name} (any more); ask its current assignee`);
}

/** Acknowledges tasks (and the case, the first time); null when nothing changes. */
export function ackTasks(
  s: CarriedState,
  ctx: TransitionContext,
  tasks: TaskState[],
  actor: Actor,
  note?: string,
): ChangeBody | null {
  const at = ctx.now;
  const changes: TaskChange[] = [];
  for (const t of tasks) {
    if (t.status !== 'open') continue;
    t.status = 'acked';
    t.ladder = onAck(t.ladder);
    t.ackDeadline = null;
    if (t.taskId !== null)
      changes.push({ taskId: t.taskId, status: 'acked', ackedAt: at, ackedBy: actorRef(actor) });
  }
  const firstAck = s.status === 'open';
  if (changes.length === 0 && !firstAck) return null;
  if (firstAck) s.status = 'acknowledged';
  return {
    events: [
      {
        type: 'acked',
        actor: actorRef(actor),
        data: { by: actor.name, tasks: tasks.map((t) => t.key), ...(note ? { note } : {}) },
        idempotencyKey: seqKey(s, ctx, 'acked'),
      },
    ],
    fields: firstAck ? { status: 'acknowledged', acknowledgedAt: at, ackedBy: actorRef(actor) } : {},
    tasks: changes,
  };
}

/** Ends the SOP's work: tasks not answered are cancelled. */
export function closeOpenTasks(s: CarriedState, ctx: TransitionContext): TaskChange[] {
  const changes: TaskChange[] = [];
  for (const t of s.tasks) {
    if (answerable(t)) {
      t.status = 'cancelled';
      if (t.taskId !== null) changes.push({ taskId: t.taskId, status: 'cancelled', doneAt: ctx.now });
    }
  }
  return changes;
}

type ResolveFacts = Pick<ResolveInput, 'resolution' | 'rootCause' | 'correctiveAction' | 'downtimeMinutes'>;

export function resolveCase(
  s: CarriedState,
  ctx: TransitionContext,
  actor: Actor,
  input: ResolveFacts,
  extraEvents: ChangeBody['events'] = [],
): Omit<Applied, 'state'> {
  const facts = {
    resolution: input.resolution,
    ...(input.rootCause !== undefined ? { rootCause: input.rootCause } : {}),
    ...(input.correctiveAction !== undefined ? { correctiveAction: input.correctiveAction } : {}),
    ...(input.downtimeMinutes !== undefined ? { downtimeMinutes: input.downtimeMinutes } : {}),
  };
  s.status = 'resolved';
  s.resolvedAt = ctx.now;
  s.facts = { ...s.facts, ...facts };
  const tasks = closeOpenTasks(s, ctx);
  const change: ChangeBody = {
    events: [
      ...extraEvents,
      {
        type: 'resolved',
        actor: actorRef(actor),
        data: { by: actor.name, ...facts, cancelledTasks: tasks.length },
        idempotencyKey: seqKey(s, ctx, 'resolved'),
      },
    ],
    fields: {
      status: 'resolved',
      resolvedAt: s.resolvedAt,
      resolvedBy: actorRef(actor),
      ...facts,
      currentStep: null,
    },
    tasks,
  };
  return { change, effects: { cancelSop: true } };
}
