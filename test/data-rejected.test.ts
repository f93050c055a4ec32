/**
 * Data the database refuses, against a real PostgreSQL: every activity that writes fails at once as
 * `DataRejected` (non-retryable) with a message for people and no SQL in it, and writes nothing —
 * so the same change, with good data, still applies afterwards. Other database errors stay
 * retryable and lose their SQL text too.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import pg from 'pg';
import { createSimulatorErp } from '../activities/erp/simulator.js';
import { createActivities, type CaseActivities } from '../activities/index.js';
import { createSmtpMailer } from '../activities/notify/mailer.js';
import { createTwilioSms } from '../activities/notify/sms.js';
import type { CaseChange } from '../activities/types.js';
import { getCase, openCase } from '../db/cases.js';
import { dataRejection, safeDbMessage } from '../db/errors.js';
import { createDb, migrate, type Db } from '../db/index.js';
import { builtInPolicy } from '../db/policies.js';
import { timeline } from '../db/timeline.js';
import { createLogger } from '../lib/logger.js';
import { freePort } from '../lib/temporal-dev-server.js';

const adminUrl = process.env.ANDON_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const cleanups: Array<() => void | Promise<void>> = [];
let db: Db;
let acts: CaseActivities;

/** Activities on `database`, with transports that point nowhere: these tests send no message. */
async function activitiesOn(database: Db): Promise<CaseActivities> {
  const nowhere = `127.0.0.1:${await freePort()}`;
  const mailer = createSmtpMailer(`smtp://${nowhere}`, 'Andon <andon@test.local>', { timeoutMs: 1000 });
  cleanups.push(() => mailer.close());
  return createActivities({
    db: database,
    mailer,
    sms: createTwilioSms({
      accountSid: 'AC0',
      authToken: 'x',
      from: '+15005550006',
      apiBaseUrl: `http://${nowhere}`,
    }),
    erp: createSimulatorErp(database),
    publicUrl: 'http://andon.test',
    logger: createLogger('silent'),
    links: null,
  });
}

before(async () => {
  const name = `andon_test_data_rejected_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`drop database if exists "${name}" with (force)`);
    await c.end();
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  db = createDb(url.toString());
  cleanups.push(() => db.destroy());
  await migrate(db);
  acts = await activitiesOn(db);
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

let seq = 0;
async function newCase(): Promise<number> {
  const { record } = await openCase(
    db,
    {
      source: 'test',
      externalId: `DR-${++seq}-${randomBytes(3).toString('hex')}`,
      type: 'equipment_fault',
      severity: 'high',
      line: 'L1',
      station: null,
      title: 'press stopped',
      description: null,
      reasonCode: null,
      details: {},
      occurredAt: new Date(),
      policy: builtInPolicy('equipment_fault'),
    },
    'test',
  );
  return record.id;
}

/** Asserts a DataRejected failure whose message holds no SQL and none of the refused value. */
async function rejects(call: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(call, (err: unknown) => {
    assert.ok(err instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(err)}`);
    assert.equal(err.type, 'DataRejected');
    assert.equal(err.nonRetryable, true);
    assert.match(err.message, pattern);
    assert.doesNotMatch(err.message, /insert|update|select|case_events|\$\d|\\u/i);
    assert.ok(!err.message.includes('\u0000'));
    assert.equal(err.cause, undefined);
    return true;
  });
}

const resolve = (caseId: number, key: string, fields: CaseChange['fields'], text = 'fixed'): CaseChange => ({
  caseId,
  events: [
    { type: 'resolved', actor: 'system', data: { resolution: text }, idempotencyKey: `${key}:resolved` },
    { type: 'comment', actor: 'system', data: { text: 'second event' }, idempotencyKey: `${key}:comment` },
  ],
  fields: { status: 'resolved', resolvedAt: new Date().toISOString(), ...fields },
});

describe('applyChange', () => {
  it('refuses a NUL in an event text at once, writes nothing, and applies the same change with good data', async () => {
    const id = await newCase();
    await rejects(
      acts.applyChange(resolve(id, `c${id}`, { resolution: 'fixed' }, 'a\u0000b')),
      /cannot be stored/,
    );
    assert.deepEqual(
      (await timeline(db, id)).map((e) => e.type),
      ['opened'],
    );
    assert.equal((await getCase(db, id))!.status, 'pending_start');

    await acts.applyChange(resolve(id, `c${id}`, { resolution: 'fixed' }));
    assert.deepEqual(
      (await timeline(db, id)).map((e) => e.type),
      ['opened', 'resolved', 'comment'],
    );
    assert.equal((await getCase(db, id))!.status, 'resolved');
  });

  it('refuses a NUL in a case field, and rolls back the events written before it', async () => {
    const id = await newCase();
    await rejects(acts.applyChange(resolve(id, `f${id}`, { resolution: 'x\u0000y' })), /a NUL/);
    assert.deepEqual(
      (await timeline(db, id)).map((e) => e.type),
      ['opened'],
    );
    const row = (await getCase(db, id))!;
    assert.equal(row.status, 'pending_start');
    assert.equal(row.resolution, null);
  });

  it('refuses a lone surrogate in structured data', async () => {
    const id = await newCase();
    await rejects(acts.applyChange(resolve(id, `s${id}`, {}, 'a\ud800b')), /lone surrogate/);
    assert.equal((await timeline(db, id)).length, 1);
  });

  it('refuses numbers out of range, or not whole where whole numbers are stored', async () => {
    const id = await newCase();
    await rejects(
      acts.applyChange(resolve(id, `n${id}`, { downtimeMinutes: 99_999_999_999 })),
      /out of range/,
    );
    await rejects(acts.applyChange(resolve(id, `n${id}`, { downtimeMinutes: 1.5 })), /whole number/);
    assert.equal((await timeline(db, id)).length, 1);
    assert.equal((await getCase(db, id))!.downtimeMinutes, null);
  });
});

describe('other writes', () => {
  it('recordEvent and openTask refuse bad data the same way and write nothing', async () => {
    const id = await newCase();
    await rejects(
      acts.recordEvent({
        caseId: id,
        type: 'comment',
        actor: 'system',
        data: { text: '\u0000' },
        idempotencyKey: `r${id}`,
      }),
      /cannot be stored/,
    );
    await rejects(
      acts.openTask({
        caseId: id,
        idempotencyKey: `t${id}`,
        taskKey: 'repair',
        role: 'maintenance',
        title: 'fix \u0000 it',
        options: [],
      }),
      /cannot be stored/,
    );
    assert.equal((await timeline(db, id)).length, 1);
    assert.equal(await db('tasks').where({ case_id: id }).first('id'), undefined);
  });

  it('hands an ERP quantity no column can hold to a person (ErpRejected), without SQL, and makes no document', async () => {
    const id = await newCase();
    const stepKey = `case-${id}:1:hold`;
    await assert.rejects(
      acts.erpCreate({
        caseId: id,
        stepKey,
        step: 'hold',
        request: {
          op: 'placeQualityHold',
          lot: 'LOT-X',
          itemCode: 'FG-1',
          qty: 1e308,
          holdWarehouse: 'WH-Q',
        },
      }),
      (err: unknown) => {
        assert.ok(err instanceof ApplicationFailure);
        assert.equal(err.type, 'ErpRejected');
        assert.equal(err.nonRetryable, true);
        assert.match(
          err.message,
          /^ERP simulator: The database refused the data: a number is out of range\.$/,
        );
        return true;
      },
    );
    assert.equal(await db('erp_sim_documents').where({ step_key: stepKey }).first('id'), undefined);
    assert.equal(await db('erp_sim_lots').where({ lot: 'LOT-X' }).first('id'), undefined);
    assert.equal((await timeline(db, id)).length, 1);
  });
});

describe('errors that are not about the data', () => {
  it('stay retryable: a database that cannot be reached', async () => {
    const url = new URL(adminUrl);
    url.port = String(await freePort());
    const down = createDb(url.toString());
    cleanups.push(() => down.destroy());
    const offline = await activitiesOn(down);
    await assert.rejects(
      offline.recordEvent({ caseId: 1, type: 'comment', actor: 'system', data: {}, idempotencyKey: 'x' }),
      (err: unknown) => {
        assert.ok(!(err instanceof ApplicationFailure && err.nonRetryable), `retryable: ${String(err)}`);
        assert.match(String(err), /ECONNREFUSED/);
        return true;
      },
    );
  });

  it('lose their SQL text: other server errors read as their SQLSTATE', async () => {
    const err: unknown = await db
      .raw('select * from no_such_table where secret = ?', ['hunter2'])
      .catch((e: unknown) => e);
    assert.match(String(err), /no_such_table/); // what knex would have shown
    assert.equal(dataRejection(err), null);
    assert.equal(safeDbMessage(err), 'The database could not complete the operation (SQLSTATE 42P01).');
    assert.equal(safeDbMessage(new Error('connect ECONNREFUSED')), null);
  });

  it('a unique violation is left to the caller', async () => {
    const id = await newCase();
    const err = await db('cases')
      .insert({ ...(await db('cases').where({ id }).first()), id: undefined })
      .catch((e: unknown) => e);
    assert.equal((err as { code?: string }).code, '23505');
    assert.equal(dataRejection(err), null);
  });
});
