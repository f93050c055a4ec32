/**
 * Durability against a crashing worker: the worker runs as its own process (bin/worker.ts) and is
 * killed with SIGKILL — while a case waits on an ack timer, and while an ERP call is in flight — then
 * a new worker process takes over. The cases finish with exactly one ERP document and no message
 * sent twice.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { caseApi, type CaseJson } from './helpers/cases.js';
import { startHarness, TEST_LINK_SECRET, type Harness } from './helpers/harness.js';
import { eventually } from './helpers/wait.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let h: Harness;
let c: ReturnType<typeof caseApi>;
const workers = new Set<ChildProcess>();

/** Starts bin/worker.ts as a separate process and resolves once it polls its task queue. */
function startWorker(env: Record<string, string> = {}): Promise<ChildProcess> {
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
  workers.add(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (output.includes('Andon worker running')) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it ran:\n${output}`)));
  });
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  workers.delete(child);
}

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url), { worker: false });
  c = caseApi(h);
  await h.addPerson({ name: 'Li Wei', roles: [{ role: 'maintenance', line: 'L1' }] });
  await h.addPerson({ name: 'Kim Planner', roles: [{ role: 'planner' }] });
  await h.addPerson({ name: 'Sue Supervisor', roles: [{ role: 'supervisor' }] });
});

after(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await h?.stop();
});

const mailsFor = (id: number) => h.mail.messages.filter((m) => new RegExp(`#${id}(?!\\d)`).test(m.subject));

describe('a worker killed mid-case', () => {
  it('while the case waits on an ack timer: the new worker escalates on time, nothing is sent twice', async () => {
    await h.setPolicy({
      type: 'order_delay',
      ladder: [
        { targetRole: 'planner', ackTimeoutSeconds: 3 },
        { targetRole: 'supervisor', ackTimeoutSeconds: 600 },
      ],
    });
    const first = await startWorker();
    const id = await c.open('order_delay', {
      order: { orderId: 'WO-1002', promisedDate: '2026-12-01', projectedDate: '2026-12-02' },
    });
    await c.task(id, 'plan'); // paged: the case now waits on the 3 s ack timer
    await kill(first);

    const second = await startWorker();
    await h.mail.waitFor(
      (m) => new RegExp(`#${id}(?!\\d)`).test(m.subject) && m.to.includes('sue.supervisor@test.local'),
      60_000,
    );
    await c.decide(id, 'plan', 'keep_plan');
    await c.waitFor(id, 'waiting for MES', (x) => x.currentStep === 'await_back_on_track');
    const cleared = await c.mes(id, 'back_on_track');
    assert.equal((cleared.body as CaseJson).status, 'resolved');
    assert.equal((await c.post(id, 'close')).status, 200);

    assert.deepEqual(
      mailsFor(id)
        .map((m) => m.to.join())
        .sort(),
      ['kim.planner@test.local', 'sue.supervisor@test.local'],
    );
    const notifications = await h.db('notifications').where({ case_id: id }).select('recipient', 'attempts');
    assert.equal(notifications.length, 2);
    const types = await c.types(id);
    assert.equal(types.filter((t) => t === 'escalated').length, 1);
    assert.equal(types.filter((t) => t === 'notified').length, 2);
    await kill(second);
  });

  it('while an ERP call is in flight: the retry finds the document instead of making a second one', async () => {
    await h.setSopParams('equipment_fault', { erpTimeoutSeconds: 3 });
    // The first worker's ERP answers 20 s after writing: it is killed in between.
    const first = await startWorker({ ANDON_ERP_SIM_LATENCY_MS: '20000' });
    const id = await c.open('equipment_fault', { equipment: { equipmentId: 'PRESS-3', faultCode: 'E77' } });
    await eventually(
      async () => (await h.erpDocuments(id)).length === 1,
      'the maintenance request to be written',
      30_000,
    );
    await kill(first);

    const second = await startWorker();
    const repair = await c.task(id, 'repair');
    assert.deepEqual(
      repair.assignees.map((a) => a.name),
      ['Li Wei'],
    );
    await c.decide(id, 'repair', 'repaired');
    await c.waitFor(id, 'waiting for MES', (x) => x.currentStep === 'await_running');
    await c.mes(id, 'equipment_running', { downtimeMinutes: 4 });
    assert.equal((await c.post(id, 'close', { rootCause: 'sensor cable cut' })).status, 200);

    assert.deepEqual(await c.docTypes(id), ['maintenance_request']);
    const types = await c.types(id);
    assert.equal(types.filter((t) => t === 'erp_document').length, 1);
    assert.equal(mailsFor(id).length, 1);
    assert.equal((await h.db('notifications').where({ case_id: id }).select('id')).length, 1);

    await kill(second);
  });
});
