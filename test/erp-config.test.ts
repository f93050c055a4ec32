/**
 * Choosing and configuring the ERP: the environment and the plant mapping file are validated at
 * start-up, and a missing setting or mapping refuses to start with a message naming it — in the
 * function and through the real entry point (exit 2). The generic REST adapter's mapping file
 * and its requests against a small REST service.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRestErp } from '../activities/erp/rest/adapter.js';
import { loadRestConfig } from '../activities/erp/rest/config.js';
import { ErpConfigError, loadErpSettings } from '../activities/erp/settings.js';
import { ErpError } from '../activities/erp/types.js';
import { loadConfig } from '../lib/config.js';
import { HttpFake, type FakeAnswer, type FakeRequest } from './fakes/http-fake.js';
import { ERPNEXT_PLANT_JSON, ODOO_PLANT_JSON } from './fakes/plant.js';

const dir = mkdtempSync(join(tmpdir(), 'andon-erp-config-'));
const file = (name: string, content: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};
const settingsOf = (env: Record<string, string>): ReturnType<typeof loadErpSettings> =>
  loadErpSettings(loadConfig(env));
const refusal = (env: Record<string, string>): string => {
  try {
    settingsOf(env);
  } catch (err) {
    assert.ok(err instanceof ErpConfigError, String(err));
    return err.message;
  }
  assert.fail('the configuration was accepted');
};

describe('ERP settings', () => {
  it('default to the simulator', () => {
    assert.deepEqual(settingsOf({}), { kind: 'simulator' });
  });

  it('ERPNext: reads the environment and the mapping file', () => {
    const s = settingsOf({
      ANDON_ERP: 'erpnext',
      ERPNEXT_URL: 'https://erp.example/',
      ERPNEXT_API_KEY: 'k',
      ERPNEXT_API_SECRET: 's',
      ANDON_ERP_CONFIG: file('erpnext.json', ERPNEXT_PLANT_JSON),
    });
    assert.equal(s.kind, 'erpnext');
    if (s.kind !== 'erpnext') return;
    assert.equal(s.url, 'https://erp.example');
    assert.equal(s.plant.quarantine, 'Quarantine - ADC');
    assert.equal(s.plant.stampField, 'andon_ref');
    assert.equal(s.plant.maintenanceDoctype, 'Asset Repair');
  });

  it('names each missing variable and mapping', () => {
    const { quarantine: _q, lines: _l, ...partial } = ERPNEXT_PLANT_JSON;
    const message = refusal({
      ANDON_ERP: 'erpnext',
      ERPNEXT_URL: 'https://erp.example',
      ERPNEXT_API_KEY: 'k',
      ANDON_ERP_CONFIG: file('partial.json', partial),
    });
    assert.match(message, /ERPNEXT_API_SECRET: missing/);
    assert.match(message, /quarantine: missing: where a quality hold moves a lot/);
    assert.match(message, /lines: missing: the work centers of each line/);
    assert.match(
      refusal({
        ANDON_ERP: 'erpnext',
        ERPNEXT_URL: 'https://erp.example',
        ERPNEXT_API_KEY: 'k',
        ERPNEXT_API_SECRET: 's',
      }),
      /ANDON_ERP_CONFIG: missing/,
    );
    const { maintenanceTeam: _t, ...noTeam } = ODOO_PLANT_JSON;
    const odoo = refusal({
      ANDON_ERP: 'odoo',
      ODOO_URL: 'https://odoo.example',
      ODOO_DB: 'plant',
      ODOO_API_KEY: 'k',
      ANDON_ERP_CONFIG: file('odoo.json', noTeam),
    });
    assert.match(odoo, /maintenanceTeam: missing: the Odoo maintenance team/);
    assert.match(
      refusal({
        ANDON_ERP: 'odoo',
        ODOO_URL: 'https://odoo.example',
        ODOO_DB: 'plant',
        ODOO_PROTOCOL: 'jsonrpc',
        ODOO_USER: 'bot',
        ANDON_ERP_CONFIG: file('odoo2.json', ODOO_PLANT_JSON),
      }),
      /ODOO_PASSWORD: missing/,
    );
    assert.throws(() => loadConfig({ ODOO_PROTOCOL: 'xmlrpc' }), /ODOO_PROTOCOL/);
  });

  it('Odoo: JSON-2 with an API key, JSON-RPC with a user (the API key may stand for the password)', () => {
    const base = {
      ANDON_ERP: 'odoo',
      ODOO_URL: 'https://odoo.example',
      ODOO_DB: 'plant',
      ANDON_ERP_CONFIG: file('odoo3.json', ODOO_PLANT_JSON),
    };
    assert.equal((settingsOf({ ...base, ODOO_API_KEY: 'k' }) as { protocol: string }).protocol, 'json2');
    assert.equal(
      (settingsOf({ ...base, ODOO_USER: 'bot', ODOO_API_KEY: 'k' }) as { protocol: string }).protocol,
      'jsonrpc',
    );
  });

  it('the API process refuses to start with a mapping missing, naming it (exit 2)', () => {
    const { rework: _r, ...noRework } = ERPNEXT_PLANT_JSON;
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/api.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        ANDON_LINK_SECRET: 'a-link-secret-of-16+chars',
        ANDON_ERP: 'erpnext',
        ERPNEXT_URL: 'https://erp.example',
        ERPNEXT_API_KEY: 'k',
        ERPNEXT_API_SECRET: 's',
        ANDON_ERP_CONFIG: file('no-rework.json', noRework),
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /invalid ERP configuration/);
    assert.match(run.stderr, /rework: missing: where a lot goes for rework/);
  });
});

/** A small REST WMS: documents by reference, created by POST. */
class RestWms extends HttpFake {
  readonly docs: Array<{ number: string; reference: string; body: unknown }> = [];
  protected handle(r: FakeRequest): FakeAnswer {
    if (r.headers.authorization !== 'Bearer wms-token')
      return { status: 401, body: { error: 'unauthorized' } };
    if (r.method === 'GET' && r.path === '/api/transfers') {
      const found = this.docs.filter((d) => d.reference === r.query.get('reference'));
      return { status: 200, body: { items: found.map((d) => ({ number: d.number })) } };
    }
    if (r.method === 'GET' && r.path === '/api/stock')
      return {
        status: 200,
        body: {
          levels: [
            { wh: 'MAIN', bin: 'A-01', quantity: 500 },
            { wh: 'MAIN', bin: 'LINE-L1', quantity: 5 },
          ],
        },
      };
    if (r.method === 'POST' && r.path === '/api/transfers') {
      const body = r.body as { qty: unknown; reference: string };
      if (typeof body.qty !== 'number') return { status: 422, body: { error: 'qty must be a number' } };
      const doc = { number: `TR-${this.docs.length + 1}`, reference: body.reference, body };
      this.docs.push(doc);
      return { status: 201, body: { data: { number: doc.number, state: 'open' } } };
    }
    return { status: 404, body: {} };
  }
}

describe('generic REST adapter', () => {
  let wms: RestWms;
  before(async () => {
    wms = await new RestWms().listen();
  });
  after(() => wms.close());

  const mapping = () => ({
    baseUrl: `${wms.url}/api`,
    headers: { Authorization: 'Bearer ${WMS_TOKEN}' },
    documentUrl: `${wms.url}/ui/transfers/{{docId}}`,
    stockElsewhere: {
      url: '/stock?item={{itemCode}}',
      levels: 'levels',
      fields: { warehouse: 'wh', location: 'bin', qty: 'quantity' },
    },
    operations: {
      createStockTransfer: {
        url: '/transfers',
        body: {
          item: '{{itemCode}}',
          qty: '{{qty}}',
          from: '{{fromLocation}}',
          to: '{{toLocation}}',
          reference: '{{stamp}}',
          note: 'Andon {{caseRef}}',
        },
        docId: 'data.number',
        status: 'data.state',
        find: { url: '/transfers?reference={{stamp}}', docId: 'items.0.number' },
      },
    },
  });

  it('refuses a mapping without a way to stay exactly once, or with a secret missing from the environment', () => {
    const m = mapping();
    const { find: _f, ...noFind } = m.operations.createStockTransfer;
    assert.throws(
      () =>
        loadRestConfig(file('nofind.json', { ...m, operations: { createStockTransfer: noFind } }), {
          WMS_TOKEN: 't',
        }),
      /operations.createStockTransfer: add "find"/,
    );
    assert.throws(
      () => loadRestConfig(file('noenv.json', m), {}),
      /WMS_TOKEN: missing: used by header Authorization/,
    );
  });

  it('sends the mapped requests, finds the stamp before creating, and sorts refusals from failures', async () => {
    const config = loadRestConfig(file('rest.json', mapping()), { WMS_TOKEN: 'wms-token' });
    const erp = createRestErp({ kind: 'rest', configFile: 'rest.json', config, timeoutMs: 1500 });
    assert.deepEqual(await erp.stockElsewhere({ itemCode: 'RM-1001', excludeLocation: 'LINE-L1' }), [
      { warehouse: 'MAIN', location: 'A-01', itemCode: 'RM-1001', qty: 500 },
    ]);
    const ref = { caseId: 5, stepKey: 'case-5:e0:erp:transfer' };
    const req = {
      ref,
      itemCode: 'RM-1001',
      qty: 100,
      fromWarehouse: 'MAIN',
      fromLocation: 'A-01',
      toLocation: 'LINE-L1',
    };
    wms.answerLate((r) => r.method === 'POST', 2500);
    await assert.rejects(erp.createStockTransfer(req), (e: unknown) => e instanceof ErpError && e.retryable);
    const doc = await erp.createStockTransfer(req);
    assert.equal(wms.docs.length, 1);
    assert.deepEqual([doc.docId, doc.url], ['TR-1', `${wms.url}/ui/transfers/TR-1`]);
    assert.deepEqual(wms.docs[0]!.body, {
      item: 'RM-1001',
      qty: 100,
      from: 'A-01',
      to: 'LINE-L1',
      reference: '[andon case-5:e0:erp:transfer]',
      note: 'Andon case-5',
    });
    wms.failNext((r) => r.method === 'POST', { status: 503, body: {} });
    await assert.rejects(
      erp.createStockTransfer({ ...req, ref: { caseId: 6, stepKey: 'case-6:e0:erp:transfer' } }),
      (e: unknown) => e instanceof ErpError && e.retryable,
    );
    await assert.rejects(
      erp.createStockTransfer({
        ...req,
        qty: Number.NaN,
        ref: { caseId: 7, stepKey: 'case-7:e0:erp:transfer' },
      }),
      (e: unknown) => e instanceof ErpError && !e.retryable && /HTTP 422/.test(e.message),
    );
    await assert.rejects(
      erp.createMaterialRequest({ ref, itemCode: 'X', qty: 1, uom: 'pcs', neededBy: '2026-12-01' }),
      /createMaterialRequest is not configured/,
    );
  });
});
