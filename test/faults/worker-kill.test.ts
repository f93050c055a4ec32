/**
 * Fault: the worker SIGKILLed under load. 100 equipment faults are posted to the API process while
 * one worker process pages them; once a fifth are paged the worker is killed and a new one started.
 * Every case gets its ERP maintenance request once and its first page once (test/worker-kill.test.ts
 * covers one case killed at chosen points; this is the same under load).
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { tally, type Posted } from '../helpers/tally.js';
import { faultBody, say, startStack, waitForPages, type Stack } from './stack.js';

const CASES = 100;
let s: Stack;

before(async () => {
  s = await startStack();
});
after(async () => {
  await s?.stop();
});

it(`SIGKILL the worker while ${CASES} cases are paged: each case paged once, one ERP document each`, async () => {
  const first = await s.startWorker();
  const posting = (async () => {
    const posted: Posted[] = [];
    const queue = Array.from({ length: CASES }, (_, n) => n);
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let n = queue.shift(); n !== undefined; n = queue.shift())
          posted.push(await s.post(faultBody('kill', n)));
      }),
    );
    return posted;
  })();
  await waitForPages(s.db, 'kill', CASES / 5);
  await s.kill(first);
  say(`SIGKILLed worker ${first.name} after ${CASES / 5} cases were paged`);
  const second = await s.startWorker();
  say(`started worker ${second.name}`);
  const posted = await posting;
  await waitForPages(s.db, 'kill', CASES);

  const t = await tally(s.db, {
    scenario: 'worker SIGKILLed',
    source: 'kill',
    posted,
    expect: { pages: 1, erpDocs: 1 },
  });
  assert.equal(t.present, CASES);
  const mails = s.mail.messages.filter((m) => / #\d+/.test(m.subject));
  assert.equal(mails.length, CASES, 'one mail per page');
  const worked = await s
    .db('case_events')
    .whereLike('recorded_by', 'andon-worker/%')
    .distinct('recorded_by')
    .pluck('recorded_by');
  assert.ok(worked.includes(first.name) && worked.includes(second.name), 'both workers worked');
});
