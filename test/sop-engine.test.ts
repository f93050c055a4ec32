/**
 * The engine under the SOPs: escalation repeats, the resolve SLA, missed ETAs, reassignment,
 * comments, cancel, reopen and recurrence, ERP retries, continue-as-new, and the admin catalog.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { injectErpFault } from '../activities/erp/simulator.js';
import { caseApi, inSeconds, type CaseJson, type ProblemJson } from './helpers/cases.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { recordHistory } from './helpers/histories.js';

let h: Harness;
let c: ReturnType<typeof caseApi>;
let chen: number;

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url));
  c = caseApi(h);
  await h.addPerson({ name: 'Li Wei', roles: [{ role: 'maintenance', line: 'L1' }] });
  await h.addPerson({ name: 'Zhang Min', roles: [{ role: 'qc_engineer' }] });
  await h.addPerson({ name: 'Wang Fang', roles: [{ role: 'purchasing' }] });
  await h.addPerson({ name: 'Sue Supervisor', roles: [{ role: 'supervisor' }] });
  await h.addPerson({ name: 'Pat Manager', roles: [{ role: 'plant_manager' }] });
  await h.addPerson({ name: 'Ana Planner', roles: [{ role: 'planner', line: 'L1' }] });
  chen = await h.addPerson({ name: 'Chen Jie', roles: [{ role: 'planner', line: 'L9' }] });
});

after(async () => {
  await h?.stop();
});

const mailsTo = (id: number, address: string) =>
  h.mail.messages.filter((m) => new RegExp(`#${id}(?!\\d)`).test(m.subject) && m.to.includes(address));

describe('escalation', () => {
  it('pages the top level again as often as the policy says, then waits', async () => {
    await h.setPolicy({
      type: 'order_delay',
      line: 'L-REPEAT',
      ladder: [
        { targetRole: 'planner', ackTimeoutSeconds: 1 },
        { targetRole: 'plant_manager', ackTimeoutSeconds: 1 },
      ],
      repeatCount: 2,
    });
    await h.addPerson({ name: 'Rita Repeat', roles: [{ role: 'planner', line: 'L-REPEAT' }] });
    const id = await c.open('order_delay', { line: 'L-REPEAT' });
    const events = await c.waitForEvent(
      id,
      'escalated',
      (e) => e.data.reason === 'repeat' && e.data.toLevel === 1,
    );

    // No deadline while a page is going out (storm paging) nor once the ladder ran out: the third page counts.
    const final = await c.waitFor(
      id,
      'the ladder to run out',
      (x) => x.live?.tasks[0]?.ackDeadline === null && mailsTo(id, 'pat.manager@test.local').length === 3,
    );
    assert.equal(final.live?.tasks[0]?.level, 1);
    const all = await c.events(id);
    const reasons = all.filter((e) => e.type === 'escalated').map((e) => e.data.reason);
    assert.deepEqual(reasons, ['ack_timeout', 'repeat', 'repeat']);
    assert.equal(mailsTo(id, 'pat.manager@test.local').length, 3);
    assert.ok(events.length > 0);
  });

  it('records a missed resolve SLA and pages the top level', async () => {
    await h.setPolicy({
      type: 'quality_failure',
      line: 'L-SLA',
      ladder: [
        { targetRole: 'qc_engineer', ackTimeoutSeconds: 600 },
        { targetRole: 'supervisor', ackTimeoutSeconds: 600 },
        { targetRole: 'plant_manager', ackTimeoutSeconds: 600 },
      ],
      resolveSlaSeconds: 2,
    });
    const id = await c.open('quality_failure', { line: 'L-SLA' });
    await c.post(id, 'ack', { taskKey: 'disposition' }, h.keys.staff);
    const events = await c.waitForEvent(id, 'sla_breached');
    assert.deepEqual(events.find((e) => e.type === 'sla_breached')?.data.role, 'plant_manager');
    const mail = await h.mail.waitFor(
      (m) => m.subject.includes(`#${id}`) && m.to.includes('pat.manager@test.local'),
    );
    assert.match(mail.text, /SLA|时限/);
    const now = await c.waitFor(id, 'the breach on the case', (x) => x.slaBreached);
    assert.equal(now.live?.slaBreached, true);
    await recordHistory(h, id, 'sla-breached');
  });

  it('re-escalates when the ETA an assignee gave passes without resolution', async () => {
    const id = await c.open('equipment_fault', { equipment: { equipmentId: 'CNC-2', faultCode: 'AXIS' } });
    await c.task(id, 'repair');
    const eta = await c.post(id, 'eta', { taskKey: 'repair', eta: inSeconds(2) }, h.keys.staff);
    assert.equal(eta.status, 200, JSON.stringify(eta.body));
    assert.equal(eta.body.status, 'acknowledged');
    const events = await c.waitForEvent(id, 'eta_missed');
    assert.equal(events.find((e) => e.type === 'eta_missed')?.data.role, 'supervisor');
    await h.mail.waitFor((m) => m.subject.includes(`#${id}`) && m.to.includes('sue.supervisor@test.local'));
    const past = await c.post<ProblemJson>(
      id,
      'eta',
      { taskKey: 'repair', eta: '2020-01-01T00:00:00Z' },
      h.keys.staff,
    );
    assert.equal(past.status, 409);
    assert.match(past.body.detail, /future/);
  });
});

describe('human actions', () => {
  it('reassigns a task to a person, who is paged and acknowledges', async () => {
    const id = await c.open('order_delay', { line: 'L1' });
    const plan = await c.task(id, 'plan');
    assert.deepEqual(
      plan.assignees.map((a) => a.name),
      ['Ana Planner'],
    );
    const res = await c.post(id, 'reassign', { taskKey: 'plan', personId: chen, reason: 'Ana is off today' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await h.mail.waitFor((m) => m.subject.includes(`#${id}`) && m.to.includes('chen.jie@test.local'));
    const events = await c.waitForEvent(id, 'reassigned');
    assert.deepEqual(events.find((e) => e.type === 'reassigned')?.data.to, {
      role: 'planner',
      personId: chen,
      name: 'Chen Jie',
    });
    const unknown = await c.post<ProblemJson>(id, 'reassign', { taskKey: 'plan', personId: 999999 });
    assert.equal(unknown.status, 400);
    assert.deepEqual(
      unknown.body.errors?.map((e) => e.field),
      ['personId'],
    );
    const staff = await c.post<ProblemJson>(
      id,
      'reassign',
      { taskKey: 'plan', role: 'supervisor' },
      h.keys.staff,
    );
    assert.equal(staff.status, 403);
  });

  it('asks which task when an answer fits several, and refuses an unknown option', async () => {
    const id = await c.open('quality_failure', {
      quality: {
        lot: 'LOT-9001',
        itemCode: 'FG-310',
        defectCode: 'D-BURR',
        qtyAffected: 12,
        supplier: 'Acme',
      },
    });
    await c.task(id, 'disposition');
    await c.task(id, 'supplier');
    const ambiguous = await c.post<ProblemJson>(id, 'decisions', { option: 'rework' }, h.keys.staff);
    assert.equal(ambiguous.status, 409);
    assert.match(ambiguous.body.detail, /name one with taskKey \(disposition, supplier\)/);
    const unknown = await c.post<ProblemJson>(
      id,
      'decisions',
      { taskKey: 'disposition', option: 'burn_it' },
      h.keys.staff,
    );
    assert.equal(unknown.status, 409);
    assert.match(unknown.body.detail, /no option burn_it/);
    const one = await c.post(id, 'ack', { taskKey: 'supplier' }, h.keys.staff);
    assert.deepEqual(
      one.body.live?.tasks.map((t) => [t.key, t.status]),
      [
        ['disposition', 'open'],
        ['supplier', 'acked'],
      ],
    );
  });

  it('keeps comments on the timeline and cancels a case with a reason', async () => {
    const id = await c.open('order_delay');
    await c.task(id, 'plan');
    assert.equal((await c.post(id, 'comments', { text: 'customer called twice' }, h.keys.staff)).status, 200);
    const empty = await c.post<ProblemJson>(id, 'comments', { text: '  ' }, h.keys.staff);
    assert.equal(empty.status, 400);
    const cancelled = await c.post(id, 'cancel', { reason: 'duplicate of another report' });
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.status, 'cancelled');
    assert.deepEqual(
      cancelled.body.live?.tasks.map((t) => t.status),
      ['cancelled'],
    );
    const late = await c.post<ProblemJson>(id, 'ack', {}, h.keys.staff);
    assert.equal(late.status, 409);
    const types = await c.types(id);
    assert.ok(types.indexOf('comment') < types.indexOf('cancelled'));
  });

  it('reopens within the window as the same case, with a follow-up task', async () => {
    const id = await c.open('order_delay');
    await c.decide(id, 'plan', 'keep_plan');
    await c.waitFor(id, 'waiting for MES', (x) => x.currentStep === 'await_back_on_track');
    await c.mes(id, 'back_on_track');
    assert.equal((await c.post(id, 'close')).status, 200);
    const reopened = await c.post(id, 'reopen', { reason: 'late again the next day' });
    assert.equal(reopened.status, 200, JSON.stringify(reopened.body));
    assert.equal(reopened.body.id, id);
    assert.equal(reopened.body.status, 'open');
    assert.equal(reopened.body.reopenCount, 1);
    const followUp = await c.task(id, 'follow_up');
    assert.equal(followUp.role, 'planner');
    assert.match(followUp.title, /late again the next day/);
    await c.decide(id, 'follow_up', 'fixed', undefined, 'moved the order to line L2');
    const done = await c.waitFor(id, 'resolved again', (x) => x.status === 'resolved');

    assert.equal(done.resolution, 'moved the order to line L2');
    await recordHistory(h, id, 'reopened');
  });

  it('opens a linked recurrence when the reopen window has passed', async () => {
    await h.db('exception_types').where({ code: 'equipment_fault' }).update({ reopen_window_seconds: 0 });
    try {
      const id = await c.open('equipment_fault', { equipment: { equipmentId: 'PRESS-9', faultCode: 'E1' } });
      await c.task(id, 'repair');
      await c.post(
        id,
        'resolve',
        { resolution: 'reset', rootCause: 'loose cable', downtimeMinutes: 5 },
        h.keys.staff,
      );
      assert.equal((await c.post(id, 'close')).status, 200);
      const res = await c.post(id, 'reopen', { reason: 'same fault again' });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.notEqual(res.body.id, id);
      assert.equal(res.body.recurrenceOf, id);
      assert.equal(res.body.type, 'equipment_fault');
      await c.task(res.body.id, 'repair');
      const original = await c.events(id);
      assert.equal(original.at(-1)?.type, 'reopened');
      assert.equal(original.at(-1)?.data.recurrence, res.body.id);
    } finally {
      await h
        .db('exception_types')
        .where({ code: 'equipment_fault' })
        .update({ reopen_window_seconds: 7 * 24 * 3600 });
    }
  });

  it('refuses a reopen of a case that is not resolved', async () => {
    const id = await c.open('order_delay');
    const res = await c.post<ProblemJson>(id, 'reopen', { reason: 'why not' });
    assert.equal(res.status, 409);
  });
});

describe('durability', () => {
  it('retries an ERP call that fails, and creates exactly one document', async () => {
    await injectErpFault(h.db, 'createMaintenanceRequest', 2);
    const id = await c.open('equipment_fault', {
      equipment: { equipmentId: 'ROBOT-4', faultCode: 'COLLISION' },
    });
    await c.task(id, 'repair');
    assert.deepEqual(await c.docTypes(id), ['maintenance_request']);
    assert.equal((await c.types(id)).filter((t) => t === 'erp_document').length, 1);
    const fault = await h
      .db('erp_sim_faults')
      .where({ operation: 'createMaintenanceRequest' })
      .first<{ remaining: number }>('remaining');
    assert.equal(fault.remaining, 0);
  });

  it('continues as new when the history grows, losing nothing', async () => {
    await h.setSopParams('order_delay', { historyLimit: 120 });
    try {
      const id = await c.open('order_delay');
      await c.task(id, 'plan');
      for (let i = 1; i <= 40; i++) {
        const res = await c.post(id, 'comments', { text: `note ${i}` }, h.keys.staff);
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
      const runs: string[] = [];
      for await (const run of h.temporal.workflow.list({ query: `WorkflowId = 'case-${id}'` }))
        runs.push(run.runId);
      assert.ok(runs.length >= 2, `expected a continue-as-new, found ${runs.length} run(s)`);

      // The continued run still has the open task and takes the rest of the case.
      await c.decide(id, 'plan', 'keep_plan');
      const res = await c.mes(id, 'back_on_track');
      assert.equal((res.body as CaseJson).status, 'resolved');
      assert.equal((await c.post(id, 'close')).status, 200);
      const comments = (await c.events(id)).filter((e) => e.type === 'comment').map((e) => e.data.text);
      assert.deepEqual(
        comments,
        Array.from({ length: 40 }, (_, i) => `note ${i + 1}`),
      );
      assert.equal((await c.types(id)).filter((t) => t === 'notified').length, 1);
    } finally {
      await h.setSopParams('order_delay', {});
    }
  });
});

describe('catalog and policies (admin API)', () => {
  it('lists the catalog with names in both languages and reason codes', async () => {
    const res = await h.api<{
      exceptionTypes: Array<{ code: string; nameZh: string; reasonCodes: Array<{ code: string }> }>;
    }>('GET', '/api/v1/exception-types', { key: h.keys.staff });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.exceptionTypes.map((t) => t.code),
      ['equipment_fault', 'material_shortage', 'order_delay', 'quality_failure'],
    );
    assert.equal(res.body.exceptionTypes.find((t) => t.code === 'equipment_fault')?.nameZh, '设备故障');
    assert.ok(res.body.exceptionTypes.every((t) => t.reasonCodes.length > 0));
  });

  it('edits SOP parameters and reason codes, validating them', async () => {
    const bad = await h.api<ProblemJson>('PUT', '/api/v1/exception-types/equipment_fault', {
      body: { nameEn: 'Equipment fault', nameZh: '设备故障', sopParams: { downtimeThresholdSeconds: -5 } },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.errors?.map((e) => e.field),
      ['sopParams.downtimeThresholdSeconds'],
    );
    const staff = await h.api<ProblemJson>('PUT', '/api/v1/exception-types/equipment_fault', {
      key: h.keys.supervisor,
      body: { nameEn: 'x', nameZh: 'x' },
    });
    assert.equal(staff.status, 403);
    const ok = await h.api<{
      sopParams: Record<string, number>;
      reasonCodes: Array<{ code: string; active: boolean }>;
    }>('PUT', '/api/v1/exception-types/equipment_fault', {
      body: {
        nameEn: 'Equipment fault',
        nameZh: '设备故障',
        sopParams: { downtimeThresholdSeconds: 900 },
        reasonCodes: [{ code: 'EF-MECHANICAL', nameEn: 'Mechanical failure', nameZh: '机械故障' }],
      },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.sopParams.downtimeThresholdSeconds, 900);
    assert.deepEqual(
      ok.body.reasonCodes.filter((r) => r.active).map((r) => r.code),
      ['EF-MECHANICAL'],
    );
  });

  it('creates and replaces policies per scope, naming bad fields', async () => {
    const bad = await h.api<ProblemJson>('POST', '/api/v1/policies', {
      body: {
        type: 'order_delay',
        ladder: [{ targetRole: 'wizard', channels: [], ackTimeoutSeconds: 0 }],
        resolveSlaSeconds: 60,
      },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors?.map((e) => e.field).sort(), [
      'ladder.0.ackTimeoutSeconds',
      'ladder.0.channels',
      'ladder.0.targetRole',
    ]);
    const body = {
      type: 'order_delay',
      severity: 'critical',
      line: 'L7',
      ladder: [{ targetRole: 'planner', channels: ['email'], ackTimeoutSeconds: 120 }],
      resolveSlaSeconds: 7200,
    };
    const created = await h.api<{ id: number; repeatCount: number }>('POST', '/api/v1/policies', { body });
    assert.equal(created.status, 201);
    const replaced = await h.api<{ id: number; repeatCount: number }>('POST', '/api/v1/policies', {
      body: { ...body, repeatCount: 3 },
    });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.id, created.body.id);
    assert.equal(replaced.body.repeatCount, 3);
    // A case opened now snapshots it; the policy changing later does not touch the running case.
    const id = await c.open('order_delay', { line: 'L7', severity: 'critical' });
    await h.api('POST', '/api/v1/policies', { body: { ...body, resolveSlaSeconds: 60 } });
    const opened = await h.api<{ policy: { resolveSlaSeconds: number; repeatCount: number } }>(
      'GET',
      `/api/v1/cases/${id}`,
    );
    assert.deepEqual([opened.body.policy.resolveSlaSeconds, opened.body.policy.repeatCount], [7200, 3]);
    const gone = await h.api('DELETE', `/api/v1/policies/${created.body.id}`);
    assert.equal(gone.status, 204);
    assert.equal((await h.api('GET', `/api/v1/policies/${created.body.id}`)).status, 404);
  });
});
