/**
 * The case flow of the walking skeleton (before the SOP engine): page the responsible role,
 * escalate on ack timeouts, take ack / resolve / close. `caseWorkflow` runs it only for histories
 * without the `andon-sop-engine` patch marker, so that cases started by that version replay and
 * finish as they began. Do not change its commands.
 *
 * Frozen: it uses only its own copies (./ladder.ts, ./messages.ts, the key formats below) and
 * type-only imports, so a change to the shared case modules cannot break it silently.
 *
 * Retire it (docs/legacy-retirement.md) once no execution that could replay it is left: when no
 * open or closed-within-retention `caseWorkflow` run lacks the `andon-sop-engine` marker, replace
 * `patched('andon-sop-engine')` by `deprecatePatch('andon-sop-engine')`; after every run that
 * could still replay this branch is gone, delete this folder and the deprecatePatch call.
 */
import {
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseActivities } from '../../activities/types.js';
import type { PolicySnapshot } from '../../domain/contracts/policy.js';
import type { CaseStatus, ExceptionType, Severity } from '../../domain/model.js';
import {
  afterPage,
  onAck,
  onAckTimeout,
  startLadder,
  type LegacyLadderAction,
  type LegacyLadderState,
} from './ladder.js';
import {
  ackUpdate,
  actorRef,
  closeUpdate,
  refuse,
  resolveUpdate,
  stateQuery,
  type LegacyAckInput,
  type LegacyCaseState,
  type LegacyCloseInput,
  type LegacyResolveInput,
} from './messages.js';

/** What the skeleton read of its input (a subset of today's case workflow input). */
export interface LegacyCaseInput {
  caseId: number;
  type: ExceptionType;
  severity: Severity;
  line: string;
  policy: Pick<PolicySnapshot, 'ladder'>;
}

/** Attempts for a page before the workflow records it as failed and carries on up the ladder. */
const PAGE_MAX_ATTEMPTS = 5;

const acts = proxyActivities<Pick<CaseActivities, 'transitionCase' | 'recordEvent'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const paging = proxyActivities<Pick<CaseActivities, 'pageLevel'>>({
  startToCloseTimeout: '2 minutes',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: PAGE_MAX_ATTEMPTS,
  },
});

export async function legacyCaseFlow(
  input: LegacyCaseInput,
): Promise<{ caseId: number; status: CaseStatus }> {
  const { workflowId } = workflowInfo();
  const ladder = input.policy.ladder;
  let status: CaseStatus = 'open';
  let ladderState: LegacyLadderState = startLadder(ladder);
  let ackDeadline: string | null = null;
  let seq = 0;
  /** Deterministic, unique idempotency key for the next step of this case. */
  const stepKey = (name: string): string => `${workflowId}:${++seq}:${name}`;

  const view = (): LegacyCaseState => ({
    caseId: input.caseId,
    type: input.type,
    severity: input.severity,
    status,
    escalationLevel: ladderState.level,
    ackDeadline,
    step: null,
    slaDeadline: null,
    slaBreached: false,
    tasks: [],
  });

  setHandler(stateQuery, view);

  setHandler(
    ackUpdate,
    async ({ actor, note }) => {
      status = 'acknowledged';
      ladderState = onAck(ladderState);
      ackDeadline = null;
      await acts.transitionCase({
        caseId: input.caseId,
        from: ['open'],
        to: 'acknowledged',
        event: {
          caseId: input.caseId,
          type: 'acked',
          actor: actorRef(actor),
          data: { by: actor.name, level: ladderState.level, ...(note ? { note } : {}) },
          idempotencyKey: stepKey('acked'),
        },
      });
      return view();
    },
    {
      validator: (_input: LegacyAckInput) => {
        if (status !== 'open') refuse(`case is ${status}; only an open case can be acknowledged`);
      },
    },
  );

  setHandler(
    resolveUpdate,
    async ({ actor, resolution, rootCause }) => {
      const from = status;
      status = 'resolved';
      ladderState = onAck(ladderState);
      ackDeadline = null;
      await acts.transitionCase({
        caseId: input.caseId,
        from: [from],
        to: 'resolved',
        resolution,
        ...(rootCause ? { rootCause } : {}),
        event: {
          caseId: input.caseId,
          type: 'resolved',
          actor: actorRef(actor),
          data: { by: actor.name, resolution, ...(rootCause ? { rootCause } : {}) },
          idempotencyKey: stepKey('resolved'),
        },
      });
      return view();
    },
    {
      validator: (_input: LegacyResolveInput) => {
        if (status !== 'open' && status !== 'acknowledged') {
          refuse(`case is ${status}; only an open or acknowledged case can be resolved`);
        }
      },
    },
  );

  setHandler(
    closeUpdate,
    async ({ actor, note }) => {
      status = 'closed';
      await acts.transitionCase({
        caseId: input.caseId,
        from: ['resolved'],
        to: 'closed',
        event: {
          caseId: input.caseId,
          type: 'closed',
          actor: actorRef(actor),
          data: { by: actor.name, ...(note ? { note } : {}) },
          idempotencyKey: stepKey('closed'),
        },
      });
      return view();
    },
    {
      validator: (_input: LegacyCloseInput) => {
        if (status !== 'resolved') refuse(`case is ${status}; it must be resolved before it can be closed`);
      },
    },
  );

  // The escalation ladder: page, wait for an ack, escalate on timeout, until acknowledged.
  let action: LegacyLadderAction = { kind: 'page', level: ladder[0]!, round: 0 };
  let reason: 'opened' | 'ack_timeout' | 'nobody_reachable' = 'opened';
  while (status === 'open' && action.kind !== 'done') {
    if (action.kind === 'page') {
      const level = action.level;
      if (reason !== 'opened') {
        await acts.recordEvent({
          caseId: input.caseId,
          type: 'escalated',
          actor: 'system',
          data: { toLevel: level.level, role: level.targetRole, reason },
          idempotencyKey: stepKey('escalated'),
        });
      }
      ackDeadline = new Date(Date.now() + level.ackTimeoutSeconds * 1000).toISOString();
      const pageKey = stepKey(`page-l${level.level}`);
      let reached: boolean;
      try {
        const result = await paging.pageLevel({
          caseId: input.caseId,
          line: input.line,
          level,
          reason,
          idempotencyKey: pageKey,
          ackDeadline,
          maxAttempts: PAGE_MAX_ATTEMPTS,
        });
        reached = result.skippedReason === null && result.sent > 0;
      } catch (err) {
        // Paging itself kept failing (e.g. the database was unreachable for every attempt):
        // record it and treat this level as unreachable, so the ladder still moves on.
        await acts.recordEvent({
          caseId: input.caseId,
          type: 'notification_failed',
          actor: 'system',
          data: {
            level: level.level,
            role: level.targetRole,
            error: err instanceof Error ? err.message : String(err),
          },
          idempotencyKey: `${pageKey}:failed`,
        });
        reached = false;
      }
      [ladderState, action] = afterPage(ladder, ladderState, reached);
      if (action.kind === 'page') reason = 'nobody_reachable';
    } else if (action.kind === 'wait_ack') {
      const acked = await condition(() => status !== 'open', action.timeoutMs);
      if (acked) break;
      [ladderState, action] = onAckTimeout(ladder, ladderState);
      reason = 'ack_timeout';
    } else {
      ackDeadline = null;
      await condition(() => status !== 'open');
    }
  }

  await condition(() => status === 'closed' || status === 'cancelled');
  await condition(allHandlersFinished);
  return { caseId: input.caseId, status };
}
