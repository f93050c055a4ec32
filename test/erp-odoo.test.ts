/**
 * The Odoo adapter against a local fake of Odoo's external APIs (test/fakes/odoo.ts), once over
 * JSON-2 (Odoo 19+) and once over JSON-RPC execute_kw (≤ 18): authentication, models, field
 * names and the confirm/validate steps of every operation; exactly once across a crash between
 * Odoo's commit and its answer; timeouts, refusals and failures.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createOdooErp } from '../activities/erp/odoo/adapter.js';
import type { OdooSettings } from '../activities/erp/settings.js';
import { ErpError, type DocRef, type ErpAdapter } from '../activities/erp/types.js';
import type { FakeRequest } from './fakes/http-fake.js';
import { OdooFake } from './fakes/odoo.js';
import { odooPlant, seedOdoo } from './fakes/plant.js';

const CREDS = { db: 'plant', apiKey: 'odoo-key-0123', login: 'andon-bot', password: 'bot-password' };
let n = 0;
const ref = (step = 'erp:step'): DocRef => {
  n += 1;
  return { caseId: 7000 + n, stepKey: `case-${7000 + n}:e0:${step}` };
};

/** The model and method a request calls, whichever protocol carried it. */
export function calledMethod(r: FakeRequest): [string, string] | null {
  const json2 = /^\/json\/2\/([\w.]+)\/(\w+)$/.exec(r.path);
  if (json2) return [json2[1]!, json2[2]!];
  const params = (r.body as { params?: { service?: string; args?: unknown[] } } | undefined)?.params;
  if (r.path === '/jsonrpc' && params?.service === 'object')
    return [String(params.args?.[3]), String(params.args?.[4])];
  return null;
}
const calls = (model: string, method: string) => (r: FakeRequest) => {
  const c = calledMethod(r);
  return c?.[0] === model && c[1] === method;
};

async function rejects(p: Promise<unknown>, retryable: boolean, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ErpError, String(err));
    assert.equal(err.retryable, retryable, err.message);
    assert.match(err.message, message);
    return true;
  });
}

for (const protocol of ['json2', 'jsonrpc'] as const) {
  describe(`Odoo adapter over ${protocol}`, () => {
    let fake: OdooFake;
    let ids: Record<string, number>;
    let erp: ErpAdapter;
    const settings = (o: Partial<OdooSettings> = {}): OdooSettings => ({
      kind: 'odoo',
      url: fake.url,
      db: CREDS.db,
      protocol,
      ...(protocol === 'json2' ? { apiKey: CREDS.apiKey } : { user: CREDS.login, password: CREDS.password }),
      plant: odooPlant(),
      timeoutMs: 1500,
      ...o,
    });
    /** The named arguments of a call (JSON-2 body, or JSON-RPC kwargs with the ids as args[0]). */
    const argsOf = (r: FakeRequest): Record<string, unknown> => {
      if (protocol === 'json2') return r.body as Record<string, unknown>;
      const args = (r.body as { params: { args: unknown[] } }).params.args;
      return {
        ...(args[6] as Record<string, unknown>),
        ...(Array.isArray(args[5]) && args[5].length ? { ids: args[5][0] } : {}),
      };
    };

    before(async () => {
      fake = await new OdooFake(CREDS).listen();
      ids = seedOdoo(fake);
    });
    after(() => fake.close());
    beforeEach(() => {
      fake.requests.length = 0;
      erp = createOdooErp(settings());
    });

    it('authenticates as the protocol says and reads stock.quant, less reserved, outside the line and quarantine', async () => {
      const levels = await erp.stockElsewhere({ itemCode: 'RM-1001', excludeLocation: 'LINE-L1' });
      assert.deepEqual(levels, [
        { warehouse: 'WH', location: 'WH/Stock', itemCode: 'RM-1001', qty: 500 },
        { warehouse: 'WH', location: 'WH/East', itemCode: 'RM-1001', qty: 80 },
      ]);
      const first = fake.requests[0]!;
      if (protocol === 'json2') {
        assert.equal(first.headers.authorization, `bearer ${CREDS.apiKey}`);
        assert.equal(first.headers['x-odoo-database'], CREDS.db);
      } else {
        assert.deepEqual((first.body as { params: unknown }).params, {
          service: 'common',
          method: 'authenticate',
          args: [CREDS.db, CREDS.login, CREDS.password, {}],
        });
        const call = (
          fake.requests[1]!.body as { params: { service: string; method: string; args: unknown[] } }
        ).params;
        assert.equal(call.service, 'object');
        assert.equal(call.method, 'execute_kw');
        assert.deepEqual(call.args.slice(0, 3), [CREDS.db, 7, CREDS.password]);
      }
      assert.ok(fake.requestsTo(calls('stock.quant', 'search_read')).length === 1);
    });

    it('transfers with an internal picking: created with its move, confirmed, picked and validated', async () => {
      const r = ref('erp:transfer');
      const doc = await erp.createStockTransfer({
        ref: r,
        itemCode: 'RM-1001',
        qty: 100,
        fromWarehouse: 'WH',
        fromLocation: 'WH/Stock',
        toLocation: 'LINE-L1',
      });
      assert.match(doc.docId, /^WH\/INT\//);
      assert.equal(doc.status, 'completed');
      assert.match(doc.url!, new RegExp(`/web#id=\\d+&model=stock.picking&view_type=form$`));
      const create = argsOf(fake.requestsTo(calls('stock.picking', 'create'))[0]!) as {
        vals_list: Array<Record<string, unknown>>;
      };
      const vals = create.vals_list[0]!;
      assert.equal(vals.origin, `[andon ${r.stepKey}]`);
      assert.equal(vals.picking_type_id, ids.internalType);
      assert.equal(vals.location_id, ids.stock);
      assert.equal(vals.location_dest_id, ids.line1);
      assert.deepEqual((vals.move_ids as unknown[][])[0]!.slice(0, 2), [0, 0]);
      const order = fake.requests
        .map(calledMethod)
        .filter((c) => c?.[0] === 'stock.picking' && c[1] !== 'search_read')
        .map((c) => c![1]);
      assert.deepEqual(order, ['create', 'action_confirm', 'button_validate']);
      assert.equal(
        argsOf(fake.requestsTo(calls('stock.picking', 'button_validate'))[0]!).context instanceof Object,
        true,
      );
      assert.equal(fake.quantAt(ids['RM-1001']!, ids.line1!), 105);
    });

    it('a crash between create and answer makes one picking: the retry finds the stamp and finishes it', async () => {
      const r = ref('erp:transfer');
      fake.answerLate(calls('stock.picking', 'create'), 2500);
      const req = {
        ref: r,
        itemCode: 'RM-1001',
        qty: 10,
        fromWarehouse: 'WH',
        fromLocation: 'WH/East',
        toLocation: 'LINE-L1',
      };
      await rejects(erp.createStockTransfer(req), true, /timed out after 1500 ms/);
      const doc = await erp.createStockTransfer(req);
      const made = fake.all('stock.picking').filter((p) => p.origin === `[andon ${r.stepKey}]`);
      assert.equal(made.length, 1);
      assert.equal(made[0]!.state, 'done');
      assert.equal(doc.docId, made[0]!.name);
      assert.equal(fake.quantAt(ids['RM-1001']!, ids.east!), 70);
    });

    it('a 5xx is retryable; the retry validates the same picking once', async () => {
      const r = ref('erp:transfer');
      fake.failNext(calls('stock.picking', 'button_validate'), { status: 503, body: 'Service Unavailable' });
      const req = {
        ref: r,
        itemCode: 'RM-1001',
        qty: 1,
        fromWarehouse: 'WH',
        fromLocation: 'WH/Stock',
        toLocation: 'LINE-L1',
      };
      await rejects(erp.createStockTransfer(req), true, /HTTP 503/);
      await erp.createStockTransfer(req);
      const made = fake.all('stock.picking').filter((p) => p.origin === `[andon ${r.stepKey}]`);
      assert.deepEqual(
        made.map((p) => p.state),
        ['done'],
      );
    });

    it('refusals are not retried: a wrong key or password, an unknown product, a missing mapping', async () => {
      const wrong = createOdooErp(settings(protocol === 'json2' ? { apiKey: 'nope' } : { password: 'nope' }));
      await rejects(
        wrong.stockElsewhere({ itemCode: 'RM-1001', excludeLocation: 'LINE-L1' }),
        false,
        protocol === 'json2' ? /Unauthorized.*Invalid apikey/ : /refused the login of andon-bot/,
      );
      await assert.rejects(wrong.ping!(), ErpError);
      await rejects(
        erp.stockElsewhere({ itemCode: 'NOPE', excludeLocation: 'LINE-L1' }),
        false,
        /no product with internal reference NOPE/,
      );
      await rejects(
        erp.createStockTransfer({
          ref: ref(),
          itemCode: 'RM-1001',
          qty: 1,
          fromWarehouse: 'WH',
          fromLocation: 'WH/Stock',
          toLocation: 'LINE-L9',
        }),
        false,
        /no Odoo location is mapped for Andon location LINE-L9/,
      );
      const gone = createOdooErp(settings({ url: 'http://127.0.0.1:9' }));
      await rejects(gone.stockElsewhere({ itemCode: 'RM-1001', excludeLocation: 'LINE-L1' }), true, /failed/);
      await erp.ping!();
    });

    it('holds a lot into quarantine with a move line naming the lot, once', async () => {
      const r = ref('erp:hold');
      const req = { ref: r, lot: 'LOT-5521', itemCode: 'FG-200', qty: 40, holdWarehouse: 'QUARANTINE' };
      const doc = await erp.placeQualityHold(req);
      assert.equal(doc.status, 'on_hold');
      assert.equal(fake.quantAt(ids['FG-200']!, ids.quarantine!, ids['LOT-5521']), 40);
      const move = argsOf(fake.requestsTo(calls('stock.move', 'write'))[0]!) as {
        vals: { move_line_ids: unknown[][] };
      };
      assert.equal((move.vals.move_line_ids[1]![2] as { lot_id: number }).lot_id, ids['LOT-5521']);
      await erp.placeQualityHold(req);
      assert.equal(fake.quantAt(ids['FG-200']!, ids.quarantine!, ids['LOT-5521']), 40);
    });

    it('executes dispositions: transfers on, a validated stock.scrap, a return to the vendor, a recall message', async () => {
      const lot = { lot: 'LOT-7781', itemCode: 'RM-3003' };
      await erp.placeQualityHold({ ref: ref('erp:hold'), ...lot, qty: 100, holdWarehouse: 'QUARANTINE' });
      await erp.executeDisposition({ ref: ref('erp:disposition'), ...lot, qty: 10, disposition: 'rework' });
      await erp.executeDisposition({
        ref: ref('erp:disposition'),
        ...lot,
        qty: 10,
        disposition: 'concession',
      });
      const back = await erp.executeDisposition({
        ref: ref('erp:disposition'),
        ...lot,
        qty: 10,
        disposition: 'return_to_supplier',
        supplier: 'Acme Metals',
      });
      const scrapRef = ref('erp:disposition');
      const scrap = await erp.executeDisposition({ ref: scrapRef, ...lot, qty: 10, disposition: 'scrap' });
      await erp.executeDisposition({ ref: scrapRef, ...lot, qty: 10, disposition: 'scrap' });
      const q = (loc: string) => fake.quantAt(ids['RM-3003']!, ids[loc]!, ids['LOT-7781']);
      assert.deepEqual(
        [q('quarantine'), q('rework'), q('fg'), q('vendors'), q('scrap')],
        [60, 10, 10, 10, 10],
      );
      assert.equal(back.data.supplierId, ids.acme);
      assert.equal(scrap.data.model, 'stock.scrap');
      assert.equal(
        fake.all('stock.scrap').filter((s) => s.origin === `[andon ${scrapRef.stepKey}]`).length,
        1,
      );
      const r = ref('erp:disposition');
      await erp.executeDisposition({ ref: r, ...lot, qty: 10, disposition: 'recall' });
      await erp.executeDisposition({ ref: r, ...lot, qty: 10, disposition: 'recall' });
      assert.equal(
        fake.all('mail.message').filter((m) => m.model === 'stock.lot' && String(m.body).includes(r.stepKey))
          .length,
        1,
      );
    });

    it('raises an RFQ (draft purchase.order) to the product’s vendor, once', async () => {
      const r = ref('erp:material_request');
      const req = { ref: r, itemCode: 'RM-2002', qty: 40, uom: 'kg', neededBy: '2099-01-10T06:00:00Z' };
      const doc = await erp.createMaterialRequest(req);
      assert.equal(doc.status, 'rfq');
      assert.match(doc.docId, /^P\d+/);
      await erp.createMaterialRequest(req);
      const orders = fake.all('purchase.order').filter((o) => o.origin === `[andon ${r.stepKey}]`);
      assert.equal(orders.length, 1);
      assert.equal(orders[0]!.partner_id, ids.acme);
      assert.equal(orders[0]!.date_planned, '2099-01-10 06:00:00');
    });

    it('opens a corrective maintenance.request for the equipment, to the mapped team, once', async () => {
      const r = ref('erp:maintenance_request');
      const req = { ref: r, equipmentId: 'PRESS-3', faultCode: 'E42', description: 'Press 3 fault E42' };
      await erp.createMaintenanceRequest(req);
      await erp.createMaintenanceRequest(req);
      const made = fake.all('maintenance.request').filter((m) => String(m.description).includes(r.stepKey));
      assert.equal(made.length, 1);
      assert.deepEqual(
        [made[0]!.equipment_id, made[0]!.maintenance_team_id, made[0]!.maintenance_type],
        [ids.press, ids.team, 'corrective'],
      );
    });

    it('moves the not-started manufacturing orders of the machine once, even retried after the message', async () => {
      const r = ref('erp:reschedule');
      const start = fake.table('mrp.production').get(ids['WO-1002']!)!.date_start;
      fake.failNext(calls('mrp.production', 'write'), {
        status: 500,
        body: { name: 'psycopg2.errors.SerializationFailure', message: 'could not serialize access' },
      });
      await rejects(
        erp.rescheduleWorkOrders({ ref: r, line: 'L1', equipmentId: 'PRESS-3', delayMinutes: 90 }),
        true,
        /HTTP 500|SerializationFailure/,
      );
      const doc = await erp.rescheduleWorkOrders({
        ref: r,
        line: 'L1',
        equipmentId: 'PRESS-3',
        delayMinutes: 90,
      });
      assert.equal(doc.docId, 'WO-1002');
      const moved = fake.table('mrp.production').get(ids['WO-1002']!)!.date_start;
      assert.equal(Date.parse(`${String(moved)}Z`) - Date.parse(`${String(start)}Z`), 90 * 60_000);
      assert.equal(
        fake
          .all('mail.message')
          .filter((m) => m.res_id === ids['WO-1002'] && String(m.body).includes(r.stepKey)).length,
        1,
      );
    });

    it('sets the deadline and posts the customer notice on the sale order to its customer, once', async () => {
      const dates = await erp.updateWorkOrderDates({
        ref: ref('erp:work_order_dates'),
        orderId: 'WO-1001',
        newDate: '2026-12-05',
      });
      assert.equal(dates.data.newDueDate, '2026-12-05');
      assert.equal(fake.table('mrp.production').get(ids['WO-1001']!)!.date_deadline, '2026-12-05 00:00:00');
      const r = ref('erp:customer_notice');
      const req = {
        ref: r,
        orderId: 'WO-1001',
        customer: 'ACME',
        newDate: '2026-12-05',
        message: 'Order WO-1001 now ships 2026-12-05.',
      };
      const before = fake.outbox.length;
      const notice = await erp.sendCustomerNotice(req);
      await erp.sendCustomerNotice(req);
      assert.equal(notice.status, 'sent');
      assert.equal(fake.outbox.length, before + 1);
      const post = argsOf(fake.requestsTo(calls('sale.order', 'message_post'))[0]!);
      assert.deepEqual(
        [post.ids, post.partner_ids, post.subtype_xmlid, post.message_type],
        [[ids.sale], [ids.customer], 'mail.mt_comment', 'comment'],
      );
    });
  });
}

for (const protocol of ['json2', 'jsonrpc'] as const) {
  describe(`Odoo adapter over ${protocol}: every operation made exactly once across a crash between commit and answer`, () => {
    let fake: OdooFake;
    let ids: Record<string, number>;
    const make = (timeoutMs: number): ErpAdapter =>
      createOdooErp({
        kind: 'odoo',
        url: fake.url,
        db: CREDS.db,
        protocol,
        ...(protocol === 'json2'
          ? { apiKey: CREDS.apiKey }
          : { user: CREDS.login, password: CREDS.password }),
        plant: odooPlant(),
        timeoutMs,
      });
    before(async () => {
      fake = await new OdooFake(CREDS).listen();
      ids = seedOdoo(fake);
    });
    after(() => fake.close());
    const post = (model: string) => calls(model, 'message_post');
    const cases: Array<
      [string, (r: FakeRequest) => boolean, (erp: ErpAdapter, r: DocRef) => Promise<unknown>]
    > = [
      [
        'stock transfer',
        calls('stock.picking', 'create'),
        (e, r) =>
          e.createStockTransfer({
            ref: r,
            itemCode: 'RM-1001',
            qty: 1,
            fromWarehouse: 'WH',
            fromLocation: 'WH/Stock',
            toLocation: 'LINE-L2',
          }),
      ],
      [
        'material request',
        calls('purchase.order', 'create'),
        (e, r) =>
          e.createMaterialRequest({
            ref: r,
            itemCode: 'RM-2002',
            qty: 1,
            uom: 'kg',
            neededBy: '2099-01-01T00:00:00Z',
          }),
      ],
      [
        'quality hold',
        calls('stock.picking', 'create'),
        (e, r) =>
          e.placeQualityHold({
            ref: r,
            lot: 'LOT-7781',
            itemCode: 'RM-3003',
            qty: 5,
            holdWarehouse: 'QUARANTINE',
          }),
      ],
      [
        'scrap',
        calls('stock.scrap', 'create'),
        (e, r) =>
          e.executeDisposition({
            ref: r,
            lot: 'LOT-7781',
            itemCode: 'RM-3003',
            qty: 1,
            disposition: 'scrap',
          }),
      ],
      [
        'recall',
        post('stock.lot'),
        (e, r) =>
          e.executeDisposition({
            ref: r,
            lot: 'LOT-7781',
            itemCode: 'RM-3003',
            qty: 1,
            disposition: 'recall',
          }),
      ],
      [
        'maintenance request',
        calls('maintenance.request', 'create'),
        (e, r) =>
          e.createMaintenanceRequest({ ref: r, equipmentId: 'PRESS-3', faultCode: 'E1', description: 'x' }),
      ],
      [
        'reschedule',
        post('mrp.production'),
        (e, r) => e.rescheduleWorkOrders({ ref: r, line: 'L2', delayMinutes: 30 }),
      ],
      [
        'work-order date',
        post('mrp.production'),
        (e, r) => e.updateWorkOrderDates({ ref: r, orderId: 'WO-1002', newDate: '2026-12-20' }),
      ],
      [
        'customer notice',
        post('sale.order'),
        (e, r) =>
          e.sendCustomerNotice({ ref: r, orderId: 'WO-1001', newDate: '2026-12-20', message: 'new date' }),
      ],
    ];
    for (const [name, match, run] of cases) {
      it(name, async () => {
        const r = ref(`erp:${name.replace(/\W/g, '_')}`);
        fake.answerLate(match, 700);
        await rejects(run(make(300), r), true, /timed out/);
        const erp = make(5000);
        await run(erp, r);
        await run(erp, r);
        const docs = (await erp.documentsForCase(r.caseId)).filter((d) => d.stepKey === r.stepKey);
        assert.equal(docs.length, 1, JSON.stringify(docs));
      });
    }
    it('a reschedule retried after its note moves the order once', () => {
      const seeded = fake.table('mrp.production').get(ids['WO-2001']!)!;
      const notes = fake.all('mail.message').filter((m) => m.res_id === ids['WO-2001']);
      assert.equal(notes.length, 1);
      const body = String(notes[0]!.body);
      assert.match(body, new RegExp(`new planned start ${String(seeded.date_start)}`));
      const was = /\(was (\S+ \S+)\)/.exec(body)![1]!;
      assert.equal(Date.parse(`${String(seeded.date_start)}Z`) - Date.parse(`${was}Z`), 30 * 60_000);
    });
  });
}
