/**
 * The four SOPs end to end through the real case workflow (Temporal, Postgres, the API) driving
 * a real ERP adapter against a local fake: ERPNext, Odoo over JSON-2, Odoo over JSON-RPC. Each
 * scenario checks the documents the ERP ends up holding for the case — exactly the expected ones,
 * once — and that the timeline records each document number with its link in the ERP's UI.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createErpnextErp } from '../activities/erp/erpnext/adapter.js';
import { createOdooErp } from '../activities/erp/odoo/adapter.js';
import type { ErpAdapter } from '../activities/erp/types.js';
import { ErpnextFake } from './fakes/erpnext.js';
import { OdooFake } from './fakes/odoo.js';
import { erpnextPlant, erpnextSeed, odooPlant, seedOdoo } from './fakes/plant.js';
import { caseApi, inSeconds } from './helpers/cases.js';
import { startHarness, type Harness } from './helpers/harness.js';

/** Forwards to the adapter of the ERP under test, so one Andon serves every ERP in turn. */
let current: ErpAdapter | undefined;
const switching = new Proxy({} as ErpAdapter, {
  get: (_t, key: keyof ErpAdapter) =>
    key === 'name'
      ? (current?.name ?? 'none')
      : (...args: unknown[]) => (current![key] as (...a: unknown[]) => unknown).apply(current, args),
});

let h: Harness;
let c: ReturnType<typeof caseApi>;
const stamped = (id: number) => (text: unknown) => String(text).includes(`[andon case-${id}:`);

before(async () => {
  h = await startHarness(fileURLToPath(import.meta.url), { erp: switching });
  c = caseApi(h);
  await h.addPerson({ name: 'Wang Fang', roles: [{ role: 'purchasing' }] });
  await h.addPerson({ name: 'Sam Dispatch', roles: [{ role: 'dispatcher' }] });
  await h.addPerson({ name: 'Li Wei', roles: [{ role: 'maintenance', line: 'L1' }] });
  await h.addPerson({ name: 'Zhang Min', roles: [{ role: 'qc_engineer' }] });
  await h.addPerson({ name: 'Chen Jie', roles: [{ role: 'planner' }] });
  await h.addPerson({ name: 'Maria Service', roles: [{ role: 'customer_service' }] });
  await h.addPerson({ name: 'Sue Supervisor', roles: [{ role: 'supervisor' }] });
  await h.setSopParams('equipment_fault', { downtimeThresholdSeconds: 2 });
});
after(async () => {
  await h?.stop();
});

/** The erp_document events of a case: [docType, docId, url]. */
async function timelineDocs(id: number): Promise<Array<[string, string, string]>> {
  return (await c.events(id))
    .filter((e) => e.type === 'erp_document')
    .map((e) => [String(e.data.docType), String(e.data.docId), String(e.data.url)]);
}

/** Runs the four SOPs (and the material-request branch) against the ERP `current` points at. */
function scenarios(
  name: string,
  check: {
    transfer(id: number): void;
    materialRequest(id: number): void;
    equipment(id: number): void;
    quality(id: number): void;
    order(id: number): void;
    base(): string;
    /** Makes the ERP fail the next two writes of a transfer with a 5xx (nothing written). */
    failNextTransfer(): void;
    transfers(id: number): number;
  },
): void {
  it(`${name}: material shortage with stock elsewhere makes one stock transfer to the line`, async () => {
    const id = await c.open('material_shortage', {
      material: { itemCode: 'RM-1001', requiredQty: 100, uom: 'pcs', neededBy: inSeconds(3600) },
    });
    const dispatch = await c.task(id, 'dispatch');
    assert.match(dispatch.title, /Move 100 pcs of RM-1001 from .* to LINE-L1 \(transfer \S+\)/);
    await c.decide(id, 'dispatch', 'delivered');
    await c.waitFor(id, 'resolved', (x) => x.status === 'resolved');
    assert.deepEqual(await c.docTypes(id), ['stock_transfer']);
    const [doc] = await timelineDocs(id);
    assert.ok(doc![2].startsWith(check.base()), doc![2]);
    assert.ok(dispatch.title.includes(doc![1]));
    check.transfer(id);
  });

  it(`${name}: a failing ERP (5xx) is retried by the workflow and still makes one transfer`, async () => {
    check.failNextTransfer();
    const id = await c.open('material_shortage', {
      material: { itemCode: 'RM-1001', requiredQty: 10, uom: 'pcs', neededBy: inSeconds(3600) },
    });
    await c.task(id, 'dispatch');
    assert.equal(check.transfers(id), 1);
    assert.equal((await timelineDocs(id)).length, 1);
    await c.decide(id, 'dispatch', 'delivered');
    await c.waitFor(id, 'resolved', (x) => x.status === 'resolved');
  });

  it(`${name}: a refusal (4xx) hands the step to a supervisor with the ERP's message`, async () => {
    const id = await c.open('order_delay', {
      // An order of its own per ERP: an open case of the same order would take this report as a repeat.
      order: {
        orderId: `WO-UNKNOWN-${name.replace(/\W+/g, '-')}`,
        promisedDate: '2026-12-01',
        projectedDate: '2026-12-02',
      },
    });
    await c.decide(id, 'plan', 'new_date', { newDate: '2026-12-09' });
    const takeover = await c.task(id, 'takeover');
    assert.equal(takeover.role, 'supervisor');
    const failed = (await c.events(id)).find((e) => e.type === 'sop_failed');
    assert.match(
      String(failed?.data.error),
      new RegExp(`WO-UNKNOWN-${name.replace(/\W+/g, '-')} is unknown`),
    );
    assert.deepEqual(await c.docTypes(id), []);
    await c.decide(id, 'takeover', 'done_by_hand');
  });

  it(`${name}: material shortage without stock makes one material request`, async () => {
    const id = await c.open('material_shortage', {
      material: { itemCode: 'RM-2002', requiredQty: 40, uom: 'kg', neededBy: inSeconds(7 * 24 * 3600) },
    });
    await c.decide(id, 'supplier', 'supplier_eta', { eta: inSeconds(24 * 3600) });
    await c.waitFor(id, 'waiting for the material', (x) => x.currentStep === 'await_material');
    assert.deepEqual(await c.docTypes(id), ['material_request']);
    check.materialRequest(id);
    await c.mes(id, 'material_received', { qty: 40 });
  });

  it(`${name}: equipment fault makes one maintenance request and moves the machine's orders once`, async () => {
    const id = await c.open('equipment_fault', { equipment: { equipmentId: 'PRESS-3', faultCode: 'E99' } });
    await c.task(id, 'planner');
    assert.deepEqual(await c.docTypes(id), ['maintenance_request', 'work_order_reschedule']);
    await c.decide(id, 'planner', 'plan_adjusted');
    await c.decide(id, 'repair', 'repaired');
    await c.waitFor(id, 'waiting for MES', (x) => x.currentStep === 'await_running');
    check.equipment(id);
    await c.mes(id, 'equipment_running', { downtimeMinutes: 1 });
  });

  it(`${name}: quality failure holds the lot, then scraps it, one document each`, async () => {
    const id = await c.open('quality_failure', {
      quality: { lot: 'LOT-5521', itemCode: 'FG-200', defectCode: 'D-SCRATCH', qtyAffected: 40 },
    });
    await c.task(id, 'disposition');
    await c.decide(id, 'disposition', 'scrap');
    await c.waitFor(id, 'resolved', (x) => x.status === 'resolved');
    assert.deepEqual(
      (await timelineDocs(id)).map((d) => d[0]),
      ['quality_hold', 'disposition'],
    );
    check.quality(id);
  });

  it(`${name}: order delay sets the new date and sends one customer notice`, async () => {
    const id = await c.open('order_delay', {
      order: {
        orderId: 'WO-1001',
        promisedDate: '2026-12-01',
        projectedDate: '2026-12-04',
        customer: 'ACME',
      },
    });
    await c.decide(id, 'plan', 'new_date', { newDate: '2026-12-05' });
    await c.decide(id, 'customer_notice', 'approve');
    await c.waitFor(id, 'resolved', (x) => x.status === 'resolved');
    assert.deepEqual(
      (await timelineDocs(id)).map((d) => d[0]),
      ['work_order_date_change', 'customer_notice'],
    );
    check.order(id);
  });
}

describe('SOPs against ERPNext', () => {
  let fake: ErpnextFake;
  before(async () => {
    fake = await new ErpnextFake('sop-key', 'sop-secret', erpnextSeed()).listen();
    current = createErpnextErp({
      kind: 'erpnext',
      url: fake.url,
      apiKey: 'sop-key',
      apiSecret: 'sop-secret',
      plant: erpnextPlant(),
      timeoutMs: 5000,
    });
  });
  after(() => fake.close());
  const entries = (id: number) => fake.all('Stock Entry').filter((d) => stamped(id)(d.andon_ref));
  scenarios('ERPNext', {
    base: () => `${fake.url}/app/`,
    failNextTransfer: () =>
      fake.failNext(
        (r) => r.method === 'POST' && r.path === '/api/resource/Stock Entry',
        { status: 502, body: {} },
        2,
      ),
    transfers: (id) => entries(id).length,
    transfer(id) {
      const [entry, ...more] = entries(id);
      assert.equal(more.length, 0);
      assert.deepEqual([entry!.stock_entry_type, entry!.docstatus], ['Material Transfer', 1]);
      assert.equal(fake.bins.get('RM-1001|Line L1 - ADC'), 105);
    },
    materialRequest(id) {
      const made = fake.all('Material Request').filter((d) => stamped(id)(d.andon_ref));
      assert.deepEqual(
        made.map((d) => [d.material_request_type, d.docstatus]),
        [['Purchase', 1]],
      );
    },
    equipment(id) {
      assert.equal(fake.all('Asset Repair').filter((d) => stamped(id)(d.andon_ref)).length, 1);
      const notes = fake.all('Comment').filter((d) => stamped(id)(d.content));
      assert.deepEqual(
        notes.map((d) => d.reference_name),
        ['WO-1002'],
      );
    },
    quality(id) {
      assert.deepEqual(
        entries(id).map((d) => d.stock_entry_type),
        ['Material Transfer', 'Material Issue'],
      );
      assert.equal(fake.batchStock.get('LOT-5521|Quarantine - ADC'), 0);
    },
    order(id) {
      assert.equal(fake.table('Work Order').get('WO-1001')!.expected_delivery_date, '2026-12-05');
      assert.equal(fake.all('Comment').filter((d) => stamped(id)(d.content)).length, 1);
      assert.deepEqual(
        fake.outbox.filter((d) => stamped(id)(d.content)).map((d) => d.recipients),
        ['buyer@acme.example'],
      );
    },
  });
});

for (const protocol of ['json2', 'jsonrpc'] as const) {
  describe(`SOPs against Odoo over ${protocol}`, () => {
    const creds = { db: 'plant', apiKey: 'sop-odoo-key', login: 'andon-bot', password: 'bot-pass' };
    let fake: OdooFake;
    let ids: Record<string, number>;
    before(async () => {
      fake = await new OdooFake(creds).listen();
      ids = seedOdoo(fake);
      current = createOdooErp({
        kind: 'odoo',
        url: fake.url,
        db: creds.db,
        protocol,
        ...(protocol === 'json2'
          ? { apiKey: creds.apiKey }
          : { user: creds.login, password: creds.password }),
        plant: odooPlant(),
        timeoutMs: 5000,
      });
    });
    after(() => fake.close());
    const pickings = (id: number) => fake.all('stock.picking').filter((p) => stamped(id)(p.origin));
    scenarios(`Odoo ${protocol}`, {
      base: () => `${fake.url}/web#id=`,
      failNextTransfer: () =>
        fake.failNext(
          (r) =>
            r.path.endsWith('/stock.picking/button_validate') ||
            JSON.stringify(r.body ?? '').includes('"stock.picking","button_validate"'),
          { status: 503, body: 'Service Unavailable' },
          2,
        ),
      transfers: (id) => pickings(id).filter((p) => p.state === 'done').length,
      transfer(id) {
        assert.deepEqual(
          pickings(id).map((p) => p.state),
          ['done'],
        );
        assert.equal(fake.quantAt(ids['RM-1001']!, ids.line1!), 105);
      },
      materialRequest(id) {
        const orders = fake.all('purchase.order').filter((o) => stamped(id)(o.origin));
        assert.deepEqual(
          orders.map((o) => [o.state, o.partner_id]),
          [['draft', ids.acme]],
        );
      },
      equipment(id) {
        assert.equal(fake.all('maintenance.request').filter((m) => stamped(id)(m.description)).length, 1);
        const notes = fake.all('mail.message').filter((m) => stamped(id)(m.body));
        assert.deepEqual(
          notes.map((m) => [m.model, m.res_id]),
          [['mrp.production', ids['WO-1002']]],
        );
      },
      quality(id) {
        assert.deepEqual(
          pickings(id).map((p) => p.state),
          ['done'],
        );
        assert.deepEqual(
          fake
            .all('stock.scrap')
            .filter((s) => stamped(id)(s.origin))
            .map((s) => s.state),
          ['done'],
        );
        assert.equal(fake.quantAt(ids['FG-200']!, ids.quarantine!, ids['LOT-5521']), 0);
      },
      order(id) {
        assert.equal(fake.table('mrp.production').get(ids['WO-1001']!)!.date_deadline, '2026-12-05 00:00:00');
        const notes = fake.all('mail.message').filter((m) => stamped(id)(m.body));
        assert.deepEqual(
          notes.map((m) => m.model),
          ['mrp.production', 'sale.order'],
        );
        assert.equal(fake.outbox.filter((m) => stamped(id)(m.body)).length, 1);
      },
    });
  });
}

describe('readiness', () => {
  it('/readyz reports whether the ERP answers, without making documents; a down ERP does not stop intake', async () => {
    const fake = await new ErpnextFake('ready-key', 'ready-secret', erpnextSeed()).listen();
    try {
      const settings = {
        kind: 'erpnext' as const,
        apiKey: 'ready-key',
        apiSecret: 'ready-secret',
        plant: erpnextPlant(),
        timeoutMs: 2000,
      };
      const up = await h.startAnother({
        runWorker: false,
        runApi: true,
        erp: createErpnextErp({ ...settings, url: fake.url }),
      });
      const ready = (await (await fetch(`${up.url}/readyz`)).json()) as {
        status: string;
        checks: Record<string, string>;
      };
      assert.deepEqual(ready, { status: 'ready', checks: { database: 'ok', temporal: 'ok', erp: 'ok' } });
      assert.ok(fake.requests.every((r) => r.method === 'GET'));
      const down = await h.startAnother({
        runWorker: false,
        runApi: true,
        erp: createErpnextErp({ ...settings, url: 'http://127.0.0.1:9' }),
      });
      const res = await fetch(`${down.url}/readyz`);
      assert.equal(res.status, 200);
      assert.deepEqual(((await res.json()) as { checks: Record<string, string> }).checks.erp, 'failing');
    } finally {
      await fake.close();
    }
  });
});
