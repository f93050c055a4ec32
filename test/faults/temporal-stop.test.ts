/**
 * Fault: Temporal stopped while the MES keeps posting. 10 cases open normally; Temporal (the suite's
 * own dev server) is stopped; 30 more are posted and each is accepted as pending (202,
 * `pending_start`, api/report-case.ts); Temporal is started again on the same port and state file,
 * and the API's reconciler (api/reconciler.ts) starts every pending case — each exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { tally, type Posted } from '../helpers/tally.js';
import { faultBody, say, startStack, waitForPages, type Stack } from './stack.js';

let s: Stack;

before(async () => {
  s = await startStack();
});
after(async () => {
  await s?.stop();
});

it('Temporal stopped: reports are accepted as pending, and all start once it is back', async () => {
  const worker = await s.startWorker();
  const posted: Posted[] = [];
  for (let n = 0; n < 10; n++) posted.push(await s.post(faultBody('tstop', n)));
  assert.deepEqual(
    posted.map((p) => p.status),
    Array<number>(10).fill(201),
  );
  await waitForPages(s.db, 'tstop', 10);

  await s.stopTemporal();
  say('Temporal stopped');
  const took: number[] = [];
  const during = await Promise.all(
    Array.from({ length: 30 }, async (_, n) => {
      const t0 = Date.now();
      const p = await s.post(faultBody('tstop', 10 + n));
      took.push(Date.now() - t0);
      return p;
    }),
  );
  posted.push(...during);
  say(`30 reports posted while Temporal was down, answered in ${Math.min(...took)}–${Math.max(...took)} ms`);
  assert.deepEqual(
    during.map((p) => p.status),
    Array<number>(30).fill(202),
    'accepted as pending while Temporal is down',
  );
  const pending = await s
    .db('cases')
    .whereIn(
      'id',
      during.map((p) => p.id!),
    )
    .pluck('status');
  assert.ok(
    pending.every((st) => st === 'pending_start'),
    pending.join(),
  );

  await s.startTemporal();
  say('Temporal started again');
  await waitForPages(s.db, 'tstop', 40);
  assert.equal(worker.child.exitCode, null, 'the worker outlived the outage');

  const t = await tally(s.db, {
    scenario: 'Temporal stopped',
    source: 'tstop',
    posted,
    expect: { pages: 1, erpDocs: 1 },
  });
  assert.equal(t.present, 40);
  const open = await s.db('cases').where({ source: 'tstop' }).whereNot({ status: 'open' }).pluck('status');
  assert.deepEqual(open, [], 'every case started');
  assert.equal(s.mail.messages.filter((m) => / #\d+/.test(m.subject)).length, 40, 'one mail per page');
});
