/**
 * The ERP/WMS simulator against a real PostgreSQL: documents and their side effects, idempotency
 * on the step key (repeated, concurrent and in-flight calls), refusals, and injected faults.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { seedErpSimulator } from '../activities/erp/demo-data.js';
import { createSimulatorErp, injectErpFault } from '../activities/erp/simulator.js';
import { ErpError, type DocRef, type ErpAdapter } from '../activities/erp/types.js';
import { createDb, migrate, type Db } from '../db/index.js';
import * as m0003 from '../db/migrations/0003_erp_sim.js';

const adminUrl = process.env.ANDON_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const cleanups: Array<() => Promise<void>> = [];

/** A fresh database with Andon's schema and the simulator's tables, dropped after the file. */
async function freshDb(): Promise<Db> {
  const name = `andon_test_erp_sim_${randomBytes(4).toString('hex')}`;
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
  const db = createDb(url.toString(), { max: 20 });
  cleanups.push(() => db.destroy());
  await migrate(db);
  // Once 0003 is registered in db/index.ts, migrate() has already created the tables.
  if (!(await db.schema.hasTable('erp_sim_documents'))) await m0003.up(db);
  return db;
}

let db: Db;
let erp: ErpAdapter;
let nextCase = 1000;

before(async () => {
  db = await freshDb();
  erp = createSimulatorErp(db);
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A case of its own for each test, so tests never see each other's documents. */
function newCase(): { caseId: number; ref: (step: string) => DocRef } {
  const caseId = ++nextCase;
  return { caseId, ref: (step) => ({ caseId, stepKey: `case-${caseId}:1:${step}` }) };
}
const uid = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex').toUpperCase()}`;

async function stockQty(warehouse: string, location: string, itemCode: string): Promise<number | null> {
  const row = await db('erp_sim_stock')
    .where({ warehouse, location, item_code: itemCode })
    .first<{ qty: string } | undefined>('qty');
  return row ? Number(row.qty) : null;
}

async function docCount(stepKey: string): Promise<number> {
  const [row] = await db('erp_sim_documents')
    .where({ step_key: stepKey })
    .count<Array<{ n: string | number }>>({ n: '*' });
  return Number(row!.n);
}

async function putStock(warehouse: string, location: string, itemCode: string, qty: number): Promise<void> {
  await db('erp_sim_stock').insert({ warehouse, location, item_code: itemCode, qty });
}

async function lot(
  lotNo: string,
  itemCode: string,
): Promise<{ status: string; warehouse: string; supplier: string | null }> {
  return (await db('erp_sim_lots').where({ lot: lotNo, item_code: itemCode }).first()) as {
    status: string;
    warehouse: string;
    supplier: string | null;
  };
}

const isErp =
  (retryable: boolean, pattern?: RegExp) =>
  (e: unknown): boolean => {
    assert.ok(e instanceof ErpError, `expected an ErpError, got ${String(e)}`);
    assert.equal(e.retryable, retryable);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };

/** Work orders of a fresh line: finished, running, released and planned; two on one machine. */
async function putOrders(line: string): Promise<Record<string, { start: Date; end: Date }>> {
  const t0 = new Date('2030-03-01T08:00:00Z').getTime();
  const orders = [
    { id: `${line}-DONE`, equipment: 'M-1', status: 'done', h: -8 },
    { id: `${line}-RUN`, equipment: 'M-1', status: 'in_progress', h: -1 },
    { id: `${line}-REL`, equipment: 'M-1', status: 'released', h: 4 },
    { id: `${line}-PLAN`, equipment: 'M-2', status: 'planned', h: 6 },
    { id: `${line}-FREE`, equipment: null, status: 'planned', h: 9 },
  ];
  const times: Record<string, { start: Date; end: Date }> = {};
  for (const o of orders) {
    const start = new Date(t0 + o.h * 3600_000);
    const end = new Date(start.getTime() + 4 * 3600_000);
    times[o.id] = { start, end };
    await db('erp_sim_work_orders').insert({
      order_id: o.id,
      line,
      equipment_id: o.equipment,
      item_code: 'FG-1',
      qty: 10,
      planned_start: start,
      planned_end: end,
      due_date: '2030-03-05',
      status: o.status,
    });
  }
  return times;
}

async function orderTimes(line: string): Promise<Record<string, { start: Date; end: Date }>> {
  const rows = (await db('erp_sim_work_orders').where({ line })) as Array<{
    order_id: string;
    planned_start: Date;
    planned_end: Date;
  }>;
  return Object.fromEntries(rows.map((r) => [r.order_id, { start: r.planned_start, end: r.planned_end }]));
}

describe('stock', () => {
  it('lists stock elsewhere with qty > 0, largest first, excluding the given location', async () => {
    const item = uid('RM');
    await putStock('WH-A', 'A-1', item, 30);
    await putStock('WH-B', 'B-1', item, 120);
    await putStock('WH-A', 'A-2', item, 0);
    await putStock('WH-A', 'LINE-X', item, 500);
    const levels = await erp.stockElsewhere({ itemCode: item, excludeLocation: 'LINE-X' });
    assert.deepEqual(levels, [
      { warehouse: 'WH-B', location: 'B-1', itemCode: item, qty: 120 },
      { warehouse: 'WH-A', location: 'A-1', itemCode: item, qty: 30 },
    ]);
    assert.deepEqual(await erp.stockElsewhere({ itemCode: uid('NONE'), excludeLocation: 'LINE-X' }), []);
  });

  it('transfers stock once per step key, creating the target location row', async () => {
    const { caseId, ref } = newCase();
    const item = uid('RM');
    await putStock('WH-A', 'A-1', item, 100);
    const request = {
      ref: ref('transfer'),
      itemCode: item,
      qty: 40,
      fromWarehouse: 'WH-A',
      fromLocation: 'A-1',
      toLocation: 'LINE-T',
    };
    const doc = await erp.createStockTransfer(request);
    assert.match(doc.docId, /^TR-\d{6}$/);
    assert.equal(doc.docType, 'stock_transfer');
    assert.equal(doc.caseRef, `case-${caseId}`);
    assert.equal(doc.stepKey, request.ref.stepKey);
    assert.equal(doc.status, 'completed');
    assert.equal(doc.data.qty, 40);
    assert.equal(doc.data.toWarehouse, 'WH-A');
    assert.ok(!Number.isNaN(Date.parse(doc.createdAt)));
    assert.equal(await stockQty('WH-A', 'A-1', item), 60);
    assert.equal(await stockQty('WH-A', 'LINE-T', item), 40);

    const again = await erp.createStockTransfer(request);
    assert.deepEqual(again, doc);
    assert.equal(await docCount(request.ref.stepKey), 1);
    assert.equal(await stockQty('WH-A', 'A-1', item), 60);
    assert.equal(await stockQty('WH-A', 'LINE-T', item), 40);
  });

  it('adds to an existing target row, in the warehouse that keeps that location', async () => {
    const { ref } = newCase();
    const item = uid('RM');
    await putStock('WH-B', 'B-9', item, 50);
    await putStock('WH-LINE', 'LINE-Y', item, 7);
    const doc = await erp.createStockTransfer({
      ref: ref('transfer'),
      itemCode: item,
      qty: 50,
      fromWarehouse: 'WH-B',
      fromLocation: 'B-9',
      toLocation: 'LINE-Y',
    });
    assert.equal(doc.data.toWarehouse, 'WH-LINE');
    assert.equal(doc.data.targetQtyAfter, 57);
    assert.equal(await stockQty('WH-B', 'B-9', item), 0);
    assert.equal(await stockQty('WH-LINE', 'LINE-Y', item), 57);
  });

  it('moves stock exactly once for 10 concurrent calls with one step key', async () => {
    const { ref } = newCase();
    const item = uid('RM');
    await putStock('WH-A', 'A-1', item, 100);
    const request = {
      ref: ref('transfer'),
      itemCode: item,
      qty: 25,
      fromWarehouse: 'WH-A',
      fromLocation: 'A-1',
      toLocation: 'LINE-C',
    };
    const docs = await Promise.all(Array.from({ length: 10 }, () => erp.createStockTransfer(request)));
    assert.equal(new Set(docs.map((d) => d.docId)).size, 1);
    assert.equal(await docCount(request.ref.stepKey), 1);
    assert.equal(await stockQty('WH-A', 'A-1', item), 75);
    assert.equal(await stockQty('WH-A', 'LINE-C', item), 25);
  });

  it('refuses a transfer beyond the stock on hand, non-retryably, and writes nothing', async () => {
    const { ref } = newCase();
    const item = uid('RM');
    await putStock('WH-A', 'A-1', item, 10);
    const request = {
      ref: ref('transfer'),
      itemCode: item,
      qty: 11,
      fromWarehouse: 'WH-A',
      fromLocation: 'A-1',
      toLocation: 'LINE-Z',
    };
    await assert.rejects(erp.createStockTransfer(request), isErp(false, /insufficient stock/));
    await assert.rejects(
      erp.createStockTransfer({ ...request, ref: ref('transfer-2'), fromLocation: 'NOWHERE' }),
      isErp(false, /insufficient stock/),
    );
    assert.equal(await docCount(request.ref.stepKey), 0);
    assert.equal(await stockQty('WH-A', 'A-1', item), 10);
    assert.equal(await stockQty('WH-A', 'LINE-Z', item), null);
  });
});

describe('documents without side effects', () => {
  it('creates one material request, maintenance request and customer notice per step key', async () => {
    const { ref } = newCase();
    const calls = [
      () =>
        erp.createMaterialRequest({
          ref: ref('mr'),
          itemCode: 'RM-2002',
          qty: 300,
          uom: 'pcs',
          neededBy: '2030-01-02T08:00:00Z',
          workOrder: 'WO-1',
        }),
      () =>
        erp.createMaintenanceRequest({
          ref: ref('mt'),
          equipmentId: 'PRESS-3',
          faultCode: 'E42',
          description: 'hydraulic pressure low',
        }),
      () =>
        erp.sendCustomerNotice({
          ref: ref('cn'),
          orderId: 'SO-9',
          customer: 'Globex',
          newDate: '2030-01-09',
          message: 'Your order ships on 9 Jan.',
        }),
    ];
    const expected = [
      { prefix: 'MR-', docType: 'material_request', status: 'submitted', field: ['itemCode', 'RM-2002'] },
      { prefix: 'MT-', docType: 'maintenance_request', status: 'open', field: ['faultCode', 'E42'] },
      { prefix: 'CN-', docType: 'customer_notice', status: 'sent', field: ['customer', 'Globex'] },
    ] as const;
    for (const [i, call] of calls.entries()) {
      const doc = await call();
      const want = expected[i]!;
      assert.ok(doc.docId.startsWith(want.prefix), doc.docId);
      assert.equal(doc.docType, want.docType);
      assert.equal(doc.status, want.status);
      assert.equal(doc.data[want.field[0]], want.field[1]);
      assert.deepEqual(await call(), doc);
      assert.equal(await docCount(doc.stepKey), 1);
    }
  });

  it('refuses a step key already used by another case or document type', async () => {
    const a = newCase();
    const b = newCase();
    const req = { equipmentId: 'PRESS-3', faultCode: 'E1', description: 'x' };
    await erp.createMaintenanceRequest({ ...req, ref: a.ref('mt') });
    await assert.rejects(
      erp.createMaintenanceRequest({ ...req, ref: { caseId: b.caseId, stepKey: a.ref('mt').stepKey } }),
      isErp(false, /already stamps/),
    );
    await assert.rejects(
      erp.sendCustomerNotice({ ref: a.ref('mt'), orderId: 'SO-1', newDate: '2030-01-01', message: 'm' }),
      isErp(false, /already stamps/),
    );
  });
});

describe('quality', () => {
  it('holds a known lot in quarantine once, and creates an unknown lot on hold', async () => {
    const { ref } = newCase();
    const lotNo = uid('LOT');
    await db('erp_sim_lots').insert({
      lot: lotNo,
      item_code: 'FG-200',
      qty: 240,
      warehouse: 'WH-FG',
      status: 'available',
    });
    const request = { ref: ref('hold'), lot: lotNo, itemCode: 'FG-200', qty: 240, holdWarehouse: 'WH-QA' };
    const doc = await erp.placeQualityHold(request);
    assert.match(doc.docId, /^QH-\d{6}$/);
    assert.equal(doc.status, 'on_hold');
    assert.equal(doc.data.previousWarehouse, 'WH-FG');
    assert.equal(doc.data.previousStatus, 'available');
    const held = await lot(lotNo, 'FG-200');
    assert.equal(held.status, 'on_hold');
    assert.equal(held.warehouse, 'WH-QA');

    // Released by hand in the ERP; the retried hold must not block it again.
    await db('erp_sim_lots').where({ lot: lotNo }).update({ status: 'available', warehouse: 'WH-FG' });
    assert.deepEqual(await erp.placeQualityHold(request), doc);
    assert.equal((await lot(lotNo, 'FG-200')).status, 'available');
    assert.equal(await docCount(request.ref.stepKey), 1);

    const unknown = uid('LOT');
    const created = await erp.placeQualityHold({
      ref: ref('hold-2'),
      lot: unknown,
      itemCode: 'RM-3003',
      qty: 12,
      holdWarehouse: 'WH-QA',
    });
    assert.equal(created.data.previousWarehouse, null);
    const row = (await db('erp_sim_lots').where({ lot: unknown }).first()) as { qty: string; status: string };
    assert.equal(Number(row.qty), 12);
    assert.equal(row.status, 'on_hold');
  });

  it('executes each disposition once, setting the lot status', async () => {
    const { ref } = newCase();
    const cases = [
      ['return_to_supplier', 'returned'],
      ['rework', 'rework'],
      ['scrap', 'scrapped'],
      ['concession', 'released_concession'],
      ['recall', 'recalled'],
    ] as const;
    for (const [disposition, status] of cases) {
      const lotNo = uid('LOT');
      await db('erp_sim_lots').insert({
        lot: lotNo,
        item_code: 'RM-3003',
        qty: 50,
        warehouse: 'WH-QA',
        status: 'on_hold',
        supplier: 'Acme Metals',
      });
      const request = {
        ref: ref(`disp-${disposition}`),
        lot: lotNo,
        itemCode: 'RM-3003',
        qty: 50,
        disposition,
      };
      const doc = await erp.executeDisposition(request);
      assert.match(doc.docId, /^DI-\d{6}$/);
      assert.equal(doc.data.disposition, disposition);
      assert.equal(doc.data.supplier, 'Acme Metals');
      assert.equal((await lot(lotNo, 'RM-3003')).status, status);
      await db('erp_sim_lots').where({ lot: lotNo }).update({ status: 'on_hold' });
      assert.deepEqual(await erp.executeDisposition(request), doc);
      assert.equal((await lot(lotNo, 'RM-3003')).status, 'on_hold', 'a retry repeats no side effect');
    }
  });

  it('refuses a disposition of an unknown lot, or a return without a supplier', async () => {
    const { ref } = newCase();
    const base = { itemCode: 'FG-200', qty: 1 };
    await assert.rejects(
      erp.executeDisposition({ ...base, ref: ref('d1'), lot: uid('LOT'), disposition: 'scrap' }),
      isErp(false, /unknown/),
    );
    const lotNo = uid('LOT');
    await db('erp_sim_lots').insert({
      lot: lotNo,
      item_code: 'FG-200',
      qty: 5,
      warehouse: 'WH-QA',
      status: 'on_hold',
    });
    await assert.rejects(
      erp.executeDisposition({ ...base, ref: ref('d2'), lot: lotNo, disposition: 'return_to_supplier' }),
      isErp(false, /supplier/),
    );
    assert.equal((await lot(lotNo, 'FG-200')).status, 'on_hold');
    const doc = await erp.executeDisposition({
      ...base,
      ref: ref('d3'),
      lot: lotNo,
      disposition: 'return_to_supplier',
      supplier: 'Initech',
    });
    assert.equal(doc.data.supplier, 'Initech');
    const returned = await lot(lotNo, 'FG-200');
    assert.equal(returned.status, 'returned');
    assert.equal(returned.supplier, 'Initech');
  });

  it('refuses data the database cannot store like an ERP validation error: non-retryable, no SQL, nothing written', async () => {
    const { ref } = newCase();
    const lotNo = uid('LOT');
    const noSql = (e: unknown): boolean => {
      isErp(false, /^ERP simulator: The database refused the data: /)(e);
      assert.doesNotMatch((e as Error).message, /insert|update|select|erp_sim|1e\+308/i);
      assert.ok(!(e as Error).message.includes('\u0000'));
      return true;
    };
    const hold = { ref: ref('hold'), lot: lotNo, itemCode: 'FG-200', qty: 1e308, holdWarehouse: 'WH-QA' };
    await assert.rejects(erp.placeQualityHold(hold), noSql);
    await assert.rejects(erp.placeQualityHold({ ...hold, qty: 1, lot: `${lotNo}\u0000` }), noSql);
    await assert.rejects(erp.stockElsewhere({ itemCode: 'RM\u00001001', excludeLocation: 'A-1' }), noSql);
    assert.equal(await docCount(hold.ref.stepKey), 0);
    assert.equal(await db('erp_sim_lots').where({ lot: lotNo }).first('id'), undefined);
    // The same step with good data still goes through.
    assert.equal((await erp.placeQualityHold({ ...hold, qty: 3 })).status, 'on_hold');
  });
});

describe('work orders', () => {
  const hours = (d: Date, h: number): number => d.getTime() + h * 3600_000;

  it('reschedules only the unfinished orders of the line, once', async () => {
    const { ref } = newCase();
    const line = uid('L');
    const other = uid('L');
    const before = await putOrders(line);
    const otherBefore = await putOrders(other);
    const request = { ref: ref('reschedule'), line, delayMinutes: 90 };
    const doc = await erp.rescheduleWorkOrders(request);
    assert.match(doc.docId, /^RS-\d{6}$/);
    const orders = doc.data.orders as Array<{ orderId: string; plannedStart: string; plannedEnd: string }>;
    assert.deepEqual(
      orders.map((o) => o.orderId),
      [`${line}-REL`, `${line}-PLAN`, `${line}-FREE`],
    );
    const after = await orderTimes(line);
    for (const [id, t] of Object.entries(before)) {
      const shift = id.endsWith('-DONE') || id.endsWith('-RUN') ? 0 : 1.5;
      assert.equal(after[id]!.start.getTime(), hours(t.start, shift), id);
      assert.equal(after[id]!.end.getTime(), hours(t.end, shift), id);
    }
    for (const o of orders) assert.equal(Date.parse(o.plannedStart), after[o.orderId]!.start.getTime());
    assert.deepEqual(await orderTimes(other), otherBefore);

    assert.deepEqual(await erp.rescheduleWorkOrders(request), doc);
    assert.deepEqual(await orderTimes(line), after, 'a retry shifts nothing again');
  });

  it('reschedules only one machine when an equipment id is given', async () => {
    const { ref } = newCase();
    const line = uid('L');
    const before = await putOrders(line);
    const doc = await erp.rescheduleWorkOrders({
      ref: ref('reschedule'),
      line,
      equipmentId: 'M-1',
      delayMinutes: 30,
    });
    assert.deepEqual(
      (doc.data.orders as Array<{ orderId: string }>).map((o) => o.orderId),
      [`${line}-REL`],
    );
    const after = await orderTimes(line);
    for (const [id, t] of Object.entries(before)) {
      assert.equal(after[id]!.start.getTime(), hours(t.start, id.endsWith('-REL') ? 0.5 : 0), id);
    }
  });

  it('changes a work order due date once, and refuses an unknown order', async () => {
    const { ref } = newCase();
    const line = uid('L');
    await putOrders(line);
    const request = { ref: ref('wo-date'), orderId: `${line}-PLAN`, newDate: '2030-03-12' };
    const doc = await erp.updateWorkOrderDates(request);
    assert.match(doc.docId, /^WO-\d{6}$/);
    assert.equal(doc.data.previousDueDate, '2030-03-05');
    assert.equal(doc.data.newDueDate, '2030-03-12');
    const due = async (): Promise<string> =>
      (
        await db('erp_sim_work_orders')
          .where({ order_id: `${line}-PLAN` })
          .first<{ d: string }>(db.raw('due_date::text as d'))
      ).d;
    assert.equal(await due(), '2030-03-12');
    assert.deepEqual(await erp.updateWorkOrderDates({ ...request, newDate: '2031-01-01' }), doc);
    assert.equal(await due(), '2030-03-12');

    await assert.rejects(
      erp.updateWorkOrderDates({ ref: ref('wo-date-2'), orderId: uid('WO'), newDate: '2030-03-12' }),
      isErp(false, /unknown/),
    );
    await assert.rejects(
      erp.updateWorkOrderDates({ ref: ref('wo-date-3'), orderId: `${line}-PLAN`, newDate: 'next week' }),
      isErp(false, /not a date/),
    );
    assert.equal(await docCount(ref('wo-date-2').stepKey), 0);
  });
});

describe('faults and latency', () => {
  it('fails the next calls of an operation while a fault is pending, writing nothing', async () => {
    const { ref } = newCase();
    const item = uid('RM');
    await putStock('WH-A', 'A-1', item, 10);
    // As a test in another process would: a plain row in the table.
    await db('erp_sim_faults').insert({
      operation: 'createStockTransfer',
      remaining: 2,
      message: 'ERP is down',
    });
    const request = {
      ref: ref('transfer'),
      itemCode: item,
      qty: 4,
      fromWarehouse: 'WH-A',
      fromLocation: 'A-1',
      toLocation: 'LINE-F',
    };
    for (let i = 0; i < 2; i++) {
      await assert.rejects(erp.createStockTransfer(request), isErp(true, /ERP is down/));
      assert.equal(await docCount(request.ref.stepKey), 0);
      assert.equal(await stockQty('WH-A', 'A-1', item), 10);
    }
    const doc = await erp.createStockTransfer(request);
    assert.equal(doc.status, 'completed');
    assert.equal(await stockQty('WH-A', 'A-1', item), 6);
    assert.equal(await docCount(request.ref.stepKey), 1);
  });

  it('injects faults into reads too, through injectErpFault', async () => {
    await injectErpFault(db, 'stockElsewhere', 1);
    await assert.rejects(
      erp.stockElsewhere({ itemCode: 'X', excludeLocation: 'Y' }),
      isErp(true, /stockElsewhere/),
    );
    assert.deepEqual(await erp.stockElsewhere({ itemCode: 'X', excludeLocation: 'Y' }), []);
  });

  it('has committed the document while a slow ERP response is still in flight', async () => {
    const { ref } = newCase();
    const slow = createSimulatorErp(db, { latencyAfterWriteMs: 400 });
    const request = { ref: ref('mt'), equipmentId: 'PRESS-3', faultCode: 'E9', description: 'slow' };
    const started = Date.now();
    const pending = slow.createMaintenanceRequest(request);
    let seen = 0;
    while (seen === 0 && Date.now() - started < 350) seen = await docCount(request.ref.stepKey);
    assert.equal(seen, 1, 'the document is visible before the call returns');
    // The worker died meanwhile; its retry finds the document instead of making another.
    const retried = await erp.createMaintenanceRequest(request);
    const doc = await pending;
    assert.ok(Date.now() - started >= 400);
    assert.deepEqual(retried, doc);
    assert.equal(await docCount(request.ref.stepKey), 1);
  });
});

describe('documentsForCase', () => {
  it("lists a case's documents, oldest first, and no other case's", async () => {
    const { caseId, ref } = newCase();
    const other = newCase();
    const mt = await erp.createMaintenanceRequest({
      ref: ref('a'),
      equipmentId: 'E',
      faultCode: 'F',
      description: 'd',
    });
    await erp.createMaintenanceRequest({
      ref: other.ref('a'),
      equipmentId: 'E',
      faultCode: 'F',
      description: 'd',
    });
    const mr = await erp.createMaterialRequest({
      ref: ref('b'),
      itemCode: 'RM-1',
      qty: 1,
      uom: 'pcs',
      neededBy: '2030-01-01T00:00:00Z',
    });
    const cn = await erp.sendCustomerNotice({
      ref: ref('c'),
      orderId: 'SO-1',
      newDate: '2030-01-01',
      message: 'm',
    });
    assert.deepEqual(await erp.documentsForCase(caseId), [mt, mr, cn]);
    assert.deepEqual(await erp.documentsForCase(987654321), []);
  });
});

describe('seedErpSimulator', () => {
  it('seeds the demo plant once, however often it runs', async () => {
    const fresh = await freshDb();
    const counts = async (): Promise<number[]> => {
      const out: number[] = [];
      for (const t of ['erp_sim_stock', 'erp_sim_lots', 'erp_sim_work_orders']) {
        const [row] = await fresh(t).count<Array<{ n: string | number }>>({ n: '*' });
        out.push(Number(row!.n));
      }
      return out;
    };
    await seedErpSimulator(fresh);
    const first = await counts();
    assert.ok(
      first.every((n) => n > 0),
      String(first),
    );
    const orders = await fresh('erp_sim_work_orders').orderBy('order_id');
    await Promise.all([seedErpSimulator(fresh), seedErpSimulator(fresh)]);
    assert.deepEqual(await counts(), first);
    assert.deepEqual(await fresh('erp_sim_work_orders').orderBy('order_id'), orders);

    const sim = createSimulatorErp(fresh);
    const levels = await sim.stockElsewhere({ itemCode: 'RM-1001', excludeLocation: 'LINE-L1' });
    assert.deepEqual(levels[0], { warehouse: 'WH-MAIN', location: 'A-01', itemCode: 'RM-1001', qty: 500 });
    assert.deepEqual(await sim.stockElsewhere({ itemCode: 'RM-2002', excludeLocation: 'LINE-L1' }), []);
    const lines = (await fresh('erp_sim_work_orders').distinct('line').orderBy('line')) as Array<{
      line: string;
    }>;
    assert.deepEqual(
      lines.map((l) => l.line),
      ['L1', 'L2'],
    );
    assert.ok(await fresh('erp_sim_work_orders').where({ equipment_id: 'PRESS-3' }).first());
    assert.ok(await fresh('erp_sim_lots').where({ lot: 'LOT-5521', item_code: 'FG-200' }).first());
  });
});
