/**
 * The escalation ladder as a pure state machine: no Temporal, no I/O, so it is unit-testable.
 * The workflow feeds it what happened (a page went out, nobody could be paged, the ack timer fired,
 * someone acknowledged) and it answers what to do next. (A missed resolve SLA pages the top level
 * directly: see ./sla.ts.)
 */
import type { LadderLevel } from '../../domain/contracts/policy.js';

export interface LadderState {
  /** Index into the ladder of the level currently paged. */
  level: number;
  acked: boolean;
  /** True once the top level has been paged (and repeated) and its timer ran out. */
  exhausted: boolean;
  /** How many times the current level was paged again (repeats at the top level). */
  round?: number;
}

export type LadderAction =
  | { kind: 'page'; level: LadderLevel; round: number }
  | { kind: 'wait_ack'; timeoutMs: number }
  | { kind: 'wait_ack_forever' }
  | { kind: 'done' };

export function startLadder(ladder: readonly LadderLevel[]): LadderState {
  if (ladder.length === 0) throw new Error('an escalation ladder needs at least one level');
  return { level: 0, acked: false, exhausted: false, round: 0 };
}

/** What to do after paging the current level (`paged` = somebody could be reached). */
export function afterPage(
  ladder: readonly LadderLevel[],
  s: LadderState,
  paged: boolean,
  repeatCount = 0,
): [LadderState, LadderAction] {
  if (s.acked) return [s, { kind: 'done' }];
  const current = ladder[s.level];
  if (!current) throw new Error(`ladder has no level ${s.level}`);
  if (paged) return [s, { kind: 'wait_ack', timeoutMs: current.ackTimeoutSeconds * 1000 }];
  // Nobody reachable at this level: move on at once rather than wait out a timer nobody can answer.
  return escalate(ladder, s, repeatCount, false);
}

/** The ack timer of the current level ran out. */
export function onAckTimeout(
  ladder: readonly LadderLevel[],
  s: LadderState,
  repeatCount = 0,
): [LadderState, LadderAction] {
  if (s.acked) return [s, { kind: 'done' }];
  return escalate(ladder, s, repeatCount, true);
}

export function onAck(s: LadderState): LadderState {
  return { ...s, acked: true };
}

function escalate(
  ladder: readonly LadderLevel[],
  s: LadderState,
  repeatCount: number,
  timedOut: boolean,
): [LadderState, LadderAction] {
  const next = ladder[s.level + 1];
  if (next)
    return [
      { ...s, level: s.level + 1, round: 0 },
      { kind: 'page', level: next, round: 0 },
    ];
  const round = s.round ?? 0;
  // At the top: page it again while repeats remain (only after a real timeout, not an unreachable top).
  if (timedOut && round < repeatCount) {
    return [
      { ...s, round: round + 1 },
      { kind: 'page', level: ladder[s.level]!, round: round + 1 },
    ];
  }
  return [{ ...s, exhausted: true }, { kind: 'wait_ack_forever' }];
}
