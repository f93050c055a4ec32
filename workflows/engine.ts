/**
 * The case engine: runs a case's SOP with its human tasks and escalation ladders, takes the human
 * and MES actions as updates, watches the resolve SLA, and keeps the history short with
 * continue-as-new. Deterministic code only: all I/O goes through activities.
 *
 * Durability model: every SOP step (system action, task answer, page) is recorded in a journal
 * keyed by the step's name. After a continue-as-new the SOP runs again from the top; steps in the
 * journal return their recorded result at once, and a step that was in flight runs again with the
 * same idempotency key, so nothing is created or sent twice.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { ErpDocument, StockLevel } from '../activities/erp/types.js';
import type { CaseActivities, CaseChange, PageReason, TaskChange } from '../activities/types.js';
import type { FactsByType } from '../domain/contracts/case.js';
import { DEFAULT_SOP_PARAMS, type LadderLevel, type SopParams } from '../domain/contracts/policy.js';
import { checkDecisionData, type TaskResult } from '../domain/contracts/tasks.js';
import type { CaseStatus } from '../domain/model.js';
import { afterPage, onAck, onAckTimeout, startLadder, type LadderAction } from './escalation.js';
import {
  ackUpdate,
  actorRef,
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
  type Actor,
  type CancelInput,
  type CaseState,
  type ReopenInput,
  type ResolveInput,
  type TaskView,
} from './messages.js';
import type { SopContext, SopOutcome, TaskSpec } from './sop/context.js';
import { mesEventAllowed, SOPS } from './sop/index.js';
import type { CarriedState, CaseOutcome, CaseWorkflowInput, TaskState } from './types.js';

/** Attempts for a page before the workflow records it as failed and carries on up the ladder. */
const PAGE_MAX_ATTEMPTS = 5;

const ACTIVE: readonly CaseStatus[] = ['open', 'acknowledged'];

function refuse(reason: string): never {
  throw ApplicationFailure.create({ type: 'Refused', message: reason, nonRetryable: true });
}

const errorMessage = (err: unknown): string => {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
};

function initialState(input: CaseWorkflowInput, openedAt: string): CarriedState {
  return {
    episode: 0,
    seq: 0,
    status: 'open',
    step: null,
    journal: {},
    tasks: [],
    facts: {},
    slaBreached: false,
    slaDeadline: new Date(Date.parse(openedAt) + input.policy.resolveSlaSeconds * 1000).toISOString(),
    cleared: false,
    reopenCount: 0,
    reopenReason: null,
    closedAt: null,
    resolvedAt: null,
    runs: 0,
  };
}

export async function runCase(input: CaseWorkflowInput): Promise<CaseOutcome> {
  const { workflowId } = workflowInfo();
  const caseId = input.caseId;
  const params: SopParams = { ...DEFAULT_SOP_PARAMS, ...input.sop };
  const ladder = input.policy.ladder;
  const repeatCount = input.policy.repeatCount ?? 0;
  const openedAt = input.openedAt ?? new Date().toISOString();
  const st: CarriedState = input.carried ?? initialState(input, openedAt);

  const db = proxyActivities<CaseActivities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });
  const paging = proxyActivities<CaseActivities>({
    startToCloseTimeout: '2 minutes',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '30 seconds',
      maximumAttempts: PAGE_MAX_ATTEMPTS,
    },
  });
  const erp = proxyActivities<CaseActivities>({
    startToCloseTimeout: `${params.erpTimeoutSeconds} seconds`,
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '30 seconds',
      maximumAttempts: params.erpMaxAttempts,
      nonRetryableErrorTypes: ['ErpRejected'],
    },
  });

  /** Stable key of a named step in this episode: the same in every run, so retries and re-runs match. */
  const stepKey = (name: string): string => `${workflowId}:e${st.episode}:${name}`;
  /** Key of a repeatable event (comments, acks…), unique by sequence. */
  const seqKey = (name: string): string => `${workflowId}:s${++st.seq}:${name}`;
  const now = (): string => new Date().toISOString();
  const active = (): boolean => ACTIVE.includes(st.status);

  let sopScope: CancellationScope | null = null;

  // ── live state ─────────────────────────────────────────────────────────────────────────────
  const taskView = (t: TaskState): TaskView => ({
    key: t.key,
    role: t.role,
    title: t.title,
    status: t.status,
    level: t.ladder.level,
    assignees: t.assignees,
    ackDeadline: t.status === 'open' ? t.ackDeadline : null,
    eta: t.eta,
    options: t.options,
    result: t.result,
  });
  const view = (): CaseState => {
    const unacked = st.tasks
      .filter((t) => t.status === 'open' && t.ackDeadline !== null)
      .map((t) => t.ackDeadline!);
    return {
      caseId,
      type: input.type,
      severity: input.severity,
      status: st.status,
      step: st.step,
      escalationLevel: st.tasks.reduce((m, t) => Math.max(m, t.ladder.level), 0),
      ackDeadline: unacked.length > 0 ? unacked.sort()[0]! : null,
      slaDeadline: st.slaDeadline,
      slaBreached: st.slaBreached,
      tasks: st.tasks.map(taskView),
    };
  };

  // ── writes ─────────────────────────────────────────────────────────────────────────────────
  /**
   * Case writes are applied one after another, in the order the workflow decided them: an update
   * handler and the main flow may both write in one workflow task, and the row must end in the
   * later state (e.g. an ack and the resolve it triggers).
   */
  let writes: Promise<void> = Promise.resolve();
  const write = (change: Omit<CaseChange, 'caseId'>): Promise<void> => {
    const next = writes.then(() => db.applyChange({ caseId, ...change }));
    writes = next.catch(() => undefined);
    return next;
  };

  /** Background coroutines must never fail the workflow: cancellation is normal, anything else is logged. */
  const background = (p: Promise<unknown>): void => {
    p.catch((err: unknown) => {
      if (!isCancellation(err)) log.error('background step failed', { caseId, error: errorMessage(err) });
    });
  };

  /** Ladder of a task: the policy's ladder with level 0 paging the task's own role. */
  const ladderOf = (t: TaskState): LadderLevel[] =>
    ladder.map((l, i) => (i === 0 ? { ...l, targetRole: t.role } : l));

  async function page(
    t: TaskState | null,
    level: LadderLevel,
    reason: PageReason,
    key: string,
  ): Promise<boolean> {
    const ackDeadline = t ? new Date(Date.now() + level.ackTimeoutSeconds * 1000).toISOString() : null;
    if (t) t.ackDeadline = ackDeadline;
    try {
      const result = await paging.pageLevel({
        caseId,
        line: input.line,
        level,
        reason,
        idempotencyKey: key,
        ackDeadline,
        maxAttempts: PAGE_MAX_ATTEMPTS,
        ...(t && t.taskId !== null ? { taskId: t.taskId, taskKey: t.key, taskTitle: t.title } : {}),
        ...(t && t.personId !== null && level.level === 0 ? { personId: t.personId } : {}),
        recordEscalation: reason !== 'opened' && reason !== 'reassigned',
      });
      if (t && result.recipients && result.recipients.length > 0) t.assignees = result.recipients;
      return result.skippedReason === null && result.sent > 0;
    } catch (err) {
      if (isCancellation(err)) throw err;
      // Paging kept failing (e.g. the database was unreachable every time): record it, move on.
      await db.recordEvent({
        caseId,
        type: 'notification_failed',
        actor: 'system',
        data: { level: level.level, role: level.targetRole, task: t?.key ?? null, error: errorMessage(err) },
        idempotencyKey: `${key}:failed`,
      });
      return false;
    }
  }

  /** The escalation ladder of one task, until it is acknowledged, answered, reassigned or the case ends. */
  async function runLadder(t: TaskState): Promise<void> {
    const gen = t.gen;
    const alive = (): boolean => t.status === 'open' && t.gen === gen && active();
    const lad = ladderOf(t);
    let reason: PageReason = t.pendingReason ?? (t.gen > 0 ? 'reassigned' : 'opened');
    let action: LadderAction = { kind: 'page', level: lad[t.ladder.level]!, round: t.ladder.round ?? 0 };
    if (t.ladder.exhausted) action = { kind: 'wait_ack_forever' };
    while (alive()) {
      if (action.kind === 'page') {
        const journalKey = `page:${t.key}:g${gen}:l${t.ladder.level}:r${action.round}`;
        let reached = st.journal[journalKey] as boolean | undefined;
        if (reached === undefined) {
          t.pendingReason = reason;
          reached = await page(t, action.level, reason, stepKey(journalKey));
          st.journal[journalKey] = reached;
          t.pendingReason = null;
        }
        if (!alive()) return;
        [t.ladder, action] = afterPage(lad, t.ladder, reached, repeatCount);
        if (action.kind === 'page') reason = 'nobody_reachable';
      } else if (action.kind === 'wait_ack') {
        const deadline = t.ackDeadline ? Date.parse(t.ackDeadline) : Date.now() + action.timeoutMs;
        if (await condition(() => !alive(), Math.max(0, deadline - Date.now()))) return;
        const wasTop = t.ladder.level === lad.length - 1;
        [t.ladder, action] = onAckTimeout(lad, t.ladder, repeatCount);
        reason = wasTop ? 'repeat' : 'ack_timeout';
      } else {
        t.ackDeadline = null;
        await condition(() => !alive());
        return;
      }
    }
  }

  /** After an ack: each ETA the assignee gives that passes unanswered re-escalates one level. */
  async function watchEta(t: TaskState): Promise<void> {
    const lad = ladderOf(t);
    const watching = (): boolean => t.status === 'acked' && active();
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
      const key = stepKey(`eta-missed:${t.key}:${eta}`);
      await db.recordEvent({
        caseId,
        type: 'eta_missed',
        actor: 'system',
        data: { task: t.key, eta, escalatedTo: next, role: lad[next]!.targetRole },
        idempotencyKey: key,
      });
      await page(
        t.status === 'acked' ? { ...t, ackDeadline: null } : t,
        lad[next]!,
        'eta_missed',
        `${key}:page`,
      );
    }
  }

  const supervise = (t: TaskState): void => {
    background(
      (async () => {
        await runLadder(t);
        await watchEta(t);
      })(),
    );
  };

  // ── SOP building blocks ────────────────────────────────────────────────────────────────────
  async function humanTask(spec: TaskSpec): Promise<TaskResult> {
    const journalKey = `task:${spec.key}`;
    const done = st.journal[journalKey] as TaskResult | undefined;
    if (done) return done;
    let t = st.tasks.find((x) => x.key === spec.key);
    if (!t) {
      t = {
        key: spec.key,
        role: spec.role,
        personId: null,
        title: spec.title,
        options: spec.options,
        askEta: spec.askEta ?? false,
        status: 'open',
        taskId: null,
        ladder: startLadder(ladder),
        gen: 0,
        ackDeadline: null,
        assignees: [],
        eta: null,
        etaMissed: [],
        result: null,
        openedAt: now(),
        pendingReason: null,
      };
      st.tasks.push(t);
    }
    const task = t;
    if (task.taskId === null) {
      task.taskId = await db.openTask({
        caseId,
        idempotencyKey: stepKey(`task:${task.key}`),
        taskKey: task.key,
        role: task.role,
        title: task.title,
        options: task.options,
      });
    }
    if (task.status === 'open' || task.status === 'acked') supervise(task);
    await condition(() => task.status === 'done' || task.status === 'cancelled');
    if (task.status === 'cancelled' || !task.result)
      throw ApplicationFailure.nonRetryable(`task ${task.key} was cancelled`);
    st.journal[journalKey] = task.result;
    return task.result;
  }

  async function markStep(name: string): Promise<void> {
    const journalKey = `step:${name}`;
    st.step = name;
    if (st.journal[journalKey]) return;
    await write({
      events: [
        { type: 'sop_step', actor: 'system', data: { step: name }, idempotencyKey: stepKey(journalKey) },
      ],
      fields: { currentStep: name },
    });
    st.journal[journalKey] = true;
  }

  const ctx: SopContext<typeof input.type> = {
    caseId,
    type: input.type,
    severity: input.severity,
    line: input.line,
    station: input.station ?? null,
    title: input.title,
    openedAt,
    facts: (input.details ?? {}) as unknown as FactsByType[typeof input.type],
    params,
    step: markStep,
    async stock(step, itemCode, excludeLocation) {
      const journalKey = `stock:${step}`;
      if (journalKey in st.journal) return st.journal[journalKey] as StockLevel[];
      const levels = await erp.erpStock({ caseId, itemCode, excludeLocation });
      st.journal[journalKey] = levels;
      return levels;
    },
    async erp(step, request) {
      const journalKey = `erp:${step}`;
      if (journalKey in st.journal) return st.journal[journalKey] as ErpDocument;
      const doc = await erp.erpCreate({ caseId, stepKey: stepKey(journalKey), step, request });
      st.journal[journalKey] = doc;
      return doc;
    },
    task: humanTask,
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
      const childInput = await db.openLinkedCase({
        parentCaseId: caseId,
        link: step,
        type: request.type,
        severity: input.severity,
        line: input.line,
        title: request.title,
        details: request.details,
        idempotencyKey: stepKey(journalKey),
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

  /** Runs the SOP; a step that fails for good hands the case to a supervisor instead of dying. */
  async function runSop(): Promise<SopOutcome> {
    try {
      if (st.episode > 0) return await followUp();
      const sop = SOPS[input.type].procedure as (c: typeof ctx) => Promise<SopOutcome>;
      return await sop(ctx);
    } catch (err) {
      if (isCancellation(err)) throw err;
      const reason = errorMessage(err);
      await write({
        events: [
          {
            type: 'sop_failed',
            actor: 'system',
            data: { step: st.step, error: reason },
            idempotencyKey: stepKey('sop-failed'),
          },
        ],
      });
      const takeover = await humanTask({
        key: 'takeover',
        role: 'supervisor',
        title: `The SOP could not finish step "${st.step ?? 'start'}" (${reason}). Do it by hand, then resolve the case.`,
        options: [{ id: 'done_by_hand', label: 'Done by hand' }],
      });
      return { resolve: false, resolution: takeover.note };
    }
  }

  /** A reopened case: the responsible role finds out why it came back. */
  async function followUp(): Promise<SopOutcome> {
    await markStep('reopened_follow_up');
    const answer = await humanTask({
      key: 'follow_up',
      role: SOPS[input.type].reopenRole,
      title: `Case reopened${st.reopenReason ? `: ${st.reopenReason}` : ''}. Find out why, fix it, and resolve the case again.`,
      options: [{ id: 'fixed', label: 'Fixed again' }],
    });
    return { resolve: true, resolution: answer.note ?? 'fixed after reopening' };
  }

  // ── case-level transitions ─────────────────────────────────────────────────────────────────
  /** Ends the SOP's work: tasks not answered are cancelled. */
  function closeOpenTasks(): TaskChange[] {
    sopScope?.cancel();
    const changes: TaskChange[] = [];
    for (const t of st.tasks) {
      if (t.status === 'open' || t.status === 'acked') {
        t.status = 'cancelled';
        if (t.taskId !== null) changes.push({ taskId: t.taskId, status: 'cancelled', doneAt: now() });
      }
    }
    return changes;
  }

  async function resolveCase(
    actor: Actor,
    facts: { resolution: string; rootCause?: string; correctiveAction?: string; downtimeMinutes?: number },
    extraEvents: CaseChange['events'] = [],
  ): Promise<void> {
    st.status = 'resolved';
    st.resolvedAt = now();
    st.facts = {
      ...st.facts,
      resolution: facts.resolution,
      ...(facts.rootCause !== undefined ? { rootCause: facts.rootCause } : {}),
      ...(facts.correctiveAction !== undefined ? { correctiveAction: facts.correctiveAction } : {}),
      ...(facts.downtimeMinutes !== undefined ? { downtimeMinutes: facts.downtimeMinutes } : {}),
    };
    const tasks = closeOpenTasks();
    await write({
      events: [
        ...extraEvents,
        {
          type: 'resolved',
          actor: actorRef(actor),
          data: { by: actor.name, ...facts, cancelledTasks: tasks.length },
          idempotencyKey: seqKey('resolved'),
        },
      ],
      fields: {
        status: 'resolved',
        resolvedAt: st.resolvedAt,
        resolvedBy: actorRef(actor),
        resolution: facts.resolution,
        ...(facts.rootCause !== undefined ? { rootCause: facts.rootCause } : {}),
        ...(facts.correctiveAction !== undefined ? { correctiveAction: facts.correctiveAction } : {}),
        ...(facts.downtimeMinutes !== undefined ? { downtimeMinutes: facts.downtimeMinutes } : {}),
        currentStep: null,
      },
      tasks,
    });
  }

  /** Finds the task an action is about: the named one, or the only one that fits. */
  function pickTask(taskKey: string | undefined, fits: (t: TaskState) => boolean, what: string): TaskState {
    if (taskKey !== undefined) {
      const t = st.tasks.find((x) => x.key === taskKey);
      if (!t) refuse(`case ${caseId} has no task ${taskKey}`);
      if (!fits(t)) refuse(`task ${taskKey} is ${t.status}; it cannot ${what}`);
      return t;
    }
    const candidates = st.tasks.filter(fits);
    if (candidates.length === 0) refuse(`case ${caseId} has no task that can ${what}`);
    if (candidates.length > 1) {
      refuse(
        `case ${caseId} has ${candidates.length} tasks that can ${what}: name one with taskKey (${candidates.map((t) => t.key).join(', ')})`,
      );
    }
    return candidates[0]!;
  }

  const answerable = (t: TaskState): boolean => t.status === 'open' || t.status === 'acked';

  /** Acknowledges tasks (and the case, the first time); returns the changes to write. */
  function ackTasks(tasks: TaskState[], actor: Actor, note?: string): Omit<CaseChange, 'caseId'> | null {
    const at = now();
    const changes: TaskChange[] = [];
    for (const t of tasks) {
      if (t.status !== 'open') continue;
      t.status = 'acked';
      t.ladder = onAck(t.ladder);
      t.ackDeadline = null;
      if (t.taskId !== null)
        changes.push({ taskId: t.taskId, status: 'acked', ackedAt: at, ackedBy: actorRef(actor) });
    }
    const firstAck = st.status === 'open';
    if (changes.length === 0 && !firstAck) return null;
    if (firstAck) st.status = 'acknowledged';
    return {
      events: [
        {
          type: 'acked',
          actor: actorRef(actor),
          data: { by: actor.name, tasks: tasks.map((t) => t.key), ...(note ? { note } : {}) },
          idempotencyKey: seqKey('acked'),
        },
      ],
      fields: firstAck ? { status: 'acknowledged', acknowledgedAt: at, ackedBy: actorRef(actor) } : {},
      tasks: changes,
    };
  }

  // ── updates and query ──────────────────────────────────────────────────────────────────────
  setHandler(stateQuery, view);

  setHandler(
    ackUpdate,
    async ({ actor, taskKey, note }) => {
      const tasks =
        taskKey !== undefined
          ? [pickTask(taskKey, (t) => t.status === 'open', 'be acknowledged')]
          : st.tasks.filter((t) => t.status === 'open');
      const change = ackTasks(tasks, actor, note);
      if (change) await write(change);
      return view();
    },
    {
      validator: ({ taskKey }) => {
        if (!active()) refuse(`case is ${st.status}; only an open or acknowledged case can be acknowledged`);
        if (taskKey !== undefined) pickTask(taskKey, (t) => t.status === 'open', 'be acknowledged');
        else if (st.status !== 'open' && !st.tasks.some((t) => t.status === 'open')) {
          refuse('case is acknowledged and no task is waiting for an acknowledgement');
        }
      },
    },
  );

  setHandler(
    decideUpdate,
    async ({ actor, taskKey, option, data, note }) => {
      const t = pickTask(taskKey, (x) => answerable(x), 'take a decision');
      const ack = ackTasks([t], actor);
      const result: TaskResult = {
        option,
        data: data ?? {},
        by: actor.name,
        at: now(),
        ...(note ? { note } : {}),
      };
      t.status = 'done';
      t.result = result;
      await write({
        events: [
          ...(ack?.events ?? []),
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
            idempotencyKey: seqKey('decision'),
          },
        ],
        ...(ack?.fields ? { fields: ack.fields } : {}),
        tasks: [
          ...(ack?.tasks ?? []),
          ...(t.taskId !== null
            ? [{ taskId: t.taskId, status: 'done' as const, doneAt: result.at, result }]
            : []),
        ],
      });
      return view();
    },
    {
      validator: ({ taskKey, option, data }) => {
        if (!active()) refuse(`case is ${st.status}; decisions are taken while it is open or acknowledged`);
        const t = pickTask(taskKey, (x) => answerable(x), 'take a decision');
        const chosen = t.options.find((o) => o.id === option);
        if (!chosen)
          refuse(
            `task ${t.key} has no option ${option}; choose one of ${t.options.map((o) => o.id).join(', ')}`,
          );
        const problem = checkDecisionData(chosen, data ?? {});
        if (problem) refuse(problem);
      },
    },
  );

  setHandler(
    etaUpdate,
    async ({ actor, taskKey, eta }) => {
      const t = pickTask(taskKey, (x) => answerable(x), 'take an ETA');
      const ack = ackTasks([t], actor);
      t.eta = eta;
      await write({
        events: [
          ...(ack?.events ?? []),
          {
            type: 'eta_set',
            actor: actorRef(actor),
            data: { task: t.key, eta, by: actor.name },
            idempotencyKey: seqKey('eta'),
          },
        ],
        ...(ack?.fields ? { fields: ack.fields } : {}),
        tasks: [...(ack?.tasks ?? []), ...(t.taskId !== null ? [{ taskId: t.taskId, eta }] : [])],
      });
      return view();
    },
    {
      validator: ({ taskKey, eta }) => {
        if (!active()) refuse(`case is ${st.status}; an ETA is given while it is open or acknowledged`);
        pickTask(taskKey, (x) => answerable(x), 'take an ETA');
        if (!(Date.parse(eta) > Date.now())) refuse('eta must be in the future');
      },
    },
  );

  setHandler(
    commentUpdate,
    async ({ actor, text }) => {
      await write({
        events: [
          {
            type: 'comment',
            actor: actorRef(actor),
            data: { by: actor.name, text },
            idempotencyKey: seqKey('comment'),
          },
        ],
      });
      return view();
    },
    {
      validator: ({ text }) => {
        if (text.trim() === '') refuse('a comment needs text');
      },
    },
  );

  setHandler(
    reassignUpdate,
    async ({ actor, taskKey, role, person, reason }) => {
      const t = pickTask(taskKey, (x) => answerable(x), 'be reassigned');
      const from = { role: t.role, personId: t.personId };
      if (role) t.role = role;
      t.personId = person ? person.id : null;
      t.gen += 1;
      t.status = 'open';
      t.ladder = startLadder(ladder);
      t.ackDeadline = null;
      t.assignees = person ? [{ personId: person.id, name: person.name }] : [];
      t.pendingReason = 'reassigned';
      await write({
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
            idempotencyKey: seqKey('reassigned'),
          },
        ],
        ...(t.taskId !== null
          ? {
              tasks: [
                { taskId: t.taskId, status: 'open' as const, role: t.role, assigneePersonId: t.personId },
              ],
            }
          : {}),
      });
      supervise(t);
      return view();
    },
    {
      validator: ({ taskKey, role, person }) => {
        if (!active())
          refuse(`case is ${st.status}; only tasks of an open or acknowledged case can be reassigned`);
        if (!role && !person) refuse('reassign needs a role or a person');
        pickTask(taskKey, (x) => answerable(x), 'be reassigned');
      },
    },
  );

  setHandler(
    resolveUpdate,
    async ({ actor, resolution, rootCause, correctiveAction, downtimeMinutes }) => {
      await resolveCase(actor, {
        resolution,
        ...(rootCause !== undefined ? { rootCause } : {}),
        ...(correctiveAction !== undefined ? { correctiveAction } : {}),
        ...(downtimeMinutes !== undefined ? { downtimeMinutes } : {}),
      });
      return view();
    },
    {
      validator: (_: ResolveInput) => {
        if (!active()) refuse(`case is ${st.status}; only an open or acknowledged case can be resolved`);
      },
    },
  );

  /** What closing this type needs that the case does not have yet. */
  const missingForClose = (extra: {
    rootCause?: string;
    correctiveAction?: string;
    downtimeMinutes?: number;
  }): string[] => {
    const f = { ...st.facts, ...extra };
    return SOPS[input.type].closureNeeds.filter((need) => f[need] === undefined || f[need] === '');
  };

  setHandler(
    closeUpdate,
    async ({ actor, note, rootCause, correctiveAction, downtimeMinutes }) => {
      st.status = 'closed';
      st.closedAt = now();
      const added = {
        ...(rootCause !== undefined ? { rootCause } : {}),
        ...(correctiveAction !== undefined ? { correctiveAction } : {}),
        ...(downtimeMinutes !== undefined ? { downtimeMinutes } : {}),
      };
      st.facts = { ...st.facts, ...added };
      await write({
        events: [
          {
            type: 'closed',
            actor: actorRef(actor),
            data: { by: actor.name, ...added, ...(note ? { note } : {}) },
            idempotencyKey: seqKey('closed'),
          },
        ],
        fields: { status: 'closed', closedAt: st.closedAt, ...added },
      });
      return view();
    },
    {
      validator: (c) => {
        if (st.status !== 'resolved')
          refuse(`case is ${st.status}; it must be resolved before it can be closed`);
        const missing = missingForClose(c);
        if (missing.length > 0) refuse(`closing a ${input.type} case needs ${missing.join(' and ')}`);
      },
    },
  );

  setHandler(
    cancelUpdate,
    async ({ actor, reason }) => {
      st.status = 'cancelled';
      const tasks = closeOpenTasks();
      await write({
        events: [
          {
            type: 'cancelled',
            actor: actorRef(actor),
            data: { by: actor.name, reason },
            idempotencyKey: seqKey('cancelled'),
          },
        ],
        fields: { status: 'cancelled', cancelledAt: now(), cancelReason: reason, currentStep: null },
        tasks,
      });
      return view();
    },
    {
      validator: (_: CancelInput) => {
        if (st.status === 'closed' || st.status === 'cancelled')
          refuse(`case is ${st.status}; it cannot be cancelled`);
      },
    },
  );

  const reopenWindowMs = (input.policy.reopenWindowSeconds ?? 7 * 24 * 3600) * 1000;
  const reopenable = (): boolean => {
    const since = st.closedAt ?? st.resolvedAt;
    return since !== null && Date.now() - Date.parse(since) <= reopenWindowMs;
  };

  setHandler(
    reopenUpdate,
    async ({ actor, reason }) => {
      st.status = 'open';
      st.reopenCount += 1;
      st.reopenReason = reason;
      st.closedAt = null;
      st.resolvedAt = null;
      await write({
        events: [
          {
            type: 'reopened',
            actor: actorRef(actor),
            data: { by: actor.name, reason, episode: st.episode + 1 },
            idempotencyKey: seqKey('reopened'),
          },
        ],
        fields: {
          status: 'open',
          resolvedAt: null,
          closedAt: null,
          acknowledgedAt: null,
          reopenCount: st.reopenCount,
          currentStep: null,
        },
      });
      return view();
    },
    {
      validator: (_: ReopenInput) => {
        if (st.status !== 'resolved' && st.status !== 'closed')
          refuse(`case is ${st.status}; only a resolved or closed case can be reopened`);
        if (!reopenable()) refuse('the reopen window has passed; report a recurrence instead');
      },
    },
  );

  setHandler(
    mesEventUpdate,
    async ({ actor, kind, data }) => {
      const event = {
        type: 'mes_event' as const,
        actor: actorRef(actor),
        data: { kind, ...(data ? { data } : {}) },
        idempotencyKey: seqKey(`mes:${kind}`),
      };
      if (active() && SOPS[input.type].clearingEvents.includes(kind)) {
        st.cleared = true;
        const minutes = data?.downtimeMinutes;
        await resolveCase(
          { kind: 'system', id: 'mes', name: actor.name },
          {
            resolution: `cleared by MES: ${kind}`,
            ...(typeof minutes === 'number' ? { downtimeMinutes: minutes } : {}),
          },
          [event],
        );
      } else {
        await write({ events: [event] });
      }
      return view();
    },
    {
      validator: ({ kind }) => {
        if (!mesEventAllowed(input.type, kind))
          refuse(`a ${input.type} case does not take MES event ${kind}`);
        if (st.status === 'cancelled') refuse('case is cancelled');
      },
    },
  );

  // ── resolve SLA ────────────────────────────────────────────────────────────────────────────
  async function watchSla(): Promise<void> {
    if (st.slaBreached || st.slaDeadline === null) return;
    const deadline = st.slaDeadline;
    if (await condition(() => !active(), Math.max(0, Date.parse(deadline) - Date.now()))) return;
    st.slaBreached = true;
    const top = ladder[ladder.length - 1]!;
    await write({
      events: [
        {
          type: 'sla_breached',
          actor: 'system',
          data: { deadline, escalatedTo: top.level, role: top.targetRole },
          idempotencyKey: stepKey('sla-breached'),
        },
      ],
      fields: { slaBreached: true },
    });
    await page(null, top, 'sla_breached', stepKey('sla-breached:page'));
  }

  // ── main ───────────────────────────────────────────────────────────────────────────────────
  const info = () => workflowInfo();
  const shouldContinueAsNew = (): boolean =>
    info().historyLength > params.historyLimit || info().continueAsNewSuggested;

  async function continueNow(next: CarriedState): Promise<never> {
    await condition(allHandlersFinished);
    return continueAsNew<(i: CaseWorkflowInput) => Promise<CaseOutcome>>({
      ...input,
      openedAt,
      carried: { ...next, runs: next.runs + 1 },
    });
  }

  background(watchSla());

  if (active()) {
    const scope = new CancellationScope();
    sopScope = scope;
    let outcome: SopOutcome | null = null;
    let finished = false;
    background(
      scope
        .run(runSop)
        .then((o) => {
          outcome = o;
        })
        .finally(() => {
          finished = true;
        }),
    );
    await condition(() => finished || !active() || shouldContinueAsNew());
    if (!finished && active()) return continueNow(st);
    const result = outcome as SopOutcome | null;
    if (result?.resolve && active()) {
      await resolveCase(
        { kind: 'system', id: 'sop', name: 'Andon' },
        { resolution: result.resolution ?? 'SOP completed' },
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
      const windowLeft = st.closedAt ? Date.parse(st.closedAt) + reopenWindowMs - Date.now() : 0;
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
  return { caseId, status: st.status };
}
