/**
 * A frozen copy of the escalation ladder as the walking skeleton ran it (see ./flow.ts). Shared
 * modules may change for new cases; these functions may not, or legacy histories stop replaying.
 */
import type { LadderLevel } from '../../domain/contracts/policy.js';

export interface LegacyLadderState {
  level: number;
  acked: boolean;
  exhausted: boolean;
  round?: number;
}

export type LegacyLadderAction =
  | { kind: 'page'; level: LadderLevel; round: number }
  | { kind: 'wait_ack'; timeoutMs: number }
  | { kind: 'wait_ack_forever' }
  | { kind: 'done' };

export function startLadder(ladder: readonly LadderLevel[]): LegacyLadderState {
  if (ladder.length === 0) throw new Error('an escalation ladder needs at least one level');
  return { level: 0, acked: false, exhausted: false, round: 0 };
}

export function afterPage(
  ladder: readonly LadderLevel[],
  s: LegacyLadderState,
  paged: boolean,
): [LegacyLadderState, LegacyLadderAction] {
  if (s.acked) return [s, { kind: 'done' }];
  const current = ladder[s.level];
  if (!current) throw new Error(`ladder has no level ${s.level}`);
  if (paged) return [s, { kind: 'wait_ack', timeoutMs: current.ackTimeoutSeconds * 1000 }];
  return escalate(ladder, s);
}

export function onAckTimeout(
  ladder: readonly LadderLevel[],
  s: LegacyLadderState,
): [LegacyLadderState, LegacyLadderAction] {
  if (s.acked) return [s, { kind: 'done' }];
  return escalate(ladder, s);
}

export function onAck(s: LegacyLadderState): LegacyLadderState {
  return { ...s, acked: true };
}

// The skeleton never repeated the top level (its repeat count was always 0).
function escalate(
  ladder: readonly LadderLevel[],
  s: LegacyLadderState,
): [LegacyLadderState, LegacyLadderAction] {
  const next = ladder[s.level + 1];
  if (next)
    return [
      { ...s, level: s.level + 1, round: 0 },
      { kind: 'page', level: next, round: 0 },
    ];
  return [{ ...s, exhausted: true }, { kind: 'wait_ack_forever' }];
}
