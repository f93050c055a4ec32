/**
 * The ERPNext adapter against a local fake of the Frappe REST API (test/fakes/erpnext.ts): the
 * requests it sends (token auth, doctypes, field names, filters, submit), every operation's
 * documents, exactly once across a crash between the ERP's commit and its answer, and how
 * timeouts, refusals (4xx) and failures (5xx) surface.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createErpnextErp } from '../activities/erp/erpnext/adapter.js';
import { ErpError, type DocRef, type ErpAdapter } from '../activities/erp/types.js';
import { ErpnextFake } from './fakes/erpnext.js';
import type { FakeRequest } from './fakes/http-fake.js';
import { erpnextPlant, erpnextSeed } from './fakes/plant.js';

let fake: ErpnextFake;
let erp: ErpAdapter;
let n = 0;
/** A fresh step of a fresh case. */
const ref = (step = 'erp:step'): DocRef => {
  n += 1;
  return { caseId: 9000 + n, stepKey: `case-${9000 + n}:e0:${step}` };
};
const posts = (doctype: string) => (r: FakeRequest) =>
  r.method === 'POST' && r.path === `/api/resource/${doctype}`;

before(async () => {
  fake = await new ErpnextFake('key123', 'secret456', erpnextSeed()).listen();
});
after(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  erp = createErpnextErp({
    kind: 'erpnext',
    url: fake.url,
    apiKey: 'key123',
    apiSecret: 'secret456',
    plant: erpnextPlant(),
    timeoutMs: 1500,
  });
});

async function rejects(p: Promise<unknown>, retryable: boolean, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ErpError, String(err));
    assert.equal(err.retryable, retryable, err.message);
    assert.match(err.message, message);
    return true;
  });
}

describe('ERPNext adapter', () => {
  it('reads stock from Bin with token auth, JSON filters and limit_page_length, skipping the line and quarantine', async () => {
    const levels = await erp.stockElsewhere({ itemCode: 'RM-1001', excludeLocation: 'LINE-L1' });
    assert.deepEqual(levels, [
      { warehouse: 'Stores - ADC', location: 'Stores - ADC', itemCode: 'RM-1001', qty: 500 },
      { warehouse: 'East Stores - ADC', location: 'East Stores - ADC', itemCode: 'RM-1001', qty: 80 },
    ]);
    const [req] = fake.requests;
    assert.equal(req!.headers.authorization, 'token key123:secret456');
    assert.equal(req!.path, '/api/resource/Bin');
    assert.deepEqual(JSON.parse(req!.query.get('fields')!), ['item_code', 'warehouse', 'actual_qty']);
    assert.ok(Number(req!.query.get('limit_page_length')) > 0);
    assert.deepEqual((JSON.parse(req!.query.get('filters')!) as unknown[])[0], ['item_code', '=', 'RM-1001']);
  });

  it('transfers stock to the line as a submitted Material Transfer Stock Entry stamped with the step', async () => {
    const r = ref('erp:transfer');
    const doc = await erp.createStockTransfer({
      ref: r,
      itemCode: 'RM-1001',
      qty: 100,
      fromWarehouse: 'Stores - ADC',
      fromLocation: 'Stores - ADC',
      toLocation: 'LINE-L1',
    });
    assert.match(doc.docId, /^MAT-STE-/);
    assert.equal(doc.status, 'completed');
    assert.equal(doc.url, `${fake.url}/app/stock-entry/${doc.docId}`);
    const body = fake.requestsTo(posts('Stock Entry'))[0]!.body as Record<string, unknown>;
    assert.equal(body.stock_entry_type, 'Material Transfer');
    assert.equal(body.purpose, 'Material Transfer');
    assert.equal(body.docstatus, 1);
    assert.equal(body.company, 'Andon Demo Co');
    assert.equal(body.andon_ref, `[andon ${r.stepKey}]`);
    assert.deepEqual(body.items, [
      { item_code: 'RM-1001', qty: 100, s_warehouse: 'Stores - ADC', t_warehouse: 'Line L1 - ADC' },
    ]);
    assert.equal(fake.bins.get('RM-1001|Line L1 - ADC'), 105);
  });

  it('a worker killed between the commit and the answer makes one document: the retry finds the stamp', async () => {
    const r = ref('erp:transfer');
    fake.answerLate(posts('Stock Entry'), 2500);
    const req = {
      ref: r,
      itemCode: 'RM-1001',
      qty: 10,
      fromWarehouse: 'East Stores - ADC',
      fromLocation: 'East Stores - ADC',
      toLocation: 'LINE-L1',
    };
    await rejects(erp.createStockTransfer(req), true, /timed out after 1500 ms/);
    const again = await erp.createStockTransfer(req);
    const made = fake.all('Stock Entry').filter((d) => d.andon_ref === `[andon ${r.stepKey}]`);
    assert.equal(made.length, 1);
    assert.equal(again.docId, made[0]!.name);
    assert.equal(fake.requestsTo(posts('Stock Entry')).length, 1);
    assert.equal(fake.bins.get('RM-1001|East Stores - ADC'), 70);
  });

  it('a 5xx is retryable and changes nothing; the retry succeeds once', async () => {
    const r = ref('erp:request');
    fake.failNext(posts('Material Request'), { status: 503, body: { exc_type: 'ServiceUnavailable' } });
    const req = { ref: r, itemCode: 'RM-2002', qty: 40, uom: 'Kg', neededBy: '2099-01-10T06:00:00Z' };
    await rejects(erp.createMaterialRequest(req), true, /HTTP 503/);
    const doc = await erp.createMaterialRequest(req);
    assert.match(doc.docId, /^MAT-MR-/);
    assert.equal(doc.status, 'submitted');
    const body = fake.requestsTo(posts('Material Request')).at(-1)!.body as Record<string, unknown>;
    assert.equal(body.material_request_type, 'Purchase');
    assert.equal(body.schedule_date, '2099-01-10');
    assert.equal(body.docstatus, 1);
    assert.deepEqual(body.items, [
      { item_code: 'RM-2002', qty: 40, uom: 'Kg', schedule_date: '2099-01-10', warehouse: 'Stores - ADC' },
    ]);
    assert.equal(
      fake.all('Material Request').filter((d) => d.andon_ref === `[andon ${r.stepKey}]`).length,
      1,
    );
  });

  it('a 417 ValidationError is a refusal no retry can fix, with ERPNext’s own message', async () => {
    await rejects(
      erp.createStockTransfer({
        ref: ref(),
        itemCode: 'RM-1001',
        qty: 5000,
        fromWarehouse: 'Stores - ADC',
        fromLocation: 'Stores - ADC',
        toLocation: 'LINE-L1',
      }),
      false,
      /ERPNext refused POST \/api\/resource\/Stock Entry \(HTTP 417 NegativeStockError\): \d+ units of Item RM-1001 needed/,
    );
    await rejects(
      erp.updateWorkOrderDates({ ref: ref(), orderId: 'WO-NOPE', newDate: '2026-12-09' }),
      false,
      /WO-NOPE is unknown/,
    );
    await rejects(
      erp.createStockTransfer({
        ref: ref(),
        itemCode: 'RM-1001',
        qty: 1,
        fromWarehouse: 'Stores - ADC',
        fromLocation: 'Stores - ADC',
        toLocation: 'LINE-L9',
      }),
      false,
      /no ERPNext warehouse is mapped for Andon location LINE-L9/,
    );
  });

  it('a bad key is a refusal (401), an unreachable ERP is retryable', async () => {
    const wrong = createErpnextErp({
      kind: 'erpnext',
      url: fake.url,
      apiKey: 'key123',
      apiSecret: 'nope',
      plant: erpnextPlant(),
      timeoutMs: 1500,
    });
    await rejects(
      wrong.stockElsewhere({ itemCode: 'RM-1001', excludeLocation: 'LINE-L1' }),
      false,
      /HTTP 401 AuthenticationError/,
    );
    await assert.rejects(wrong.ping!(), ErpError);
    const gone = createErpnextErp({
      kind: 'erpnext',
      url: 'http://127.0.0.1:9',
      apiKey: 'k',
      apiSecret: 's',
      plant: erpnextPlant(),
      timeoutMs: 1500,
    });
    await rejects(gone.stockElsewhere({ itemCode: 'RM-1001', excludeLocation: 'LINE-L1' }), true, /failed/);
    await erp.ping!();
  });

  it('holds a batch: moves it from where it lies into quarantine, once', async () => {
    const r = ref('erp:hold');
    const req = { ref: r, lot: 'LOT-5521', itemCode: 'FG-200', qty: 40, holdWarehouse: 'QUARANTINE' };
    const doc = await erp.placeQualityHold(req);
    assert.equal(doc.status, 'on_hold');
    const body = fake.requestsTo(posts('Stock Entry'))[0]!.body as { items: unknown[] };
    assert.deepEqual(body.items, [
      {
        item_code: 'FG-200',
        qty: 40,
        s_warehouse: 'Finished Goods - ADC',
        t_warehouse: 'Quarantine - ADC',
        batch_no: 'LOT-5521',
        use_serial_batch_fields: 1,
      },
    ]);
    assert.equal(fake.batchStock.get('LOT-5521|Quarantine - ADC'), 40);
    assert.equal((await erp.placeQualityHold(req)).docId, doc.docId);
    assert.equal(fake.batchStock.get('LOT-5521|Quarantine - ADC'), 40);
  });

  it('executes each disposition with the stock entry it needs; a recall is a comment on the batch', async () => {
    const base = { lot: 'LOT-7781', itemCode: 'RM-3003', qty: 10 };
    await erp.placeQualityHold({ ref: ref('erp:hold'), ...base, qty: 100, holdWarehouse: 'QUARANTINE' });
    const out: Record<string, unknown> = {};
    for (const disposition of ['rework', 'concession', 'return_to_supplier', 'scrap'] as const) {
      fake.requests.length = 0;
      const doc = await erp.executeDisposition({
        ref: ref('erp:disposition'),
        ...base,
        disposition,
        supplier: 'Acme Metals',
      });
      const item = fake.requestsTo(posts('Stock Entry'))[0]!.body as {
        stock_entry_type: string;
        items: Array<Record<string, unknown>>;
      };
      out[disposition] = [
        item.stock_entry_type,
        item.items[0]!.s_warehouse,
        item.items[0]!.t_warehouse ?? null,
        doc.status,
      ];
    }
    assert.deepEqual(out, {
      rework: ['Material Transfer', 'Quarantine - ADC', 'Rework - ADC', 'completed'],
      concession: ['Material Transfer', 'Quarantine - ADC', 'Finished Goods - ADC', 'completed'],
      return_to_supplier: ['Material Transfer', 'Quarantine - ADC', 'Supplier Returns - ADC', 'completed'],
      scrap: ['Material Issue', 'Quarantine - ADC', null, 'completed'],
    });
    assert.equal(fake.batchStock.get('LOT-7781|Quarantine - ADC'), 60);
    const r = ref('erp:disposition');
    const recall = await erp.executeDisposition({ ref: r, ...base, disposition: 'recall' });
    await erp.executeDisposition({ ref: r, ...base, disposition: 'recall' });
    const comments = fake.all('Comment').filter((c) => c.reference_name === 'LOT-7781');
    assert.equal(comments.length, 1);
    assert.equal(recall.status, 'recalled');
  });

  it('opens an Asset Repair (a draft: submitting means repaired) for the asset with the MES equipment id', async () => {
    const r = ref('erp:maintenance_request');
    const doc = await erp.createMaintenanceRequest({
      ref: r,
      equipmentId: 'PRESS-3',
      faultCode: 'E42',
      description: 'Press 3 fault E42',
    });
    assert.match(doc.docId, /^ACC-ASR-/);
    assert.equal(doc.status, 'open');
    const body = fake.requestsTo(posts('Asset Repair'))[0]!.body as Record<string, unknown>;
    assert.equal(body.asset, 'ACC-ASS-2026-00007');
    assert.match(String(body.failure_date), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(body.docstatus, undefined);
    await rejects(
      erp.createMaintenanceRequest({ ref: ref(), equipmentId: 'NOPE-1', faultCode: 'E', description: 'x' }),
      false,
      /no ERPNext Asset has asset_name = NOPE-1/,
    );
  });

  it('moves the not-started work orders of a machine once, even when retried after the comment', async () => {
    const r = ref('erp:reschedule');
    const before = fake.table('Work Order').get('WO-1002')!.planned_start_date;
    fake.failNext((q) => q.method === 'PUT' && q.path === '/api/resource/Work Order/WO-1002', {
      status: 502,
      body: {},
    });
    await rejects(
      erp.rescheduleWorkOrders({ ref: r, line: 'L1', equipmentId: 'PRESS-3', delayMinutes: 90 }),
      true,
      /HTTP 502/,
    );
    const doc = await erp.rescheduleWorkOrders({
      ref: r,
      line: 'L1',
      equipmentId: 'PRESS-3',
      delayMinutes: 90,
    });
    assert.equal(doc.docId, 'WO-1002');
    const wo = fake.table('Work Order').get('WO-1002')!;
    assert.equal(
      Date.parse(`${String(wo.planned_start_date)}Z`) - Date.parse(`${String(before)}Z`),
      90 * 60_000,
    );
    assert.equal(
      fake
        .all('Comment')
        .filter((c) => c.reference_name === 'WO-1002' && String(c.content).includes(r.stepKey)).length,
      1,
    );
    assert.equal(
      fake.table('Work Order').get('WO-1001')!.planned_start_date,
      erpnextSeed().workOrders[1]!.planned_start_date,
    );
  });

  it('sets the expected delivery date and notifies the customer by email on the Sales Order, once each', async () => {
    const date = await erp.updateWorkOrderDates({
      ref: ref('erp:work_order_dates'),
      orderId: 'WO-1001',
      newDate: '2026-12-05',
    });
    assert.equal(date.status, 'completed');
    assert.equal(date.data.previousDueDate, '2026-12-01');
    assert.equal(fake.table('Work Order').get('WO-1001')!.expected_delivery_date, '2026-12-05');
    const r = ref('erp:customer_notice');
    const req = {
      ref: r,
      orderId: 'WO-1001',
      customer: 'ACME',
      newDate: '2026-12-05',
      message: 'Order WO-1001 now ships 2026-12-05.',
    };
    const notice = await erp.sendCustomerNotice(req);
    await erp.sendCustomerNotice(req);
    assert.equal(notice.status, 'sent');
    assert.equal(fake.outbox.length, 1);
    assert.equal(fake.outbox[0]!.reference_doctype, 'Sales Order');
    assert.equal(fake.outbox[0]!.recipients, 'buyer@acme.example');
  });

  it('lists the documents of a case from their stamps', async () => {
    const r = ref('erp:transfer');
    await erp.createStockTransfer({
      ref: r,
      itemCode: 'RM-1001',
      qty: 1,
      fromWarehouse: 'Stores - ADC',
      fromLocation: 'Stores - ADC',
      toLocation: 'LINE-L1',
    });
    const docs = await erp.documentsForCase(r.caseId);
    assert.deepEqual(
      docs.map((d) => [d.docType, d.stepKey]),
      [['stock_transfer', r.stepKey]],
    );
  });
});

describe('ERPNext adapter: every operation made exactly once across a crash between commit and answer', () => {
  const method = (path: string) => (r: FakeRequest) =>
    r.method === 'POST' && r.path === `/api/method/${path}`;
  const comment = method('frappe.desk.form.utils.add_comment');
  const cases: Array<
    [string, (r: FakeRequest) => boolean, (erp: ErpAdapter, r: DocRef) => Promise<unknown>]
  > = [
    [
      'stock transfer',
      posts('Stock Entry'),
      (e, r) =>
        e.createStockTransfer({
          ref: r,
          itemCode: 'RM-1001',
          qty: 1,
          fromWarehouse: 'Stores - ADC',
          fromLocation: 'Stores - ADC',
          toLocation: 'LINE-L2',
        }),
    ],
    [
      'material request',
      posts('Material Request'),
      (e, r) =>
        e.createMaterialRequest({ ref: r, itemCode: 'RM-2002', qty: 1, uom: 'Kg', neededBy: '2099-01-01' }),
    ],
    [
      'quality hold',
      posts('Stock Entry'),
      (e, r) =>
        e.placeQualityHold({
          ref: r,
          lot: 'LOT-7781',
          itemCode: 'RM-3003',
          qty: 1,
          holdWarehouse: 'QUARANTINE',
        }),
    ],
    [
      'disposition',
      posts('Stock Entry'),
      (e, r) =>
        e.executeDisposition({ ref: r, lot: 'LOT-7781', itemCode: 'RM-3003', qty: 1, disposition: 'rework' }),
    ],
    [
      'recall',
      comment,
      (e, r) =>
        e.executeDisposition({ ref: r, lot: 'LOT-7781', itemCode: 'RM-3003', qty: 1, disposition: 'recall' }),
    ],
    [
      'maintenance request',
      posts('Asset Repair'),
      (e, r) =>
        e.createMaintenanceRequest({ ref: r, equipmentId: 'PRESS-3', faultCode: 'E1', description: 'x' }),
    ],
    ['reschedule', comment, (e, r) => e.rescheduleWorkOrders({ ref: r, line: 'L2', delayMinutes: 30 })],
    [
      'work-order date',
      comment,
      (e, r) => e.updateWorkOrderDates({ ref: r, orderId: 'WO-1002', newDate: '2026-12-20' }),
    ],
    [
      'customer notice',
      method('frappe.core.doctype.communication.email.make'),
      (e, r) =>
        e.sendCustomerNotice({ ref: r, orderId: 'WO-1001', newDate: '2026-12-20', message: 'new date' }),
    ],
  ];
  for (const [name, match, run] of cases) {
    it(name, async () => {
      const quick = createErpnextErp({
        kind: 'erpnext',
        url: fake.url,
        apiKey: 'key123',
        apiSecret: 'secret456',
        plant: erpnextPlant(),
        timeoutMs: 300,
      });
      const r = ref(`erp:${name.replace(/\W/g, '_')}`);
      fake.answerLate(match, 700);
      await rejects(run(quick, r), true, /timed out/);
      await run(erp, r);
      await run(erp, r);
      const docs = (await erp.documentsForCase(r.caseId)).filter((d) => d.stepKey === r.stepKey);
      assert.equal(docs.length, 1, JSON.stringify(docs));
    });
  }
  it('a reschedule retried after its comment moves the order once', () => {
    const wo = fake.table('Work Order').get('WO-2001')!;
    const seeded = erpnextSeed().workOrders.find((w) => w.name === 'WO-2001')!;
    assert.equal(
      Date.parse(`${String(wo.planned_start_date)}Z`) - Date.parse(`${String(seeded.planned_start_date)}Z`),
      30 * 60_000,
    );
  });
});
