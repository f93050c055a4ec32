/**
 * Storm paging (issue 16): an ack deadline starts when its page has gone out, not when the page was
 * asked for. Several cases open at once while the SMTP server holds its answers: while their first
 * pages wait, no task has a deadline (neither in the workflow nor on its row); once the server
 * accepts them, each deadline counts from then, and the escalation to the next level comes no
 * earlier than that deadline. The history of one case is recorded for replay.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { CaughtMail } from '../lib/mail-catcher.js';
import { caseApi } from './helpers/cases.js';
import { startHarness, uid, type Harness } from './helpers/harness.js';
import { recordHistory } from './helpers/histories.js';

let h: Harness;
let c: ReturnType<typeof caseApi>;
const ACK_SECONDS = 2;
const CASES = 5;

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url));
  c = caseApi(h);
  await h.addPerson({ name: 'Tech Storm', email: 'tech.storm@test.local', roles: [{ role: 'maintenance' }] });
  await h.addPerson({ name: 'Sup Storm', email: 'sup.storm@test.local', roles: [{ role: 'supervisor' }] });
  await h.setPolicy({
    type: 'equipment_fault',
    ladder: [
      { targetRole: 'maintenance', ackTimeoutSeconds: ACK_SECONDS },
      { targetRole: 'supervisor', ackTimeoutSeconds: 3600 },
    ],
  });
});

after(async () => {
  await h?.stop();
});

const caseOf = (m: CaughtMail): number | null => {
  const id = /\/cases\/(\d+)/.exec(m.text)?.[1];
  return id ? Number(id) : null;
};

/** Resolves with the first mail to `to` about each of `ids` (already caught or still to come). */
function firstMails(
  to: string,
  ids: () => number[],
  count: number,
  about = /./,
): Promise<Map<number, CaughtMail>> {
  const seen = new Map<number, CaughtMail>();
  return new Promise((resolve) => {
    const take = (m: CaughtMail): void => {
      const id = caseOf(m);
      if (id === null || !m.to.includes(to) || !about.test(m.text) || seen.has(id)) return;
      seen.set(id, m);
      if (seen.size === count && ids().every((x) => seen.has(x))) {
        h.mail.off('mail', take);
        resolve(seen);
      }
    };
    h.mail.on('mail', take);
    for (const m of h.mail.messages) take(m);
  });
}

describe('storm paging: the ack deadline starts when the page has gone out', () => {
  it('no deadline while the pages wait for the mail server; each counts from its acceptance', async () => {
    const ids: number[] = [];
    const release = h.mail.hold();
    const held = firstMails('tech.storm@test.local', () => ids, CASES);
    ids.push(
      ...(await Promise.all(
        Array.from({ length: CASES }, () =>
          // Down since now: the downtime threshold (and its planner task) is far away.
          c.open('equipment_fault', {
            equipment: { equipmentId: 'PRESS-3', faultCode: uid('E'), downSince: new Date().toISOString() },
          }),
        ),
      )),
    );
    await held; // every first page has reached the server, which has not answered yet

    for (const id of ids) {
      const live = (await c.get(id)).live;
      const repair = live?.tasks.find((t) => t.key === 'repair');
      assert.ok(repair, `case ${id} has its repair task`);
      assert.equal(repair.ackDeadline, null, `case ${id}: no deadline before its page went out`);
    }
    const rows = await h.db('tasks').whereIn('case_id', ids).select<Array<{ ack_deadline: Date | null }>>();
    assert.ok(rows.length >= CASES);
    assert.ok(
      rows.every((r) => r.ack_deadline === null),
      'no task row has a deadline yet',
    );

    const deadlines = new Map<number, number>();
    const releasedAt = Date.now();
    // The repair task's escalation (not another task's page to the supervisor).
    const escalations = firstMails('sup.storm@test.local', () => ids, CASES, /Asked: Repair/);
    release();
    for (const id of ids) {
      const repair = await c.task(id, 'repair');
      assert.ok(repair.ackDeadline, `case ${id} has its deadline once paged`);
      deadlines.set(id, Date.parse(repair.ackDeadline));
      const startsAt = Date.parse(repair.ackDeadline) - ACK_SECONDS * 1000;
      assert.ok(
        startsAt >= releasedAt,
        `case ${id}: the deadline counts from ${new Date(startsAt).toISOString()}, before the page was accepted at ${new Date(releasedAt).toISOString()} or later`,
      );
      const row = await h
        .db('tasks')
        .where({ case_id: id, role: 'maintenance' })
        .first<{ ack_deadline: Date }>();
      assert.equal(row?.ack_deadline.toISOString(), repair.ackDeadline, 'the row shows the same deadline');
    }

    const escalated = await escalations;
    for (const id of ids) {
      const at = escalated.get(id)!.receivedAt.getTime();
      assert.ok(
        at >= deadlines.get(id)!,
        `case ${id}: escalated at ${new Date(at).toISOString()}, before its deadline ${new Date(deadlines.get(id)!).toISOString()}`,
      );
    }
    await recordHistory(h, ids[0]!, 'storm-paging-escalated');
  });
});
