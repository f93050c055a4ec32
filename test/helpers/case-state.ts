/** Builders of case workflow state for unit tests of the transitions (no Temporal). */
import type { LadderLevel } from '../../domain/contracts/policy.js';
import type { Actor } from '../../domain/contracts/actions.js';
import { startLadder } from '../../workflows/case/ladder.js';
import type { CarriedState, TaskState } from '../../workflows/case/state.js';
import type { TransitionContext } from '../../workflows/case/transitions.js';

export const NOW = '2030-01-07T08:00:00.000Z';
export const WF = 'case-7';

export const LADDER: LadderLevel[] = [
  { level: 0, targetRole: 'maintenance', channels: ['email'], ackTimeoutSeconds: 60 },
  { level: 1, targetRole: 'supervisor', channels: ['email'], ackTimeoutSeconds: 120 },
];

export const ctx = (over: Partial<TransitionContext> = {}): TransitionContext => ({
  workflowId: WF,
  caseId: 7,
  type: 'equipment_fault',
  now: NOW,
  ladder: LADDER,
  reopenWindowMs: 3600_000,
  ...over,
});

export const person = (id: number, name = `Person ${id}`): Actor => ({
  kind: 'person',
  id: String(id),
  name,
});
export const staff: Actor = { kind: 'api_key', id: '3', name: 'staff key' };
export const mes: Actor = { kind: 'mes', id: '1', name: 'MES' };

export function task(key: string, over: Partial<TaskState> = {}): TaskState {
  return {
    key,
    role: 'maintenance',
    personId: null,
    title: `do ${key}`,
    options: [{ id: 'done', label: 'Done' }],
    askEta: false,
    status: 'open',
    taskId: 10,
    ladder: startLadder(LADDER),
    gen: 0,
    ackDeadline: '2030-01-07T08:01:00.000Z',
    assignees: [{ personId: 1, name: 'Li Wei' }],
    eta: null,
    etaMissed: [],
    result: null,
    openedAt: NOW,
    pendingReason: null,
    ...over,
  };
}

export function state(over: Partial<CarriedState> = {}): CarriedState {
  return {
    episode: 0,
    seq: 4,
    status: 'open',
    step: 'repair',
    journal: { 'step:repair': true },
    tasks: [],
    facts: {},
    slaBreached: false,
    slaDeadline: '2030-01-07T12:00:00.000Z',
    cleared: false,
    reopenCount: 0,
    reopenReason: null,
    closedAt: null,
    resolvedAt: null,
    runs: 0,
    ...over,
  };
}

/** Freezes a state deeply: a transition that mutated its input would throw. */
export function frozen<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) frozen(x);
    Object.freeze(v);
  }
  return v;
}
