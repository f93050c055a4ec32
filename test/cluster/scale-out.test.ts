/**
 * Scale-out on a real Temporal server (issue 14, item 2) — `npm run test:cluster`:
 *   the Temporal server v1.29.1 on PostgreSQL (scripts/temporal-server.ts, lib/temporal-server.ts),
 *   2 API processes (bin/api.ts) and 3 worker processes (bin/worker.ts), set up like compose: no demo
 *   seed, the first admin key from ANDON_BOOTSTRAP_ADMIN_KEY, people and policies through the API;
 *   200 cases of all four types posted round-robin to both APIs; one worker SIGKILLed mid-run and a
 *   new one started; the test acknowledges, decides and sends the MES events until every case is
 *   closed. Then: nothing lost, nothing doubled — each case's ERP documents once per step, one
 *   notification (and one mail) per page — and cases were worked on by every worker (the timeline
 *   records the worker identity). A user invited through the CLI signs in on both APIs.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createSimulatorErp } from '../../activities/erp/simulator.js';
import { seedErpSimulator } from '../../activities/erp/demo-data.js';
import { createDb, migrate, type Db } from '../../db/index.js';
import type { ExceptionType } from '../../domain/model.js';
import { MailCatcher } from '../../lib/mail-catcher.js';
import { freeTemporalPort, startTemporalServer, type TemporalServer } from '../../lib/temporal-server.js';
import { freePort } from '../../lib/temporal-dev-server.js';
import { ensureTemporalServer } from '../../scripts/temporal-server.js';
import { caseBody } from '../helpers/bodies.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const CASES = Number(process.env.ANDON_SCALE_CASES ?? 200);
const NAMESPACE = 'andon-scale';
const TASK_QUEUE = 'andon-scale';
const ADMIN_KEY = `scale-admin-${randomBytes(16).toString('hex')}`;
const LINK_SECRET = 'scale-link-secret-0123456789abcdef';
const SESSION_SECRET = 'scale-session-secret-0123456789abcdef0123';
const say = (m: string): void => console.log(`  [scale-out] ${m}`);

let server: TemporalServer;
let db: Db;
let mail: MailCatcher;
let work: string;
const adminUrl = process.env.ANDON_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbTag = `scale_${randomBytes(4).toString('hex')}`;
const dbNames = [`andon_${dbTag}`, `temporal_${dbTag}`, `temporal_${dbTag}_vis`];
const apis: string[] = [];
const children = new Set<ChildProcess>();
let keys: Record<'mes' | 'staff' | 'supervisor', string>;

const urlOf = (name: string): string => {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
};

async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function spawnAndon(
  script: 'api' | 'worker',
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', `bin/${script}.ts`], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: urlOf(dbNames[0]!),
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      ANDON_TASK_QUEUE: TASK_QUEUE,
      ANDON_LINK_SECRET: LINK_SECRET,
      ANDON_SESSION_SECRET: SESSION_SECRET,
      ANDON_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      SMTP_URL: mail.url,
      ANDON_PUBLIC_URL: apis[0] ?? 'http://127.0.0.1',
      ANDON_WORKER_PORT: '0',
      LOG_LEVEL: 'info',
      ...(process.env.ANDON_TEST_WORKFLOW_BUNDLE
        ? { ANDON_WORKFLOW_BUNDLE: process.env.ANDON_TEST_WORKFLOW_BUNDLE }
        : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out = (out + d.toString()).slice(-20_000);
      const match = ready.exec(out);
      if (match) resolve({ child, match });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${out}`)));
  });
}

async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined>,
  timeoutMs = 240_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

before(async () => {
  const started = Date.now();
  const tools = await ensureTemporalServer((m) => say(m));
  work = mkdtempSync(join(tmpdir(), 'andon-scale-'));
  await adminQuery(`create database ${dbNames[0]}`);
  server = await startTemporalServer({
    tools,
    postgresUrl: adminUrl,
    databases: { main: dbNames[1]!, visibility: dbNames[2]! },
    dir: join(work, 'temporal'),
    port: await freeTemporalPort(),
    namespaces: [NAMESPACE],
    log: say,
  });
  db = createDb(urlOf(dbNames[0]!));
  await migrate(db);
  await seedErpSimulator(db);
  await db('erp_sim_work_orders').insert(workOrders());
  mail = new MailCatcher();
  await mail.listen();
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    await spawnAndon('api', { PORT: String(port) }, /Andon API listening/);
    apis.push(`http://127.0.0.1:${port}`);
  }
  say(`Temporal server, 2 APIs ready in ${Math.round((Date.now() - started) / 1000)} s`);
});

after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await mail?.close();
  await db?.destroy();
  await server?.stop();
  for (const name of dbNames)
    await adminQuery(`drop database if exists ${name} with (force)`).catch(() => {});
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Worker {
  child: ChildProcess;
  identity: string;
}
async function startWorker(): Promise<Worker> {
  const { child, match } = await spawnAndon(
    'worker',
    {},
    /"identity":"([^"]+)"[^\n]*"msg":"Andon worker running"/,
  );
  return { child, identity: match[1]! };
}

/** What each type needs from the test, and what it must end with. */
const PLAN: Record<
  ExceptionType,
  {
    tasks: Array<{ key: string; option: string; data?: Record<string, string> }>;
    mes?: { step: string; kind: string };
    close: Record<string, unknown>;
    docs: string[];
  }
> = {
  equipment_fault: {
    tasks: [{ key: 'repair', option: 'repaired' }],
    mes: { step: 'await_running', kind: 'equipment_running' },
    close: { rootCause: 'worn bearing', downtimeMinutes: 12 },
    docs: ['maintenance_request'],
  },
  material_shortage: {
    tasks: [{ key: 'supplier', option: 'supplier_eta', data: { eta: '2027-05-01T08:00:00Z' } }],
    mes: { step: 'await_material', kind: 'material_received' },
    close: {},
    docs: ['material_request'],
  },
  quality_failure: {
    tasks: [{ key: 'disposition', option: 'scrap' }],
    close: { rootCause: 'die wear', correctiveAction: 'die replaced, inspection interval halved' },
    docs: ['quality_hold', 'disposition'],
  },
  order_delay: {
    tasks: [
      { key: 'plan', option: 'new_date', data: { newDate: '2027-01-15' } },
      { key: 'customer_notice', option: 'approve' },
    ],
    close: {},
    docs: ['work_order_date_change', 'customer_notice'],
  },
};
const TYPES = Object.keys(PLAN) as ExceptionType[];
/** A work order of its own for every case: one open case per order (a second report would be a repeat). */
const workOrders = (): Array<Record<string, unknown>> =>
  Array.from({ length: CASES }, (_, n) => ({
    order_id: `WO-S${n}`,
    line: 'L1',
    item_code: 'FG-200',
    qty: 100,
    planned_start: new Date(Date.now() + 3600_000),
    planned_end: new Date(Date.now() + 7200_000),
    due_date: '2026-12-20',
    status: 'planned',
  }));

function bodyFor(type: ExceptionType, n: number): Record<string, unknown> {
  const specific: Record<ExceptionType, Record<string, unknown>> = {
    equipment_fault: { equipment: { equipmentId: `PRESS-${n}`, faultCode: 'E42' } },
    material_shortage: {
      material: {
        itemCode: 'RM-2002',
        requiredQty: 10,
        uom: 'pcs',
        neededBy: '2027-06-01T06:00:00Z',
        workOrder: `WO-S${n}`,
      },
    },
    quality_failure: {
      quality: { lot: `LOT-S${n}`, itemCode: 'FG-200', defectCode: 'D-SCRATCH', qtyAffected: 5 },
    },
    order_delay: {
      order: { orderId: `WO-S${n}`, promisedDate: '2026-12-20', projectedDate: '2026-12-28' },
    },
  };
  return caseBody(type, { externalId: `SCALE-${dbTag}-${n}`, ...specific[type] });
}

interface CaseRow {
  status: string;
  current_step: string | null;
}
interface TaskRow {
  status: string;
  assignees: unknown[];
}

/** Drives one case to `closed` through API `base`, idempotently (a retried call may have landed). */
async function drive(id: number, type: ExceptionType, base: string): Promise<void> {
  const plan = PLAN[type];
  const act = async (
    path: string,
    key: string,
    body: unknown,
    done: () => Promise<boolean>,
  ): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      if (await done()) return;
      const r = await call(base, 'POST', `/api/v1/cases/${id}/${path}`, key, body).catch(() => ({
        status: 599,
        body: {},
      }));
      if (r.status === 200) return;
      if (attempt > 40) throw new Error(`case ${id}: ${path} answered ${r.status} ${JSON.stringify(r.body)}`);
      await sleep(500);
    }
  };
  const task = (key: string): Promise<TaskRow | undefined> =>
    db('tasks')
      .where({ case_id: id, task_key: key })
      .orderBy('id', 'desc')
      .first<TaskRow | undefined>('status', 'assignees');
  const caseRow = (): Promise<CaseRow> => db('cases').where({ id }).first<CaseRow>('status', 'current_step');

  for (const t of plan.tasks) {
    await until(`task ${t.key} of case ${id} paged`, async () => {
      const row = await task(t.key);
      return row && row.status !== 'cancelled' && row.assignees.length > 0 ? row : null;
    });
    await act('ack', keys.staff, { taskKey: t.key }, async () => (await task(t.key))?.status !== 'open');
    await act(
      'decisions',
      keys.staff,
      { taskKey: t.key, option: t.option, ...(t.data ? { data: t.data } : {}) },
      async () => (await task(t.key))?.status === 'done',
    );
  }
  if (plan.mes) {
    const { step, kind } = plan.mes;
    await until(`case ${id} at ${step}`, async () => {
      const c = await caseRow();
      return c.current_step === step || c.status === 'resolved' ? c : null;
    });
    await act(
      'events',
      keys.mes,
      { kind },
      async () => (await caseRow()).status !== 'open' && (await caseRow()).status !== 'acknowledged',
    );
  }
  await until(`case ${id} resolved`, async () => ((await caseRow()).status === 'resolved' ? true : null));
  await act('close', keys.supervisor, plan.close, async () => (await caseRow()).status === 'closed');
}

describe(`${CASES} cases on 2 APIs and 3 workers of a real Temporal server`, () => {
  it('all reach their end, with nothing lost or doubled, across a killed worker', async () => {
    const admin = apis[0]!;
    // Set up as an operator would on a fresh installation: through the API, with the bootstrap key.
    for (const role of ['maintenance', 'purchasing', 'qc_engineer', 'planner', 'customer_service'] as const) {
      const r = await call(admin, 'POST', '/api/v1/people', ADMIN_KEY, {
        name: `Scale ${role}`,
        email: `${role}@scale.test`,
        locale: 'en',
        roles: [{ role, line: null }],
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    for (const [type, role] of [
      ['equipment_fault', 'maintenance'],
      ['material_shortage', 'purchasing'],
      ['quality_failure', 'qc_engineer'],
      ['order_delay', 'planner'],
    ] as const) {
      const r = await call(admin, 'POST', '/api/v1/policies', ADMIN_KEY, {
        type,
        ladder: [{ targetRole: role, channels: ['email'], ackTimeoutSeconds: 3600 }],
        resolveSlaSeconds: 86_400,
      });
      assert.ok(r.status === 201 || r.status === 200, JSON.stringify(r.body));
    }
    const et = await call<{ nameEn: string; nameZh: string }>(
      admin,
      'GET',
      '/api/v1/exception-types/equipment_fault',
      ADMIN_KEY,
    );
    await call(admin, 'PUT', '/api/v1/exception-types/equipment_fault', ADMIN_KEY, {
      nameEn: et.body.nameEn,
      nameZh: et.body.nameZh,
      sopParams: { downtimeThresholdSeconds: 86_400 },
    });
    keys = {} as typeof keys;
    for (const role of ['mes', 'staff', 'supervisor'] as const) {
      const r = await call<{ key: string }>(admin, 'POST', '/api/v1/api-keys', ADMIN_KEY, {
        name: `scale ${role}`,
        role,
      });
      keys[role] = r.body.key;
    }

    const workers: Worker[] = [];
    for (let i = 0; i < 3; i++) workers.push(await startWorker());
    say(`workers: ${workers.map((w) => w.identity).join(', ')}`);

    const started = Date.now();
    const opened: Array<{ id: number; type: ExceptionType; api: string }> = [];
    let deferred = 0;
    await Promise.all(
      Array.from({ length: 8 }, async (_, lane) => {
        for (let n = lane; n < CASES; n += 8) {
          const type = TYPES[n % TYPES.length]!;
          const api = apis[n % apis.length]!;
          const r = await call<{ id: number }>(api, 'POST', '/api/v1/cases', keys.mes, bodyFor(type, n));
          // 202: accepted while Temporal was slow to answer; the API's reconciler starts it shortly.
          assert.ok(r.status === 201 || r.status === 202, `${r.status} ${JSON.stringify(r.body)}`);
          if (r.status === 202) deferred++;
          opened.push({ id: r.body.id, type, api });
        }
      }),
    );
    say(
      `${opened.length} cases opened in ${Math.round((Date.now() - started) / 1000)} s (${deferred} started later by the reconciler)`,
    );

    let closed = 0;
    let killed: Worker | null = null;
    const queue = [...opened];
    await Promise.all(
      Array.from({ length: 24 }, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          await drive(c.id, c.type, c.api);
          closed++;
          if (closed === Math.floor(CASES / 4) && !killed) {
            killed = workers[0]!;
            killed.child.kill('SIGKILL');
            say(`SIGKILLed ${killed.identity} after ${closed} cases closed`);
            workers.push(await startWorker());
            say(`started ${workers[workers.length - 1]!.identity}`);
          }
        }
      }),
    );
    const seconds = Math.round((Date.now() - started) / 1000);
    assert.ok(killed, 'a worker was killed mid-run');

    // ── the tally ──
    const ids = opened.map((c) => c.id);
    const statuses = await db('cases')
      .whereIn('id', ids)
      .groupBy('status')
      .select('status', db.raw('count(*)::int as n'));
    assert.deepEqual(statuses, [{ status: 'closed', n: CASES }]);

    const erp = createSimulatorErp(db);
    let documents = 0;
    for (const c of opened) {
      const docs = await erp.documentsForCase(c.id);
      documents += docs.length;
      assert.deepEqual(
        docs.map((d) => d.docType).sort(),
        [...PLAN[c.type].docs].sort(),
        `ERP documents of case ${c.id}`,
      );
      assert.equal(
        new Set(docs.map((d) => d.stepKey)).size,
        docs.length,
        `one document per step, case ${c.id}`,
      );
    }

    const notes = await db('notifications')
      .whereIn('case_id', ids)
      .select('case_id', 'task_id', 'status', 'idempotency_key');
    const expectedPages = opened.reduce((n, c) => n + PLAN[c.type].tasks.length, 0);
    assert.equal(notes.length, expectedPages, 'one notification per page');
    assert.equal(
      new Set(notes.map((n: { task_id: number }) => n.task_id)).size,
      expectedPages,
      'one per task',
    );
    assert.ok(
      notes.every((n: { status: string }) => n.status === 'sent'),
      'every page went out',
    );
    const ourMail = mail.messages.filter((m) => / #\d+/.test(m.subject));
    assert.equal(ourMail.length, expectedPages, 'one mail per page');
    assert.equal(new Set(ourMail.map((m) => m.messageId)).size, expectedPages, 'no mail sent twice');

    const byWorker = await db('case_events')
      .whereIn('case_id', ids)
      .whereLike('recorded_by', 'andon-worker/%')
      .groupBy('recorded_by')
      .select('recorded_by', db.raw('count(distinct case_id)::int as cases'));
    const seen = new Map(
      byWorker.map((r: { recorded_by: string; cases: number }) => [r.recorded_by, r.cases]),
    );
    for (const w of workers) assert.ok((seen.get(w.identity) ?? 0) > 0, `${w.identity} worked on cases`);
    const crossed = await db('case_events')
      .whereIn('case_id', ids)
      .whereLike('recorded_by', 'andon-worker/%')
      .groupBy('case_id')
      .havingRaw('count(distinct recorded_by) > 1')
      .select('case_id');

    say(
      `TALLY: ${CASES} cases (${TYPES.map((t) => `${opened.filter((c) => c.type === t).length} ${t}`).join(', ')}) ` +
        `closed in ${seconds} s on 2 APIs and ${workers.length} workers (1 SIGKILLed); ` +
        `${documents} ERP documents, one per step; ${notes.length} notifications and ${ourMail.length} mails for ${expectedPages} pages; ` +
        `cases per worker: ${workers.map((w) => `${w.identity}=${seen.get(w.identity) ?? 0}`).join(', ')}; ` +
        `${crossed.length} cases worked on by more than one worker`,
    );
  });

  it('signs in, on either API, a user the CLI invited (no demo seed)', async () => {
    const email = `cli-${dbTag}@scale.test`;
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'bin/andon.ts',
          'user',
          'add',
          '--email',
          email,
          '--name',
          'Scale Admin',
          '--role',
          'admin',
        ],
        {
          cwd: root,
          env: { ...process.env, DATABASE_URL: urlOf(dbNames[0]!), ANDON_PUBLIC_URL: apis[1]! },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let text = '';
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(text))));
    });
    const link = /(http\S+\/set-password\/\S+)/.exec(out)![1]!;
    assert.ok(link.startsWith(apis[1]!));
    const set = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        password: 'scale admin password',
        confirm: 'scale admin password',
      }).toString(),
    });
    assert.equal(set.status, 200);
    const login = await fetch(`${apis[0]}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, password: 'scale admin password' }).toString(),
    });
    assert.equal(login.status, 303);
    const cookie = /andon_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    for (const api of apis) {
      const page = await fetch(`${api}/admin/users`, { headers: { cookie }, redirect: 'manual' });
      assert.equal(page.status, 200, `${api} knows the session`);
      assert.match(await page.text(), new RegExp(email.replace(/[.]/g, '\\.')));
    }
  });
});
