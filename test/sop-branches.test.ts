/**
 * Every branch of the four SOPs on a scripted context (test/helpers/fake-sop-context.ts): no
 * Temporal, no database, milliseconds each. test/sop.test.ts runs the main paths end to end.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DISPOSITIONS, type Disposition } from '../domain/model.js';
import { runSop } from './helpers/fake-sop-context.js';

const OPENED = '2030-01-07T08:00:00.000Z';
const at = (minutes: number): string => new Date(Date.parse(OPENED) + minutes * 60_000).toISOString();

describe('material shortage SOP', () => {
  const facts = {
    itemCode: 'BOLT-M8',
    requiredQty: 100,
    uom: 'pcs',
    neededBy: at(240),
    workOrder: 'WO-1',
  };

  it('transfers stock found elsewhere and resolves once the dispatcher delivers', async () => {
    const r = await runSop({
      type: 'material_shortage',
      facts,
      stock: {
        'BOLT-M8': [
          { warehouse: 'WH1', location: 'A-1', itemCode: 'BOLT-M8', qty: 40 },
          { warehouse: 'WH2', location: 'B-2', itemCode: 'BOLT-M8', qty: 150 },
        ],
      },
      answers: { dispatch: { option: 'delivered', afterMinutes: 20 } },
    });
    assert.deepEqual(r.steps, ['check_stock', 'transfer', 'dispatch']);
    assert.deepEqual(r.calls[1], {
      kind: 'stock',
      step: 'check_stock',
      itemCode: 'BOLT-M8',
      excludeLocation: 'LINE-L1',
    });
    assert.deepEqual(r.erp[0]?.request, {
      op: 'createStockTransfer',
      itemCode: 'BOLT-M8',
      qty: 100,
      fromWarehouse: 'WH2',
      fromLocation: 'B-2',
      toLocation: 'LINE-L1',
    });
    assert.deepEqual(
      r.tasks.map((t) => [t.key, t.role]),
      [['dispatch', 'dispatcher']],
    );
    assert.match(r.tasks[0]!.title, /WH2\/B-2 to LINE-L1 \(transfer DOC-1\)/);
    assert.deepEqual(r.outcome, {
      resolve: true,
      resolution: 'BOLT-M8 transferred from WH2 (DOC-1) and delivered',
    });
  });

  it('raises a material request when no location has enough, and waits for the supplier', async () => {
    const r = await runSop({
      type: 'material_shortage',
      facts,
      stock: { 'BOLT-M8': [{ warehouse: 'WH1', location: 'A-1', itemCode: 'BOLT-M8', qty: 99 }] },
      answers: { supplier: { option: 'supplier_eta', data: { eta: at(120) } } },
    });
    assert.deepEqual(r.steps, ['check_stock', 'material_request', 'supplier', 'await_material']);
    assert.deepEqual(r.erp[0]?.request, {
      op: 'createMaterialRequest',
      itemCode: 'BOLT-M8',
      qty: 100,
      uom: 'pcs',
      neededBy: at(240),
      workOrder: 'WO-1',
    });
    assert.deepEqual(
      r.tasks.map((t) => [t.key, t.role]),
      [['supplier', 'purchasing']],
    );
    assert.deepEqual(
      r.tasks[0]!.options.map((o) => o.id),
      ['supplier_eta', 'alternate'],
    );
    assert.equal(r.linked.length, 0, 'an ETA before the need-by time delays nothing');
    assert.deepEqual(r.outcome, { resolve: false });
  });

  it('leaves out the work order of a request that has none', async () => {
    const { workOrder: _, ...noOrder } = facts;
    const r = await runSop({
      type: 'material_shortage',
      facts: noOrder,
      answers: { supplier: { option: 'supplier_eta', data: { eta: at(60) } } },
    });
    assert.equal('workOrder' in (r.erp[0]?.request ?? {}), false);
  });

  it('dispatches an alternate material and resolves', async () => {
    const r = await runSop({
      type: 'material_shortage',
      facts,
      answers: {
        supplier: { option: 'alternate', data: { itemCode: 'BOLT-M8-ALT' } },
        dispatch: { option: 'delivered', afterMinutes: 15 },
      },
    });
    assert.deepEqual(r.steps, ['check_stock', 'material_request', 'supplier', 'dispatch']);
    assert.equal(r.erp.length, 1, 'no transfer document for an alternate');
    assert.match(r.tasks[1]!.title, /alternate material BOLT-M8-ALT \(instead of BOLT-M8\) to LINE-L1/);
    assert.deepEqual(r.outcome, {
      resolve: true,
      resolution: 'alternate BOLT-M8-ALT delivered instead of BOLT-M8',
    });
  });

  it('opens a linked order delay and asks the planner when the supplier is late', async () => {
    const eta = '2030-01-09T10:00:00.000Z';
    const r = await runSop({
      type: 'material_shortage',
      facts,
      answers: {
        supplier: { option: 'supplier_eta', data: { eta } },
        planner: { option: 'schedule_adjusted', afterMinutes: 30 },
      },
    });
    assert.deepEqual(r.steps, [
      'check_stock',
      'material_request',
      'supplier',
      'reschedule',
      'await_material',
    ]);
    assert.deepEqual(r.linked, [
      {
        step: 'order_delay',
        caseId: 101,
        request: {
          type: 'order_delay',
          title: `Order delay: BOLT-M8 arrives ${eta}, after the need-by ${at(240)}`,
          details: { orderId: 'WO-1', promisedDate: '2030-01-07', projectedDate: '2030-01-09' },
        },
      },
    ]);
    assert.deepEqual(
      r.tasks.map((t) => [t.key, t.role]),
      [
        ['supplier', 'purchasing'],
        ['planner', 'planner'],
      ],
    );
    assert.deepEqual(r.outcome, { resolve: false });
  });

  it('projects a late ETA on the need-by day to the day after, and names the order by line and item', async () => {
    const { workOrder: _, ...noOrder } = facts;
    const r = await runSop({
      type: 'material_shortage',
      facts: noOrder,
      answers: {
        supplier: { option: 'supplier_eta', data: { eta: at(300) } },
        planner: { option: 'schedule_adjusted' },
      },
    });
    assert.deepEqual(r.linked[0]?.request.details, {
      orderId: 'L1-BOLT-M8',
      promisedDate: '2030-01-07',
      projectedDate: '2030-01-08',
    });
  });
});

describe('equipment fault SOP', () => {
  const facts = { equipmentId: 'PRESS-3', faultCode: 'E42', stopped: true };
  const params = { downtimeThresholdSeconds: 30 * 60 };

  it('creates a maintenance request and waits for the machine when it is repaired in time', async () => {
    const r = await runSop({
      type: 'equipment_fault',
      facts,
      params,
      answers: { repair: { option: 'repaired', afterMinutes: 10 } },
    });
    assert.deepEqual(r.steps, ['maintenance_request', 'repair', 'await_running']);
    assert.deepEqual(r.erp[0]?.request, {
      op: 'createMaintenanceRequest',
      equipmentId: 'PRESS-3',
      faultCode: 'E42',
      description: 'test equipment_fault',
    });
    assert.equal(r.tasks[0]?.askEta, true);
    assert.match(r.tasks[0].title, /maintenance request DOC-1/);
    assert.equal(r.minutes, 10, 'nothing waits for the threshold once the repair is done');
    assert.deepEqual(r.outcome, { resolve: false });
  });

  it('does not reschedule for an ETA within the threshold', async () => {
    const r = await runSop({
      type: 'equipment_fault',
      facts,
      params,
      answers: { repair: { option: 'repaired', eta: at(20), etaAfterMinutes: 2, afterMinutes: 18 } },
    });
    assert.deepEqual(r.steps, ['maintenance_request', 'repair', 'await_running']);
    assert.equal(r.erp.length, 1);
  });

  it('reschedules the line at once when the ETA lands beyond the threshold', async () => {
    const r = await runSop({
      type: 'equipment_fault',
      facts,
      params,
      answers: {
        repair: { option: 'repaired', eta: at(90), etaAfterMinutes: 5, afterMinutes: 95 },
        planner: { option: 'plan_adjusted', afterMinutes: 10 },
      },
    });
    assert.deepEqual(r.steps, ['maintenance_request', 'repair', 'reschedule', 'await_running']);
    const reschedule = r.calls.find((c) => c.kind === 'step' && c.name === 'reschedule');
    assert.deepEqual(reschedule, { kind: 'step', name: 'reschedule', at: at(5) });
    assert.deepEqual(r.erp[1]?.request, {
      op: 'rescheduleWorkOrders',
      line: 'L1',
      equipmentId: 'PRESS-3',
      delayMinutes: 90,
    });
    assert.match(r.tasks[1]!.title, /down beyond 30 min: work orders of line L1 moved by 90 min \(DOC-2\)/);
    assert.equal(r.tasks[1]?.role, 'planner');
  });

  it('reschedules when the threshold passes without a repair or an ETA', async () => {
    const r = await runSop({
      type: 'equipment_fault',
      facts,
      params,
      answers: {
        repair: { option: 'repaired', afterMinutes: 45 },
        planner: { option: 'plan_adjusted' },
      },
    });
    assert.deepEqual(r.steps, ['maintenance_request', 'repair', 'reschedule', 'await_running']);
    const reschedule = r.calls.find((c) => c.kind === 'step' && c.name === 'reschedule');
    assert.deepEqual(reschedule, { kind: 'step', name: 'reschedule', at: at(30) });
    assert.equal((r.erp[1]?.request as { delayMinutes: number }).delayMinutes, 30);
    assert.equal(r.minutes, 45, 'the SOP still waits for the repair');
  });

  it('counts the threshold from when the equipment went down', async () => {
    const r = await runSop({
      type: 'equipment_fault',
      facts: { ...facts, downSince: at(-20) },
      params,
      answers: { repair: { option: 'repaired', afterMinutes: 25 }, planner: { option: 'plan_adjusted' } },
    });
    const reschedule = r.calls.find((c) => c.kind === 'step' && c.name === 'reschedule');
    assert.deepEqual(reschedule, { kind: 'step', name: 'reschedule', at: at(10) });
    assert.equal((r.erp[1]?.request as { delayMinutes: number }).delayMinutes, 30);
  });
});

describe('quality failure SOP', () => {
  const facts = {
    lot: 'LOT-7',
    itemCode: 'HOUSING',
    defectCode: 'CRACK',
    qtyAffected: 50,
    shipped: false,
  };

  it('holds the lot, takes the disposition and executes it (no supplier, not shipped)', async () => {
    const r = await runSop({
      type: 'quality_failure',
      facts,
      answers: { disposition: { option: 'scrap', afterMinutes: 30 } },
    });
    assert.deepEqual(r.steps, ['hold', 'disposition_decision', 'execute_disposition']);
    assert.deepEqual(r.erp[0]?.request, {
      op: 'placeQualityHold',
      lot: 'LOT-7',
      itemCode: 'HOUSING',
      qty: 50,
      holdWarehouse: 'QUARANTINE',
    });
    assert.deepEqual(r.erp[1]?.request, {
      op: 'executeDisposition',
      lot: 'LOT-7',
      itemCode: 'HOUSING',
      qty: 50,
      disposition: 'scrap',
    });
    assert.deepEqual(
      r.tasks.map((t) => [t.key, t.role]),
      [['disposition', 'qc_engineer']],
    );
    assert.deepEqual(
      r.tasks[0]!.options.map((o) => o.id),
      [...DISPOSITIONS],
    );
    assert.deepEqual(r.outcome, { resolve: true, resolution: 'Scrap executed for lot LOT-7 (DOC-2)' });
  });

  it('has purchasing claim from the supplier in parallel, and waits for both', async () => {
    const r = await runSop({
      type: 'quality_failure',
      facts: { ...facts, supplier: 'ACME' },
      answers: {
        disposition: { option: 'return_to_supplier', afterMinutes: 5 },
        supplier: { option: 'supplier_notified', afterMinutes: 40 },
      },
    });
    assert.deepEqual(
      r.tasks.map((t) => [t.key, t.role]),
      [
        ['disposition', 'qc_engineer'],
        ['supplier', 'purchasing'],
      ],
    );
    const executed = r.calls.find((c) => c.kind === 'step' && c.name === 'execute_disposition');
    assert.deepEqual(executed, { kind: 'step', name: 'execute_disposition', at: at(40) });
    assert.equal((r.erp[1]?.request as { supplier?: string }).supplier, 'ACME');
    assert.equal(r.outcome.resolve, true);
  });

  it('runs a recall for a shipped lot whatever the disposition', async () => {
    const r = await runSop({
      type: 'quality_failure',
      facts: { ...facts, shipped: true },
      answers: { disposition: { option: 'rework' }, recall: { option: 'recall_done', afterMinutes: 60 } },
    });
    assert.deepEqual(r.steps, ['hold', 'disposition_decision', 'execute_disposition', 'recall']);
    assert.deepEqual(r.tasks[1] && [r.tasks[1].key, r.tasks[1].role], ['recall', 'customer_service']);
    assert.match(r.tasks[1]!.title, /recall it from customers \(DOC-2\)/);
    assert.deepEqual(r.outcome, { resolve: true, resolution: 'Rework executed for lot LOT-7 (DOC-2)' });
  });

  const labels: Record<Disposition, string> = {
    return_to_supplier: 'Return to supplier',
    rework: 'Rework',
    scrap: 'Scrap',
    concession: 'Use under concession',
    recall: 'Recall',
  };
  for (const disposition of DISPOSITIONS) {
    it(`executes the disposition ${disposition}`, async () => {
      const r = await runSop({
        type: 'quality_failure',
        facts,
        answers: { disposition: { option: disposition }, recall: { option: 'recall_done' } },
      });
      assert.equal((r.erp[1]?.request as { disposition: string }).disposition, disposition);
      const recalled = r.steps.includes('recall');
      assert.equal(recalled, disposition === 'recall', 'only a recall runs the recall for a lot not shipped');
      assert.equal(r.outcome.resolution, `${labels[disposition]} executed for lot LOT-7 (DOC-2)`);
    });
  }
});

describe('order delay SOP', () => {
  const facts = {
    orderId: 'SO-9',
    promisedDate: '2030-01-10',
    projectedDate: '2030-01-12',
    customer: 'Globex',
  };

  it('keeps the plan and waits for the order to catch up', async () => {
    const r = await runSop({ type: 'order_delay', facts, answers: { plan: { option: 'keep_plan' } } });
    assert.deepEqual(r.steps, ['plan_decision', 'await_back_on_track']);
    assert.equal(r.erp.length, 0);
    assert.match(r.tasks[0]!.title, /Order SO-9 for Globex is projected for 2030-01-12, promised 2030-01-10/);
    assert.deepEqual(r.outcome, { resolve: false });
  });

  it('sets a new date, and sends the customer notice once approved', async () => {
    const r = await runSop({
      type: 'order_delay',
      facts,
      answers: {
        plan: { option: 'new_date', data: { newDate: '2030-01-13' } },
        customer_notice: { option: 'approve', afterMinutes: 15 },
      },
    });
    assert.deepEqual(r.steps, ['plan_decision', 'update_work_order', 'customer_notification']);
    assert.deepEqual(
      r.erp.map((e) => [e.step, e.request]),
      [
        ['work_order_dates', { op: 'updateWorkOrderDates', orderId: 'SO-9', newDate: '2030-01-13' }],
        [
          'customer_notice',
          {
            op: 'sendCustomerNotice',
            orderId: 'SO-9',
            customer: 'Globex',
            newDate: '2030-01-13',
            message: 'Order SO-9 is now planned for 2030-01-13 (promised 2030-01-10).',
          },
        ],
      ],
    );
    assert.equal(r.tasks[1]?.role, 'customer_service');
    assert.deepEqual(r.outcome, {
      resolve: true,
      resolution: 'new date 2030-01-13 confirmed for order SO-9',
    });
  });

  it('sends nothing when customer service tells the customer personally', async () => {
    const { customer: _, ...noCustomer } = facts;
    const r = await runSop({
      type: 'order_delay',
      facts: noCustomer,
      answers: {
        plan: { option: 'new_date', data: { newDate: '2030-01-14' } },
        customer_notice: { option: 'handled_personally' },
      },
    });
    assert.deepEqual(
      r.erp.map((e) => e.step),
      ['work_order_dates'],
    );
    assert.match(r.tasks[1]!.title, /Approve telling the customer that order SO-9 now ships 2030-01-14/);
    assert.deepEqual(r.outcome, {
      resolve: true,
      resolution: 'new date 2030-01-14 confirmed for order SO-9',
    });
  });
});

describe('SOP failures', () => {
  it('surfaces a failed ERP step to the runtime (which hands the case to a supervisor)', async () => {
    await assert.rejects(
      runSop({
        type: 'quality_failure',
        facts: { lot: 'L', itemCode: 'I', defectCode: 'D', qtyAffected: 1, shipped: false },
        erpFails: ['hold'],
      }),
      /ERP rejected hold/,
    );
  });
});
