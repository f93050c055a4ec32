/**
 * The one path every change of a case takes (workflows/case/changes.ts), with a fake recorder in
 * place of the applyChange activity: record first (and what a DataRejected refusal leaves behind),
 * serialisation, commits that keep what coroutines changed meanwhile, and the old apply-first order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import type { CaseChange } from '../activities/types.js';
import { CaseChanges, dataRejected } from '../workflows/case/changes.js';
import type { CarriedState, TaskState } from '../workflows/case/state.js';
import * as t from '../workflows/case/transitions.js';
import { ctx, staff, state, task } from './helpers/case-state.js';

/** A recorder whose calls the test completes (or fails) one by one. */
function fakeRecorder() {
  const pending: Array<{ change: CaseChange; ok: () => void; fail: (e: Error) => void }> = [];
  const recorded: CaseChange[] = [];
  return {
    pending,
    recorded,
    applyChange: (change: CaseChange) =>
      new Promise<void>((ok, fail) => {
        pending.push({
          change,
          ok: () => {
            recorded.push(change);
            ok();
          },
          fail,
        });
      }),
  };
}

const tick = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

const rejectedByDb = (): ActivityFailure =>
  new ActivityFailure(
    'Activity task failed',
    'applyChange',
    '7',
    RetryState.NON_RETRYABLE_FAILURE,
    'worker',
    ApplicationFailure.nonRetryable(
      'comment text contains a character the database cannot store',
      'DataRejected',
    ),
  );

function setup(recordFirst: boolean, st: CarriedState = state({ tasks: [task('repair')] })) {
  const rec = fakeRecorder();
  const log: string[] = [];
  const changes = new CaseChanges({
    caseId: 7,
    st,
    recordFirst,
    context: () => ctx(),
    applyChange: (c) => {
      log.push(`record ${c.events.map((e) => e.type).join('+')}`);
      return rec.applyChange(c);
    },
    cancelSop: () => log.push('cancelSop'),
    supervise: (x: TaskState) => log.push(`supervise ${x.key} g${x.gen} same=${x === st.tasks[0]}`),
  });
  return { st, rec, log, changes };
}

describe('record first', () => {
  it('commits a change only once it is recorded, then runs its effects', async () => {
    const { st, rec, log, changes } = setup(true);
    const done = changes.apply((s, c) => t.resolve(s, { actor: staff, resolution: 'fixed' }, c));
    await tick();
    assert.equal(st.status, 'open', 'not applied while the record is in flight');
    assert.deepEqual(log, ['record resolved']);
    rec.pending[0]!.ok();
    await done;
    assert.equal(st.status, 'resolved');
    assert.equal(st.tasks[0]?.status, 'cancelled');
    assert.deepEqual(log, ['record resolved', 'cancelSop']);
  });

  it('refuses a change the database rejects, leaves the state untouched, and still takes an ack', async () => {
    const { st, rec, changes } = setup(true);
    const before = JSON.stringify(st);
    const comment = changes.apply((s, c) => t.comment(s, { actor: staff, text: 'a\u0000b' }, c));
    await tick();
    rec.pending[0]!.fail(rejectedByDb());
    await assert.rejects(comment, (err: ApplicationFailure) => {
      assert.equal(err.type, 'Refused');
      assert.equal(err.nonRetryable, true);
      assert.match(err.message, /not recorded, so not done: comment text contains a character/);
      return true;
    });
    assert.equal(JSON.stringify(st), before, 'nothing applied, no key consumed');

    const ack = changes.apply((s, c) => t.ack(s, { actor: staff }, c));
    await tick();
    assert.equal(rec.pending[1]?.change.events[0]?.idempotencyKey, 'case-7:s5:acked');
    rec.pending[1].ok();
    await ack;
    assert.equal(st.status, 'acknowledged');
    assert.deepEqual(
      rec.recorded.map((c) => c.events[0]?.type),
      ['acked'],
    );
  });

  it('passes on any other failure of the record without applying the change', async () => {
    const { st, rec, changes } = setup(true);
    const ack = changes.apply((s, c) => t.ack(s, { actor: staff }, c));
    await tick();
    rec.pending[0]!.fail(new Error('connection reset'));
    await assert.rejects(ack, /connection reset/);
    assert.equal(st.status, 'open');
  });

  it('serialises changes: each is computed on the state the previous one committed', async () => {
    const { st, rec, changes } = setup(true);
    const first = changes.apply((s, c) => t.resolve(s, { actor: staff, resolution: 'one' }, c));
    const second = changes.apply((s, c) => t.resolve(s, { actor: staff, resolution: 'two' }, c));
    const comment = changes.apply((s, c) => t.comment(s, { actor: staff, text: 'after' }, c));
    await tick();
    assert.equal(rec.pending.length, 1, 'the second waits for the first');
    rec.pending[0]!.ok();
    await first;
    await assert.rejects(second, /case is resolved; only an open or acknowledged case can be resolved/);
    await tick();
    assert.equal(rec.pending[1]?.change.events[0]?.idempotencyKey, 'case-7:s6:comment');
    rec.pending[1].ok();
    await comment;
    assert.equal(st.facts.resolution, 'one');
  });

  it('answers a refusal to the main flow instead of throwing', async () => {
    const { changes } = setup(true, state({ status: 'resolved' }));
    const r = await changes.attempt((s, c) => t.breachSla(s, { top: ctx().ladder[1]! }, c));
    assert.ok('refused' in r);
  });

  it('keeps what coroutines changed on the live task while the change was being recorded', async () => {
    const { st, rec, changes } = setup(true);
    const live = st.tasks[0]!;
    const ack = changes.apply((s, c) => t.ack(s, { actor: staff, taskKey: 'repair' }, c));
    await tick();
    // Meanwhile the ladder escalated and the page reached someone else.
    live.ladder = { ...live.ladder, level: 1 };
    live.assignees = [{ personId: 9, name: 'Sue' }];
    st.journal['page:repair:g0:l1:r0'] = true;
    rec.pending[0]!.ok();
    await ack;
    assert.equal(st.tasks[0], live, 'the same object coroutines hold');
    assert.deepEqual(live.ladder, { level: 1, acked: true, exhausted: false, round: 0 });
    assert.deepEqual(live.assignees, [{ personId: 9, name: 'Sue' }]);
    assert.equal(live.status, 'acked');
    assert.equal(st.journal['page:repair:g0:l1:r0'], true);
  });

  it('starts a reassigned task ladder on the committed task, after the record', async () => {
    const { rec, log, changes } = setup(true);
    const moved = changes.apply((s, c) => t.reassign(s, { actor: staff, role: 'supervisor' }, c));
    await tick();
    rec.pending[0]!.ok();
    await moved;
    assert.deepEqual(log, ['record reassigned', 'supervise repair g1 same=true']);
  });
});

describe('apply first (runs recorded before andon-record-first)', () => {
  it('applies at once and ends the SOP before the record, as those runs did', async () => {
    const { st, rec, log, changes } = setup(false);
    const done = changes.apply((s, c) => t.resolve(s, { actor: staff, resolution: 'fixed' }, c));
    assert.equal(st.status, 'resolved', 'applied synchronously');
    await tick();
    assert.deepEqual(log, ['cancelSop', 'record resolved']);
    rec.pending[0]!.ok();
    await done;
  });

  it('queues records in the order the changes were decided', async () => {
    const { rec, changes } = setup(false);
    const a = changes.apply((s, c) => t.ack(s, { actor: staff }, c));
    const b = changes.apply((s, c) => t.comment(s, { actor: staff, text: 'x' }, c));
    await tick();
    assert.equal(rec.pending.length, 1);
    rec.pending[0]!.ok();
    await a;
    await tick();
    rec.pending[1]!.ok();
    await b;
    assert.deepEqual(
      rec.recorded.map((c) => c.events[0]?.idempotencyKey),
      ['case-7:s5:acked', 'case-7:s6:comment'],
    );
  });

  it('leaves a change applied when its record fails: the wedge record-first removes', async () => {
    const { st, rec, changes } = setup(false);
    const ack = changes.apply((s, c) => t.ack(s, { actor: staff }, c));
    await tick();
    rec.pending[0]!.fail(rejectedByDb());
    await assert.rejects(ack);
    assert.equal(st.status, 'acknowledged');
  });
});

describe('dataRejected', () => {
  it('reads the reason of a DataRejected activity failure, and nothing else', () => {
    assert.match(dataRejected(rejectedByDb()) ?? '', /cannot store/);
    assert.equal(dataRejected(new Error('x')), null);
    assert.equal(dataRejected(ApplicationFailure.nonRetryable('no', 'ErpRejected')), null);
  });
});
