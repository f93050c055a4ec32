/**
 * Every branch of the four SOPs, end to end through the API, on real parts (Temporal, Postgres,
 * SMTP, the ERP simulator). Durations are seconds. Each scenario checks the timeline's SOP steps
 * in order and the exact documents the ERP simulator holds; the histories are recorded for replay.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { caseApi, inSeconds, type CaseJson, type ProblemJson } from './helpers/cases.js';
import { startHarness, type Harness } from './helpers/harness.js';
import { recordHistory } from './helpers/histories.js';

let h: Harness;
let c: ReturnType<typeof caseApi>;

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url));
  c = caseApi(h);
  await h.addPerson({ name: 'Wang Fang', locale: 'zh-CN', roles: [{ role: 'purchasing' }] });
  await h.addPerson({ name: 'Sam Dispatch', roles: [{ role: 'dispatcher' }] });
  await h.addPerson({ name: 'Li Wei', roles: [{ role: 'maintenance', line: 'L1' }] });
  await h.addPerson({ name: 'Zhang Min', roles: [{ role: 'qc_engineer' }] });
  await h.addPerson({ name: 'Chen Jie', roles: [{ role: 'planner' }] });
  await h.addPerson({ name: 'Maria Service', roles: [{ role: 'customer_service' }] });
  await h.addPerson({ name: 'Sue Supervisor', roles: [{ role: 'supervisor' }] });
  await h.addPerson({ name: 'Pat Manager', roles: [{ role: 'plant_manager' }] });
  await h.setSopParams('equipment_fault', { downtimeThresholdSeconds: 3 });
});

after(async () => {
  await h?.stop();
});

const lineStock = async (item: string, location: string): Promise<number> => {
  const row = await h
    .db('erp_sim_stock')
    .where({ item_code: item, location })
    .first<{ qty: string } | undefined>('qty');
  return row ? Number(row.qty) : 0;
};

describe('material shortage SOP', () => {
  it('stock elsewhere: transfers it to the line and the dispatcher delivers it', async () => {
    const before = await lineStock('RM-1001', 'LINE-L1');
    const id = await c.open('material_shortage', {
      material: { itemCode: 'RM-1001', requiredQty: 100, uom: 'pcs', neededBy: inSeconds(3600) },
    });
    const dispatch = await c.task(id, 'dispatch');
    assert.equal(dispatch.role, 'dispatcher');
    assert.match(dispatch.title, /Move 100 pcs of RM-1001 from WH-MAIN\/A-01 to LINE-L1/);
    await c.decide(id, 'dispatch', 'delivered');

    const done = await c.waitFor(id, 'resolved', (x) => x.status === 'resolved');
    assert.match(done.resolution ?? '', /RM-1001 transferred from WH-MAIN/);
    assert.deepEqual(await c.steps(id), ['check_stock', 'transfer', 'dispatch']);
    assert.deepEqual(await c.docTypes(id), ['stock_transfer']);
    assert.equal(await lineStock('RM-1001', 'LINE-L1'), before + 100);
    await recordHistory(h, id, 'material-transfer');
  });

  it('no stock: raises a material request; purchasing confirms a supplier ETA; MES reports it received', async () => {
    const id = await c.open('material_shortage', {
      material: { itemCode: 'RM-2002', requiredQty: 40, uom: 'kg', neededBy: inSeconds(7 * 24 * 3600) },
    });
    const supplier = await c.task(id, 'supplier');
    assert.equal(supplier.role, 'purchasing');
    assert.deepEqual(
      supplier.options.map((o) => o.id),
      ['supplier_eta', 'alternate'],
    );
    await c.decide(id, 'supplier', 'supplier_eta', { eta: inSeconds(24 * 3600) });
    await c.waitFor(id, 'waiting for the material', (x) => x.currentStep === 'await_material');

    const received = await c.mes(id, 'material_received', { qty: 40 });
    assert.equal(received.status, 200);
    assert.equal((received.body as CaseJson).status, 'resolved');
    assert.equal((received.body as CaseJson).resolution, 'cleared by MES: material_received');
    assert.deepEqual(await c.steps(id), ['check_stock', 'material_request', 'supplier', 'await_material']);
    assert.deepEqual(await c.docTypes(id), ['material_request']);
    await recordHistory(h, id, 'material-request');
  });

  it('supplier ETA after the need-by: the planner adjusts the schedule and a linked order delay opens', async () => {
    const neededBy = inSeconds(3600);
    const id = await c.open('material_shortage', {
      material: { itemCode: 'RM-2002', requiredQty: 10, uom: 'kg', neededBy, workOrder: 'WO-1001' },
    });
    await c.decide(id, 'supplier', 'supplier_eta', { eta: inSeconds(3 * 24 * 3600) });
    const planner = await c.task(id, 'planner');
    assert.equal(planner.role, 'planner');

    const events = await c.waitForEvent(id, 'linked_case_opened');
    const childId = Number(events.find((e) => e.type === 'linked_case_opened')!.data.caseId);
    const child = await c.get(childId);
    assert.equal(child.type, 'order_delay');
    assert.equal(child.parentCaseId, id);
    // The linked case runs its own SOP: its planner decision is paged.
    const plan = await c.task(childId, 'plan');
    assert.equal(plan.role, 'planner');

    await c.decide(id, 'planner', 'schedule_adjusted');
    await c.waitFor(id, 'waiting for the material', (x) => x.currentStep === 'await_material');
    assert.deepEqual(await c.steps(id), [
      'check_stock',
      'material_request',
      'supplier',
      'reschedule',
      'await_material',
    ]);
    assert.deepEqual(await c.docTypes(id), ['material_request']);
    await recordHistory(h, id, 'material-late-supplier');
  });

  it('alternate material: the dispatcher brings it instead', async () => {
    const id = await c.open('material_shortage', {
      material: { itemCode: 'RM-2002', requiredQty: 5, uom: 'kg', neededBy: inSeconds(3600) },
    });
    await c.decide(id, 'supplier', 'alternate', { itemCode: 'RM-3003' });
    const dispatch = await c.task(id, 'dispatch');
    assert.match(dispatch.title, /alternate material RM-3003/);
    await c.decide(id, 'dispatch', 'delivered');
    const done = await c.waitFor(id, 'resolved', (x) => x.status === 'resolved');
    assert.match(done.resolution ?? '', /alternate RM-3003/);
    assert.deepEqual(await c.steps(id), ['check_stock', 'material_request', 'supplier', 'dispatch']);
    assert.deepEqual(await c.docTypes(id), ['material_request']);
  });
});

describe('equipment fault SOP', () => {
  it('repaired within the threshold: maintenance request only; MES running clears it; closure gated', async () => {
    const id = await c.open('equipment_fault', { equipment: { equipmentId: 'PRESS-3', faultCode: 'E42' } });
    await h.setSopParams('equipment_fault', { downtimeThresholdSeconds: 3 });
    const repair = await c.task(id, 'repair');
    assert.equal(repair.role, 'maintenance');
    assert.deepEqual(
      repair.assignees.map((a) => a.name),
      ['Li Wei'],
    );
    await c.decide(id, 'repair', 'repaired');
    await c.waitFor(id, 'waiting for MES', (x) => x.currentStep === 'await_running');

    const running = await c.mes(id, 'equipment_running', { downtimeMinutes: 2 });
    assert.equal((running.body as CaseJson).status, 'resolved');
    const refused = await c.post<ProblemJson>(id, 'close');
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail, /needs rootCause/);
    const closed = await c.post(id, 'close', { rootCause: 'worn hydraulic seal' });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.downtimeMinutes, 2);
    assert.deepEqual(await c.steps(id), ['maintenance_request', 'repair', 'await_running']);
    assert.deepEqual(await c.docTypes(id), ['maintenance_request']);
    await recordHistory(h, id, 'equipment-repaired');
  });

  it('repair ETA beyond the downtime threshold: reschedules the work orders and tells the planner', async () => {
    await h.setSopParams('equipment_fault', { downtimeThresholdSeconds: 600 });
    const id = await c.open('equipment_fault', {
      equipment: { equipmentId: 'PRESS-3', faultCode: 'HYD-LOW' },
    });
    await c.task(id, 'repair');
    const eta = await c.post(id, 'eta', { taskKey: 'repair', eta: inSeconds(3600) }, h.keys.staff);
    assert.equal(eta.status, 200, JSON.stringify(eta.body));
    const planner = await c.task(id, 'planner');
    assert.match(planner.title, /PRESS-3 is down beyond 10 min/);
    await c.decide(id, 'planner', 'plan_adjusted');
    await c.decide(id, 'repair', 'repaired');
    await c.waitFor(id, 'waiting for MES', (x) => x.currentStep === 'await_running');
    assert.deepEqual(await c.steps(id), ['maintenance_request', 'repair', 'reschedule', 'await_running']);
    assert.deepEqual(await c.docTypes(id), ['maintenance_request', 'work_order_reschedule']);
    const reschedule = (await h.erpDocuments(id))[1]!;
    assert.ok(Number((reschedule.data as { delayMinutes?: number }).delayMinutes) >= 60);
    await c.mes(id, 'equipment_running');
    await recordHistory(h, id, 'equipment-eta-beyond');
  });

  it('still down when the threshold passes: reschedules without waiting for an ETA', async () => {
    await h.setSopParams('equipment_fault', { downtimeThresholdSeconds: 2 });
    const id = await c.open('equipment_fault', { equipment: { equipmentId: 'PRESS-3', faultCode: 'E99' } });
    await c.task(id, 'planner');
    assert.deepEqual(await c.docTypes(id), ['maintenance_request', 'work_order_reschedule']);
    const res = await c.mes(id, 'equipment_running', { downtimeMinutes: 1 });
    assert.equal((res.body as CaseJson).status, 'resolved');
    // Clearing cancels what the SOP still had open.
    const live = (await c.get(id)).live!;
    assert.deepEqual(
      live.tasks.map((t) => [t.key, t.status]),
      [
        ['repair', 'cancelled'],
        ['planner', 'cancelled'],
      ],
    );
    assert.deepEqual(await c.steps(id), ['maintenance_request', 'repair', 'reschedule']);
  });
});

describe('quality failure SOP', () => {
  it('holds the lot at once, executes the QC decision, and gates closure on root cause and CAPA', async () => {
    const id = await c.open('quality_failure', {
      quality: { lot: 'LOT-5521', itemCode: 'FG-200', defectCode: 'D-SCRATCH', qtyAffected: 40 },
    });
    const decision = await c.task(id, 'disposition');
    assert.deepEqual(await c.docTypes(id), ['quality_hold']);
    const lot = await h
      .db('erp_sim_lots')
      .where({ lot: 'LOT-5521' })
      .first<{ status: string; warehouse: string }>('status', 'warehouse');
    assert.deepEqual(lot, { status: 'on_hold', warehouse: 'QUARANTINE' });
    assert.deepEqual(
      decision.options.map((o) => o.id),
      ['return_to_supplier', 'rework', 'scrap', 'concession', 'recall'],
    );
    await c.decide(id, 'disposition', 'scrap', undefined, 'scratches too deep to polish');
    const done = await c.waitFor(id, 'resolved', (x) => x.status === 'resolved');
    assert.match(done.resolution ?? '', /Scrap executed for lot LOT-5521/);
    assert.deepEqual(await c.docTypes(id), ['quality_hold', 'disposition']);
    assert.equal(
      (await h.db('erp_sim_lots').where({ lot: 'LOT-5521' }).first<{ status: string }>('status')).status,
      'scrapped',
    );

    const refused = await c.post<ProblemJson>(id, 'close', { rootCause: 'fixture misaligned' });
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail, /closing a quality_failure case needs correctiveAction/);
    const closed = await c.post(id, 'close', {
      rootCause: 'fixture misaligned',
      correctiveAction: 'add a poka-yoke pin',
    });
    assert.equal(closed.status, 200);
    assert.equal(closed.body.correctiveAction, 'add a poka-yoke pin');
    assert.deepEqual(await c.steps(id), ['hold', 'disposition_decision', 'execute_disposition']);
    await recordHistory(h, id, 'quality-scrap');
  });

  it('supplier lot that shipped: purchasing claims, the lot returns to the supplier, customer service recalls', async () => {
    const id = await c.open('quality_failure', {
      quality: {
        lot: 'LOT-7781',
        itemCode: 'RM-3003',
        defectCode: 'D-HARDNESS',
        qtyAffected: 200,
        supplier: 'Acme Metals',
        shipped: true,
      },
    });
    const supplier = await c.task(id, 'supplier');
    assert.equal(supplier.role, 'purchasing');
    await c.decide(id, 'disposition', 'return_to_supplier');
    await c.decide(id, 'supplier', 'supplier_notified');
    const recall = await c.task(id, 'recall');
    assert.equal(recall.role, 'customer_service');
    await c.decide(id, 'recall', 'recall_done');
    await c.waitFor(id, 'resolved', (x) => x.status === 'resolved');
    assert.deepEqual(await c.steps(id), ['hold', 'disposition_decision', 'execute_disposition', 'recall']);
    assert.deepEqual(await c.docTypes(id), ['quality_hold', 'disposition']);
    assert.equal(
      (await h.db('erp_sim_lots').where({ lot: 'LOT-7781' }).first<{ status: string }>('status')).status,
      'returned',
    );
    await recordHistory(h, id, 'quality-recall');
  });
});

describe('order delay SOP', () => {
  it('new date: ERP work-order dates updated, customer notified once customer service approves', async () => {
    const id = await c.open('order_delay', {
      order: {
        orderId: 'WO-1001',
        promisedDate: '2026-12-01',
        projectedDate: '2026-12-04',
        customer: 'ACME',
      },
    });
    const plan = await c.task(id, 'plan');
    assert.equal(plan.role, 'planner');
    const missing = await c.post<ProblemJson>(
      id,
      'decisions',
      { taskKey: 'plan', option: 'new_date' },
      h.keys.staff,
    );
    assert.equal(missing.status, 409);
    assert.match(missing.body.detail, /option new_date needs newDate/);
    await c.decide(id, 'plan', 'new_date', { newDate: '2026-12-05' });
    const approval = await c.task(id, 'customer_notice');
    assert.equal(approval.role, 'customer_service');
    await c.decide(id, 'customer_notice', 'approve');
    const done = await c.waitFor(id, 'resolved', (x) => x.status === 'resolved');
    assert.equal(done.resolution, 'new date 2026-12-05 confirmed for order WO-1001');
    assert.deepEqual(await c.steps(id), ['plan_decision', 'update_work_order', 'customer_notification']);
    assert.deepEqual(await c.docTypes(id), ['work_order_date_change', 'customer_notice']);
    const wo = await h
      .db('erp_sim_work_orders')
      .where({ order_id: 'WO-1001' })
      .first<{ due_date: Date }>('due_date');
    assert.equal(new Date(wo.due_date).toISOString().slice(0, 10), '2026-12-05');
    await recordHistory(h, id, 'order-new-date');
  });

  it('customer service tells the customer personally: no ERP notice', async () => {
    const id = await c.open('order_delay', {
      order: { orderId: 'WO-1002', promisedDate: '2026-12-01', projectedDate: '2026-12-02' },
    });
    await c.decide(id, 'plan', 'new_date', { newDate: '2026-12-03' });
    await c.decide(id, 'customer_notice', 'handled_personally');
    await c.waitFor(id, 'resolved', (x) => x.status === 'resolved');
    assert.deepEqual(await c.docTypes(id), ['work_order_date_change']);
  });

  it('keep the plan: waits until MES reports the order back on track', async () => {
    const id = await c.open('order_delay', {
      order: { orderId: 'WO-1003', promisedDate: '2026-12-01', projectedDate: '2026-12-02' },
    });
    await c.decide(id, 'plan', 'keep_plan');
    await c.waitFor(id, 'waiting for MES', (x) => x.currentStep === 'await_back_on_track');
    const wrong = await c.mes(id, 'equipment_running');
    assert.equal(wrong.status, 400);
    assert.deepEqual(
      (wrong.body as ProblemJson).errors?.map((e) => e.field),
      ['kind'],
    );
    const back = await c.mes(id, 'back_on_track');
    assert.equal((back.body as CaseJson).status, 'resolved');
    assert.deepEqual(await c.steps(id), ['plan_decision', 'await_back_on_track']);
    assert.deepEqual(await c.docTypes(id), []);
    await recordHistory(h, id, 'order-back-on-track');
  });

  it('an ERP refusal hands the step to a supervisor instead of failing the case', async () => {
    const id = await c.open('order_delay', {
      order: { orderId: 'WO-UNKNOWN', promisedDate: '2026-12-01', projectedDate: '2026-12-02' },
    });
    await c.decide(id, 'plan', 'new_date', { newDate: '2026-12-09' });
    const takeover = await c.task(id, 'takeover');
    assert.equal(takeover.role, 'supervisor');
    assert.match(takeover.title, /update_work_order/);
    const events = await c.events(id);
    const failed = events.find((e) => e.type === 'sop_failed');
    assert.match(String(failed?.data.error), /WO-UNKNOWN/);
    assert.deepEqual(await c.docTypes(id), []);
    await c.decide(id, 'takeover', 'done_by_hand');
    const res = await c.post(id, 'resolve', { resolution: 'dates changed by hand in the ERP' }, h.keys.staff);
    assert.equal(res.body.status, 'resolved');
  });
});
