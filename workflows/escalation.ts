/**
 * The escalation ladder as a pure state machine: no Temporal, no I/O, so it is unit-testable.
 * The workflow feeds it what happened (a page went out, nobody could be paged, the ack timer fired,
 * someone acknowledged) and it answers what to do next.
 */
import type { LadderLevel } from '../domain/model.js';

export interface LadderState {
  /** Index into the ladder of the level currently paged. */
  level: number;
  acked: boolean;
  /** True once the top level has been paged and its timer ran out: nothing further to escalate to. */
  exhausted: boolean;
}

export type LadderAction =
  | { kind: 'page'; level: LadderLevel }
  | { kind: 'wait_ack'; timeoutMs: number }
  | { kind: 'wait_ack_forever' }
  | { kind: 'done' };

export function startLadder(ladder: readonly LadderLevel[]): LadderState {
  if (ladder.length === 0) throw new Error('an escalation ladder needs at least one level');
  return { level: 0, acked: false, exhausted: false };
}

/** What to do after paging the current level (`paged` = somebody could be reached). */
export function afterPage(
  ladder: readonly LadderLevel[],
  s: LadderState,
  paged: boolean,
): [LadderState, LadderAction] {
  if (s.acked) return [s, { kind: 'done' }];
  const current = ladder[s.level];
  if (!current) throw new Error(`ladder has no level ${s.level}`);
  if (paged) return [s, { kind: 'wait_ack', timeoutMs: current.ackTimeoutSeconds * 1000 }];
  // Nobody reachable at this level: move on at once rather than wait out a timer nobody can answer.
  return escalate(ladder, s);
}

/** The ack timer of the current level ran out. */
export function onAckTimeout(ladder: readonly LadderLevel[], s: LadderState): [LadderState, LadderAction] {
  if (s.acked) return [s, { kind: 'done' }];
  return escalate(ladder, s);
}

export function onAck(s: LadderState): LadderState {
  return { ...s, acked: true };
}

function escalate(ladder: readonly LadderLevel[], s: LadderState): [LadderState, LadderAction] {
  const next = ladder[s.level + 1];
  if (!next) return [{ ...s, exhausted: true }, { kind: 'wait_ack_forever' }];
  return [
    { ...s, level: s.level + 1 },
    { kind: 'page', level: next },
  ];
}
