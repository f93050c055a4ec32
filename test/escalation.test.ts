/** The escalation ladder as a pure state machine — no Temporal needed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LadderLevel } from '../domain/contracts/policy.js';
import { afterPage, onAck, onAckTimeout, startLadder } from '../workflows/case/ladder.js';

const ladder: LadderLevel[] = [
  { level: 0, targetRole: 'maintenance', channels: ['email'], ackTimeoutSeconds: 60 },
  { level: 1, targetRole: 'supervisor', channels: ['email'], ackTimeoutSeconds: 120 },
  { level: 2, targetRole: 'plant_manager', channels: ['email'], ackTimeoutSeconds: 300 },
];

describe('escalation ladder', () => {
  it('waits for the ack timeout of the level just paged', () => {
    const [s, action] = afterPage(ladder, startLadder(ladder), true);
    assert.equal(s.level, 0);
    assert.deepEqual(action, { kind: 'wait_ack', timeoutMs: 60_000 });
  });

  it('escalates one level when the ack timer runs out', () => {
    const [s1] = afterPage(ladder, startLadder(ladder), true);
    const [s2, action] = onAckTimeout(ladder, s1);
    assert.equal(s2.level, 1);
    assert.deepEqual(action, { kind: 'page', level: ladder[1], round: 0 });
    const [, wait] = afterPage(ladder, s2, true);
    assert.deepEqual(wait, { kind: 'wait_ack', timeoutMs: 120_000 });
  });

  it('skips a level nobody can be reached at without waiting', () => {
    const [s, action] = afterPage(ladder, startLadder(ladder), false);
    assert.equal(s.level, 1);
    assert.deepEqual(action, { kind: 'page', level: ladder[1], round: 0 });
  });

  it('stays at the top level, exhausted, when the top does not acknowledge', () => {
    let s = startLadder(ladder);
    [s] = onAckTimeout(ladder, s);
    [s] = onAckTimeout(ladder, s);
    const [top, action] = onAckTimeout(ladder, s);
    assert.equal(top.level, 2);
    assert.equal(top.exhausted, true);
    assert.deepEqual(action, { kind: 'wait_ack_forever' });
  });

  it('pages the top level again as often as the repeat count says', () => {
    let s = startLadder(ladder);
    [s] = onAckTimeout(ladder, s, 2);
    [s] = onAckTimeout(ladder, s, 2);
    const [r1, a1] = onAckTimeout(ladder, s, 2);
    assert.deepEqual(a1, { kind: 'page', level: ladder[2], round: 1 });
    const [r2, a2] = onAckTimeout(ladder, r1, 2);
    assert.deepEqual(a2, { kind: 'page', level: ladder[2], round: 2 });
    const [r3, a3] = onAckTimeout(ladder, r2, 2);
    assert.deepEqual(a3, { kind: 'wait_ack_forever' });
    assert.equal(r3.exhausted, true);
  });

  it('does not repeat a top level nobody can be reached at', () => {
    let s = startLadder(ladder);
    [s] = onAckTimeout(ladder, s, 3);
    [s] = onAckTimeout(ladder, s, 3);
    const [top, action] = afterPage(ladder, s, false, 3);
    assert.deepEqual(action, { kind: 'wait_ack_forever' });
    assert.equal(top.exhausted, true);
  });

  it('does nothing further once acknowledged', () => {
    const s = onAck(startLadder(ladder));
    assert.deepEqual(onAckTimeout(ladder, s)[1], { kind: 'done' });
    assert.deepEqual(afterPage(ladder, s, true)[1], { kind: 'done' });
  });

  it('refuses an empty ladder', () => {
    assert.throws(() => startLadder([]), /at least one level/);
  });
});
