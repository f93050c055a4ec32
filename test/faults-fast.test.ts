/**
 * The fault suite's quick part (issue 16, item 3), run by `npm test`; the slow scenarios — worker
 * SIGKILLed, PostgreSQL restarted, Temporal stopped — are in test/faults/ (`npm run test:faults`).
 *   - 100 concurrent duplicates of one report: one case, one workflow, one page, no 5xx;
 *   - SMTP down while 20 cases open at once: each page's mail is retried, then the person gets an
 *     SMS instead — every page reaches someone exactly once;
 *   - which errors are a database outage (the API answers 503, not 500; exercised for real by
 *     test/faults/postgres-restart.test.ts).
 * The scenarios print the suite's tally (test/helpers/tally.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { isDatabaseUnavailable } from '../db/errors.js';
import { freePort } from '../lib/temporal-dev-server.js';
import { caseWorkflowId } from '../workflows/case/input.js';
import { caseBody } from './helpers/bodies.js';
import { startHarness, uid, type Harness } from './helpers/harness.js';
import { tally, type Posted } from './helpers/tally.js';
import { eventually } from './helpers/wait.js';

let h: Harness;

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url), { twilio: true });
});
after(async () => {
  await h?.stop();
});

async function post(body: Record<string, unknown>): Promise<Posted> {
  const r = await h.api<{ id?: number }>('POST', '/api/v1/cases', { key: h.keys.mes, body });
  return {
    externalId: String(body.externalId),
    status: r.status,
    ...(typeof r.body?.id === 'number' ? { id: r.body.id } : {}),
  };
}

describe('faults, quick', () => {
  it('100 concurrent duplicates of one report: one case, one workflow, one page, no 5xx', async () => {
    const line = uid('DUP');
    await h.addPerson({ name: `Planner ${line}`, roles: [{ role: 'planner', line }] });
    await h.setPolicy({
      type: 'order_delay',
      line,
      ladder: [{ targetRole: 'planner', ackTimeoutSeconds: 600 }],
    });
    const body = caseBody('order_delay', { source: 'mes-dup', line });
    const posted = await Promise.all(Array.from({ length: 100 }, () => post(body)));

    const statuses = posted.map((p) => p.status).sort();
    assert.deepEqual(statuses, [...Array<number>(99).fill(200), 201], 'one 201, 99 times 200');
    const ids = new Set(posted.map((p) => p.id));
    assert.equal(ids.size, 1, 'every answer names the same case');
    const id = posted[0]!.id!;
    await eventually(
      async () => (await h.db('notifications').where({ case_id: id, status: 'sent' }).first('id')) ?? null,
      'the page to go out',
      30_000,
    );
    const runs: string[] = [];
    for await (const w of h.temporal.workflow.list({ query: `WorkflowId = '${caseWorkflowId(id)}'` }))
      runs.push(w.runId);
    assert.equal(runs.length, 1, 'one workflow');
    assert.equal(h.mail.messages.filter((m) => new RegExp(`#${id}(?!\\d)`).test(m.subject)).length, 1);
    await tally(h.db, {
      scenario: '100 concurrent duplicates',
      source: 'mes-dup',
      posted,
      expect: { pages: 1, erpDocs: 0 },
    });
  });

  it('SMTP down while 20 cases open: mail retried, then each page fails over to SMS, once', async () => {
    const line = uid('SMTP');
    const people = await Promise.all(
      [1, 2].map((n) =>
        h.addPerson({
          name: `Planner ${line} ${n}`,
          phone: `+86139${String(Date.now() % 100_000).padStart(6, '0')}${n}0`,
          roles: [{ role: 'planner', line }],
        }),
      ),
    );
    await h.setPolicy({
      type: 'order_delay',
      line,
      ladder: [{ targetRole: 'planner', channels: ['email'], ackTimeoutSeconds: 600 }],
    });
    h.smtpDown(true);
    try {
      const posted = await Promise.all(
        Array.from({ length: 20 }, () => post(caseBody('order_delay', { source: 'mes-smtp', line }))),
      );
      assert.ok(
        posted.every((p) => p.status === 201),
        posted.map((p) => p.status).join(),
      );
      const ids = posted.map((p) => p.id!);
      // Every page is settled once each of its mails failed and the SMS that replaced it went out.
      await eventually(
        async () => {
          const rows = await h
            .db('notifications')
            .whereIn('case_id', ids)
            .where({ channel: 'sms', status: 'sent' })
            .count<Array<{ n: string }>>({ n: '*' });
          return Number(rows[0]?.n) === ids.length * people.length;
        },
        'every page to fail over to SMS',
        90_000,
        250,
      );
      const mails = await h
        .db('notifications')
        .whereIn('case_id', ids)
        .where({ channel: 'email' })
        .select<Array<{ status: string; attempts: number }>>('status', 'attempts');
      assert.equal(mails.length, ids.length * people.length);
      assert.ok(
        mails.every((m) => m.status === 'failed' && m.attempts > 1),
        'each mail retried, then failed',
      );
      const sms = h.twilio!.requests.filter((r) => ids.some((id) => r.form.Body?.includes(`#${id} `)));
      assert.equal(sms.length, ids.length * people.length, 'one SMS per person per page');
      assert.ok(!h.mail.messages.some((m) => ids.some((id) => m.subject.includes(`#${id}`))));
      const t = await tally(h.db, {
        scenario: 'SMTP down, 20 cases',
        source: 'mes-smtp',
        posted,
        expect: { pages: 1, erpDocs: 0 },
      });
      assert.equal(t.pages, ids.length);
    } finally {
      h.smtpDown(false);
    }
  });

  it('tells a database outage (answered 503, see test/faults/) from a bug (500)', async () => {
    const refused = new pg.Client({ connectionString: `postgres://x@127.0.0.1:${await freePort()}/x` });
    const err: unknown = await refused.connect().then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(isDatabaseUnavailable(err), String(err));
    const terminated = new Error('select * from "api_keys" - Connection terminated unexpectedly');
    assert.ok(isDatabaseUnavailable(terminated));
    assert.ok(isDatabaseUnavailable(Object.assign(new Error('shutting down'), { code: '57P01' })));
    assert.ok(!isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' })));
    assert.ok(!isDatabaseUnavailable(new TypeError('x is undefined')));
  });
});
