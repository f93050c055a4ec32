/**
 * Fault: PostgreSQL restarted under load. The suite runs its own PostgreSQL (lib/embedded-postgres.ts)
 * and stops it while 60 equipment faults are being posted. A report posted during the outage gets a
 * problem+json 503 (or is accepted), never a 500 nor a hang; the MES sends the refused ones again once
 * the database is back. Then every case is present once, and the workflows' database activities,
 * retried by Temporal, finish: each case with one ERP document and one page.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { tally, type Posted } from '../helpers/tally.js';
import { eventually } from '../helpers/wait.js';
import { faultBody, say, startStack, waitForPages, type Stack } from './stack.js';

const CASES = 60;
let s: Stack;

before(async () => {
  s = await startStack({ ownPostgres: true });
});
after(async () => {
  await s?.stop();
});

it(`PostgreSQL restarted while ${CASES} cases are posted: 503s during the outage, nothing lost or doubled`, async () => {
  const worker = await s.startWorker();
  const answers: Posted[] = [];
  let down = false;
  let duringOutage = 0;
  const queue = Array.from({ length: CASES }, (_, n) => n);
  const posting = Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
        const p = await s.post(faultBody('pgstop', n), 20_000);
        if (down) duringOutage++;
        answers.push(p);
      }
    }),
  );
  await eventually(() => Promise.resolve(answers.length >= CASES / 3), 'a third posted', 120_000);
  down = true;
  await s.stopPostgres();
  say(`PostgreSQL stopped after ${answers.length} reports`);
  // Down long enough to matter: reports were answered during it, and the worker noticed it.
  await eventually(
    () => Promise.resolve(duringOutage >= 8),
    'reports answered during the outage',
    120_000,
    50,
  );
  await eventually(
    async () => (await fetch(`${worker.ops!}/readyz`).catch(() => null))?.status === 503,
    'the worker to find the database unreachable',
    60_000,
  );
  await s.startPostgres();
  down = false;
  say(`PostgreSQL started again; ${duringOutage} reports were answered while it was down`);
  await posting;

  const refused = answers.filter((a) => a.status === 503);
  const statuses = [...new Set(answers.map((a) => a.status))].sort();
  say(
    `answers: ${statuses.map((st) => `${st}×${answers.filter((a) => a.status === st).length}`).join(', ')}`,
  );
  assert.ok(
    answers.every((a) => [200, 201, 202, 503].includes(a.status)),
    `only 201/202 or 503: ${statuses.join()}`,
  );
  // The MES sends the refused reports again.
  const resent = await Promise.all(
    refused.map((r) => s.post(faultBody('pgstop', Number(r.externalId.split('-').pop())))),
  );
  assert.ok(
    resent.every((r) => [200, 201, 202].includes(r.status)),
    resent.map((r) => r.status).join(),
  );
  await waitForPages(s.db, 'pgstop', CASES);

  const t = await tally(s.db, {
    scenario: 'PostgreSQL restarted',
    source: 'pgstop',
    posted: [...answers.filter((a) => a.status !== 503), ...resent],
    expect: { pages: 1, erpDocs: 1 },
    refused: refused.length,
  });
  assert.equal(t.present, CASES);
  assert.equal(s.mail.messages.filter((m) => / #\d+/.test(m.subject)).length, CASES, 'one mail per page');
});
