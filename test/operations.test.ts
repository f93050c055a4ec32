/**
 * Operations (issue 14, item 5): a worker process serves /healthz, /readyz and /metrics on its own
 * port — escalations, SLA breaches, notifications by channel and outcome, activity latency by type,
 * and the SDK's workflow task latency; its log lines carry the case id; on SIGTERM it says 503
 * while it lets a slow activity finish, then exits 0. The API drains too.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../lib/temporal-dev-server.js';
import { caseApi } from './helpers/cases.js';
import { startHarness, TEST_LINK_SECRET, type Harness } from './helpers/harness.js';
import { eventually } from './helpers/wait.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let h: Harness;
let c: ReturnType<typeof caseApi>;
const children = new Set<ChildProcess>();

interface Worker {
  child: ChildProcess;
  ops: string;
  identity: string;
  log: () => string;
}

/** Starts bin/worker.ts; resolves once it polls, with its ops URL and identity from its log. */
function startWorker(env: Record<string, string> = {}): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/worker.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: h.databaseUrl,
      TEMPORAL_ADDRESS: h.temporalAddress,
      TEMPORAL_NAMESPACE: h.namespace,
      ANDON_TASK_QUEUE: h.taskQueue,
      SMTP_URL: h.mail.url,
      ANDON_PUBLIC_URL: h.url,
      ANDON_LINK_SECRET: TEST_LINK_SECRET,
      ANDON_WORKER_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      const line = output.split('\n').find((l) => l.includes('Andon worker running'));
      if (line) {
        const parsed = JSON.parse(line) as { ops: string; identity: string };
        resolve({ child, ops: parsed.ops, identity: parsed.identity, log: () => output });
      }
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
}

const metric = (text: string, name: string, labels = ''): number => {
  const re = new RegExp(
    `^${name}${labels ? `\\{[^}]*${labels}[^}]*\\}` : '(\\{[^}]*\\})?'} ([0-9.e+-]+)$`,
    'gm',
  );
  return [...text.matchAll(re)].reduce((sum, m) => sum + Number(m[2] ?? m[1]), 0);
};

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url), { worker: false });
  c = caseApi(h);
  await h.addPerson({ name: 'Li Wei', roles: [{ role: 'maintenance', line: 'L1' }] });
  await h.addPerson({ name: 'Sue Supervisor', roles: [{ role: 'supervisor' }] });
});

after(async () => {
  for (const w of children) w.kill('SIGKILL');
  await h?.stop();
});

describe('a worker process', () => {
  it('serves health, readiness and the metrics a plant watches, with case ids in its logs', async () => {
    await h.setPolicy({
      type: 'equipment_fault',
      ladder: [
        { targetRole: 'maintenance', ackTimeoutSeconds: 2 },
        { targetRole: 'supervisor', ackTimeoutSeconds: 600 },
      ],
      resolveSlaSeconds: 4,
    });
    const w = await startWorker({ SMTP_URL: `smtp://127.0.0.1:${await freePort()}` });
    assert.equal((await fetch(`${w.ops}/healthz`)).status, 200);
    const ready = await fetch(`${w.ops}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), {
      status: 'ready',
      checks: { accepting: 'ok', worker: 'ok', database: 'ok' },
    });

    const id = await c.open('equipment_fault', { equipment: { equipmentId: 'PRESS-9', faultCode: 'E1' } });
    await c.waitForEvent(id, 'escalated');
    await c.waitFor(id, 'the SLA breach', (x) => x.slaBreached);

    const text = await eventually(async () => {
      const t = await (await fetch(`${w.ops}/metrics`)).text();
      return metric(t, 'andon_sla_breaches_total') >= 1 ? t : null;
    }, 'the SLA breach counted');
    // Up the ladder: the SLA breach pages the top level (and, SMTP being down, nobody is reached).
    assert.ok(metric(text, 'andon_escalations_total') >= 1, text);
    assert.ok(
      metric(text, 'andon_notifications_total', 'channel="email",outcome="failed"') >= 1,
      'SMTP is down',
    );
    assert.ok(
      metric(text, 'andon_activity_duration_seconds_count', 'activity="erpCreate",outcome="completed"') >= 1,
    );
    assert.ok(metric(text, 'andon_activity_duration_seconds_count', 'activity="pageLevel"') >= 1);
    assert.match(
      text,
      /^temporal_workflow_task_execution_latency_seconds_bucket\{/m,
      'the SDK’s workflow task latency',
    );
    assert.match(text, /^andon_process_cpu_seconds_total /m);

    // The failed sends were logged with the case they were for.
    const failed = w
      .log()
      .split('\n')
      .filter((l) => l.includes('notification failed'))
      .map((l) => JSON.parse(l) as { caseId?: number; activity?: string });
    assert.ok(failed.length > 0);
    assert.ok(
      failed.every((l) => l.caseId === id && l.activity === 'pageLevel'),
      JSON.stringify(failed),
    );

    // The timeline records which worker wrote each event.
    const writers = await h.db('case_events').where({ case_id: id }).distinct('recorded_by');
    assert.ok(
      writers.some((r: { recorded_by: string }) => r.recorded_by === w.identity),
      JSON.stringify(writers),
    );
    assert.match(w.identity, /^andon-worker\//);

    const exited = new Promise<number | null>((r) => w.child.once('exit', r));
    w.child.kill('SIGTERM');
    assert.equal(await exited, 0);
    children.delete(w.child);
  });

  it('lets an activity under way finish when told to stop, saying 503 meanwhile', async () => {
    await h.setSopParams('equipment_fault', { erpTimeoutSeconds: 30 });
    const w = await startWorker({ ANDON_ERP_SIM_LATENCY_MS: '4000', ANDON_SHUTDOWN_GRACE_SECONDS: '20' });
    const id = await c.open('equipment_fault', { equipment: { equipmentId: 'PRESS-8', faultCode: 'E2' } });
    await eventually(async () => (await h.erpDocuments(id)).length === 1, 'the ERP write to begin');
    const exited = new Promise<number | null>((r) => w.child.once('exit', r));
    w.child.kill('SIGTERM');
    const draining = await eventually(async () => {
      const r = await fetch(`${w.ops}/readyz`).catch(() => null);
      return r?.status === 503 ? ((await r.json()) as { checks: Record<string, string> }) : null;
    }, '/readyz to turn 503');
    assert.equal(draining.checks.accepting, 'failing');
    assert.equal(await exited, 0);
    children.delete(w.child);
    // The ERP call finished inside the grace period, on the worker that was stopping, first try.
    const history = await h.temporal.workflow.getHandle(`case-${id}`).fetchHistory();
    const events = history.events ?? [];
    const scheduled = events.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'erpCreate',
    );
    const done = events.find(
      (e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === String(scheduled?.eventId),
    );
    assert.equal(done?.activityTaskCompletedEventAttributes?.identity, w.identity);
    const started = events.find(
      (e) => String(e.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled?.eventId),
    );
    assert.equal(started?.activityTaskStartedEventAttributes?.attempt, 1);
    const next = await startWorker();
    await c.task(id, 'repair');
    const types = await c.types(id);
    assert.equal(types.filter((t) => t === 'erp_document').length, 1);
    assert.deepEqual(await c.docTypes(id), ['maintenance_request']);
    next.child.kill('SIGTERM');
  });
});

describe('the API process', () => {
  it('on SIGTERM lets a request under way finish, then exits', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/api.ts'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: h.databaseUrl,
        TEMPORAL_ADDRESS: h.temporalAddress,
        TEMPORAL_NAMESPACE: h.namespace,
        ANDON_TASK_QUEUE: h.taskQueue,
        ANDON_LINK_SECRET: TEST_LINK_SECRET,
        PORT: String(port),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    const base = `http://127.0.0.1:${port}`;
    await eventually(
      async () => (await fetch(`${base}/readyz`).catch(() => null))?.status === 200,
      'the API',
    );
    const ready = (await (await fetch(`${base}/readyz`)).json()) as { checks: Record<string, string> };
    assert.deepEqual([ready.checks.database, ready.checks.temporal], ['ok', 'ok']);
    assert.equal(ready.checks.accepting, undefined, 'named only while stopping');
    // A request under way: the server has read its headers (it answered "100 Continue"), its body
    // is sent only after the process was told to stop.
    const body = JSON.stringify({ name: 'drain test', email: 'drain@test.local' });
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    const answer = new Promise<number>((resolve, reject) => {
      const req = request(
        `${base}/api/v1/users`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${h.keys.admin}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            expect: '100-continue',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.on('continue', () => {
        child.kill('SIGTERM');
        setTimeout(() => req.end(body), 500);
      });
      req.flushHeaders();
    });
    assert.equal(await answer, 201, 'the request finished');
    assert.equal(await exited, 0);
    children.delete(child);
    await assert.rejects(fetch(`${base}/healthz`), 'no new connections');
  });
});
