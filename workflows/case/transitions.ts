/**
 * What each action does to a case, as pure functions: (state, input, context) → the new state and
 * the change to record (timeline events, case columns, task rows), or a refusal. No Temporal, no
 * I/O, no clock (the context brings the time), and the input state is never mutated: the workflow
 * records the change first and commits the returned state only once it is recorded (./changes.ts).
 * The validators run the same functions, so a refusal comes early and is checked again in turn.
 */
import type { LadderLevel } from '../../domain/contracts/policy.js';
import type { MessageRef } from '../../domain/messages.js';
import { checkDecisionData } from '../../domain/contract-rules.js';
import type { TaskResult } from '../../domain/contracts/tasks.js';
import type { ExceptionType } from '../../domain/model.js';
import { mesEventAllowed, SOPS } from '../sop/index.js';
import { startLadder } from './ladder.js';
import {
  actorRef,
  type AckInput,
  type CancelInput,
  type CloseInput,
  type CommentInput,
  type DecideInput,
  type EtaInput,
  type MesEventInput,
  type ReassignInput,
  type ReopenInput,
  type ResolveInput,
} from './messages.js';
import { isActive, type CarriedState, type TaskState } from './state.js';
import {
  ackTasks,
  answerable,
  closeOpenTasks,
  isAssignee,
  pickTask,
  refuse,
  requireAssignee,
  resolveCase,
  seqKey,
  stepKey,
  transition,
  type ChangeBody,
} from './transition-kit.js';

export type {
  Applied,
  ChangeBody,
  Effects,
  Outcome,
  Refused,
  Transition,
  TransitionContext,
} from './transition-kit.js';
export { answerable, isAssignee } from './transition-kit.js';

export const ack = transition<AckInput>((s, input, ctx) => {
  const { actor, taskKey, note } = input;
  if (!isActive(s.status))
    refuse(`case is ${s.status}; only an open or acknowledged case can be acknowledged`);
  let tasks: TaskState[];
  if (taskKey !== undefined) {
    const t = pickTask(s, ctx, taskKey, (x) => x.status === 'open', 'be acknowledged');
    requireAssignee(t, input);
    tasks = [t];
  } else {
    if (s.status !== 'open' && !s.tasks.some((t) => t.status === 'open'))
      refuse('case is acknowledged and no task is waiting for an acknowledgement');
    tasks = s.tasks.filter((t) => t.status === 'open');
    if (input.onlyAsAssignee) {
      tasks = tasks.filter((t) => isAssignee(t, actor));
      if (tasks.length === 0) refuse(`no task waiting for an acknowledgement is assigned to ${actor.name}`);
    }
  }
  return { change: ackTasks(s, ctx, tasks, actor, note), effects: {} };
});

export const decide = transition<DecideInput>((s, input, ctx) => {
  const { actor, taskKey, option, data, note } = input;
  if (!isActive(s.status))
    refuse(`case is ${s.status}; decisions are taken while it is open or acknowledged`);
  const t = pickTask(s, ctx, taskKey, answerable, 'take a decision');
  requireAssignee(t, input);
  const chosen = t.options.find((o) => o.id === option);
  if (!chosen)
    return refuse(
      `task ${t.key} has no option ${option}; choose one of ${t.options.map((o) => o.id).join(', ')}`,
    );
  const problem = checkDecisionData(chosen, data ?? {});
  if (problem) refuse(problem);
  const ackChange = ackTasks(s, ctx, [t], actor);
  const result: TaskResult = {
    option,
    data: data ?? {},
    by: actor.name,
    at: ctx.now,
    ...(note ? { note } : {}),
  };
  t.status = 'done';
  t.result = result;
  const change: ChangeBody = {
    events: [
      ...(ackChange?.events ?? []),
      {
        type: 'decision',
        actor: actorRef(actor),
        data: {
          task: t.key,
          option,
          ...(data && Object.keys(data).length > 0 ? { data } : {}),
          by: actor.name,
          ...(note ? { note } : {}),
        },
        idempotencyKey: seqKey(s, ctx, 'decision'),
      },
    ],
    ...(ackChange?.fields ? { fields: ackChange.fields } : {}),
    tasks: [
      ...(ackChange?.tasks ?? []),
      ...(t.taskId !== null
        ? [{ taskId: t.taskId, status: 'done' as const, doneAt: result.at, result }]
        : []),
    ],
  };
  return { change, effects: {} };
});

export const eta = transition<EtaInput>((s, input, ctx) => {
  const { actor, taskKey, eta: when } = input;
  if (!isActive(s.status)) refuse(`case is ${s.status}; an ETA is given while it is open or acknowledged`);
  const t = pickTask(s, ctx, taskKey, answerable, 'take an ETA');
  requireAssignee(t, input);
  if (!(Date.parse(when) > Date.parse(ctx.now))) refuse('eta must be in the future');
  const ackChange = ackTasks(s, ctx, [t], actor);
  t.eta = when;
  const change: ChangeBody = {
    events: [
      ...(ackChange?.events ?? []),
      {
        type: 'eta_set',
        actor: actorRef(actor),
        data: { task: t.key, eta: when, by: actor.name },
        idempotencyKey: seqKey(s, ctx, 'eta'),
      },
    ],
    ...(ackChange?.fields ? { fields: ackChange.fields } : {}),
    tasks: [...(ackChange?.tasks ?? []), ...(t.taskId !== null ? [{ taskId: t.taskId, eta: when }] : [])],
  };
  return { change, effects: {} };
});

export const comment = transition<CommentInput>((s, { actor, text }, ctx) => {
  if (text.trim() === '') refuse('a comment needs text');
  const change: ChangeBody = {
    events: [
      {
        type: 'comment',
        actor: actorRef(actor),
        data: { by: actor.name, text },
        idempotencyKey: seqKey(s, ctx, 'comment'),
      },
    ],
  };
  return { change, effects: {} };
});

export const reassign = transition<ReassignInput>((s, { actor, taskKey, role, person, reason }, ctx) => {
  if (!isActive(s.status))
    refuse(`case is ${s.status}; only tasks of an open or acknowledged case can be reassigned`);
  if (!role && !person) refuse('reassign needs a role or a person');
  const t = pickTask(s, ctx, taskKey, answerable, 'be reassigned');
  const from = { role: t.role, personId: t.personId };
  if (role) t.role = role;
  t.personId = person ? person.id : null;
  t.gen += 1;
  t.status = 'open';
  t.ladder = startLadder(ctx.ladder);
  t.ackDeadline = null;
  t.assignees = person ? [{ personId: person.id, name: person.name }] : [];
  t.authorised = person ? [person.id] : [];
  t.pendingReason = 'reassigned';
  const change: ChangeBody = {
    events: [
      {
        type: 'reassigned',
        actor: actorRef(actor),
        data: {
          task: t.key,
          from,
          to: { role: t.role, personId: t.personId, name: person?.name ?? null },
          by: actor.name,
          ...(reason ? { reason } : {}),
        },
        idempotencyKey: seqKey(s, ctx, 'reassigned'),
      },
    ],
    ...(t.taskId !== null
      ? { tasks: [{ taskId: t.taskId, status: 'open' as const, role: t.role, assigneePersonId: t.personId }] }
      : {}),
  };
  return { change, effects: { supervise: t.key } };
});

export const resolve = transition<ResolveInput>((s, input, ctx) => {
  if (!isActive(s.status)) refuse(`case is ${s.status}; only an open or acknowledged case can be resolved`);
  // From a message: anyone who holds (or answered) a task of this episode that was not moved away from them.
  if (input.onlyAsAssignee && !s.tasks.some((t) => isAssignee(t, input.actor)))
    refuse(`no task of this case is assigned to ${input.actor.name} (any more)`);
  return resolveCase(s, ctx, input.actor, input);
});

/** What closing a case of this type needs that it does not have yet. */
export function missingForClose(s: CarriedState, type: ExceptionType, extra: Partial<CloseInput>): string[] {
  const f: Record<string, unknown> = { ...s.facts };
  for (const k of ['rootCause', 'correctiveAction', 'downtimeMinutes'] as const)
    if (extra[k] !== undefined) f[k] = extra[k];
  return SOPS[type].closureNeeds.filter((need) => f[need] === undefined || f[need] === '');
}

export const close = transition<CloseInput>((s, input, ctx) => {
  const { actor, note, rootCause, correctiveAction, downtimeMinutes } = input;
  if (s.status !== 'resolved') refuse(`case is ${s.status}; it must be resolved before it can be closed`);
  const missing = missingForClose(s, ctx.type, input);
  if (missing.length > 0) refuse(`closing a ${ctx.type} case needs ${missing.join(' and ')}`);
  const added = {
    ...(rootCause !== undefined ? { rootCause } : {}),
    ...(correctiveAction !== undefined ? { correctiveAction } : {}),
    ...(downtimeMinutes !== undefined ? { downtimeMinutes } : {}),
  };
  s.status = 'closed';
  s.closedAt = ctx.now;
  s.facts = { ...s.facts, ...added };
  const change: ChangeBody = {
    events: [
      {
        type: 'closed',
        actor: actorRef(actor),
        data: { by: actor.name, ...added, ...(note ? { note } : {}) },
        idempotencyKey: seqKey(s, ctx, 'closed'),
      },
    ],
    fields: { status: 'closed', closedAt: s.closedAt, ...added },
  };
  return { change, effects: {} };
});

export const cancel = transition<CancelInput>((s, { actor, reason }, ctx) => {
  if (s.status === 'closed' || s.status === 'cancelled')
    refuse(`case is ${s.status}; it cannot be cancelled`);
  s.status = 'cancelled';
  const tasks = closeOpenTasks(s, ctx);
  const change: ChangeBody = {
    events: [
      {
        type: 'cancelled',
        actor: actorRef(actor),
        data: { by: actor.name, reason },
        idempotencyKey: seqKey(s, ctx, 'cancelled'),
      },
    ],
    fields: { status: 'cancelled', cancelledAt: ctx.now, cancelReason: reason, currentStep: null },
    tasks,
  };
  return { change, effects: { cancelSop: true } };
});

export const reopen = transition<ReopenInput>((s, { actor, reason }, ctx) => {
  if (s.status !== 'resolved' && s.status !== 'closed')
    refuse(`case is ${s.status}; only a resolved or closed case can be reopened`);
  const since = s.closedAt ?? s.resolvedAt;
  if (since === null || Date.parse(ctx.now) - Date.parse(since) > ctx.reopenWindowMs)
    refuse('the reopen window has passed; report a recurrence instead');
  s.status = 'open';
  s.reopenCount += 1;
  s.reopenReason = reason;
  s.closedAt = null;
  s.resolvedAt = null;
  const change: ChangeBody = {
    events: [
      {
        type: 'reopened',
        actor: actorRef(actor),
        data: { by: actor.name, reason, episode: s.episode + 1 },
        idempotencyKey: seqKey(s, ctx, 'reopened'),
      },
    ],
    fields: {
      status: 'open',
      resolvedAt: null,
      closedAt: null,
      acknowledgedAt: null,
      reopenCount: s.reopenCount,
      currentStep: null,
    },
  };
  return { change, effects: {} };
});

export const mesEvent = transition<MesEventInput>((s, { actor, kind, data }, ctx) => {
  if (!mesEventAllowed(ctx.type, kind)) refuse(`a ${ctx.type} case does not take MES event ${kind}`);
  if (s.status === 'cancelled') refuse('case is cancelled');
  const event = {
    type: 'mes_event' as const,
    actor: actorRef(actor),
    data: { kind, ...(data ? { data } : {}) },
    idempotencyKey: seqKey(s, ctx, `mes:${kind}`),
  };
  if (!isActive(s.status) || !SOPS[ctx.type].clearingEvents.includes(kind))
    return { change: { events: [event] }, effects: {} };
  s.cleared = true;
  const minutes = data?.downtimeMinutes;
  return resolveCase(
    s,
    ctx,
    { kind: 'system', id: 'mes', name: actor.name },
    {
      resolution: `cleared by MES: ${kind}`,
      ...(typeof minutes === 'number' ? { downtimeMinutes: minutes } : {}),
    },
    [event],
  );
});

// ── changes the main flow makes ─────────────────────────────────────────────────────────────

/** The SOP finished and closes the loop itself. */
export const resolveBySop = transition<{ resolution: string; resolutionRef?: MessageRef }>(
  (s, { resolution, resolutionRef }, ctx) => {
    if (!isActive(s.status)) refuse(`case is ${s.status}; the SOP's resolve is moot`);
    const r = resolveCase(s, ctx, { kind: 'system', id: 'sop', name: 'Andon' }, { resolution });
    // The catalog message beside the English text: the edges render it in each reader's locale.
    const resolved = r.change?.events.at(-1);
    if (resolutionRef && resolved) resolved.data = { ...resolved.data, resolutionRef };
    return r;
  },
);

/** The SOP enters a step (live state, timeline); a step already journaled is not recorded again. */
export const markStep = transition<{ name: string }>((s, { name }, ctx) => {
  const journalKey = `step:${name}`;
  s.step = name;
  if (s.journal[journalKey]) return { change: null, effects: {} };
  s.journal[journalKey] = true;
  const change: ChangeBody = {
    events: [
      {
        type: 'sop_step',
        actor: 'system',
        data: { step: name },
        idempotencyKey: stepKey(s, ctx, journalKey),
      },
    ],
    fields: { currentStep: name },
  };
  return { change, effects: {} };
});

/** The resolve SLA ran out while the case was still active. */
export const breachSla = transition<{ top: LadderLevel }>((s, { top }, ctx) => {
  if (s.slaBreached || !isActive(s.status)) refuse(`case is ${s.status}; no SLA breach to record`);
  s.slaBreached = true;
  const change: ChangeBody = {
    events: [
      {
        type: 'sla_breached',
        actor: 'system',
        data: { deadline: s.slaDeadline, escalatedTo: top.level, role: top.targetRole },
        idempotencyKey: stepKey(s, ctx, 'sla-breached'),
      },
    ],
    fields: { slaBreached: true },
  };
  return { change, effects: {} };
});

/** The SOP failed for good: recorded, and a supervisor takes over. */
export const sopFailed = transition<{ error: string }>((s, { error }, ctx) => ({
  change: {
    events: [
      {
        type: 'sop_failed',
        actor: 'system',
        data: { step: s.step, error },
        idempotencyKey: stepKey(s, ctx, 'sop-failed'),
      },
    ],
  },
  effects: {},
}));
