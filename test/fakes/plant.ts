/**
 * One demo plant as the ERP fakes hold it and as ANDON_ERP_CONFIG maps it, mirroring the
 * simulator's demo data (activities/erp/demo-data.ts): RM-1001 stocked away from line L1, RM-2002
 * nowhere, lots LOT-5521 (FG-200) and LOT-7781 (RM-3003, from Acme Metals), work orders on L1.
 */
import { parsePlantMapping, type PlantMapping } from '../../activities/erp/settings.js';
import type { ErpnextSeed } from './erpnext.js';
import type { OdooFake } from './odoo.js';

const HOUR = 3600_000;
/** `YYYY-MM-DD HH:MM:SS` (UTC) `hours` from now, on the hour. */
export const inHours = (hours: number): string =>
  new Date(Math.floor(Date.now() / HOUR) * HOUR + hours * HOUR).toISOString().slice(0, 19).replace('T', ' ');

export const ERPNEXT_PLANT_JSON = {
  company: 'Andon Demo Co',
  locations: { 'LINE-L1': 'Line L1 - ADC', 'LINE-L2': 'Line L2 - ADC', QUARANTINE: 'Quarantine - ADC' },
  quarantine: 'Quarantine - ADC',
  rework: 'Rework - ADC',
  release: 'Finished Goods - ADC',
  supplierReturns: 'Supplier Returns - ADC',
  receiving: 'Stores - ADC',
  lines: { L1: { workCenters: ['PRESS-3', 'ASSY-1'] }, L2: { workCenters: ['MILL-7'] } },
  equipmentIdField: 'asset_name',
};
export const erpnextPlant = (): PlantMapping => parsePlantMapping(ERPNEXT_PLANT_JSON, 'erpnext');

export function erpnextSeed(): ErpnextSeed {
  return {
    company: 'Andon Demo Co',
    warehouses: [
      'Stores - ADC',
      'East Stores - ADC',
      'Line L1 - ADC',
      'Line L2 - ADC',
      'Quarantine - ADC',
      'Rework - ADC',
      'Finished Goods - ADC',
      'Supplier Returns - ADC',
    ],
    items: ['RM-1001', 'RM-2002', 'RM-3003', 'FG-200'],
    bins: [
      { item_code: 'RM-1001', warehouse: 'Stores - ADC', actual_qty: 500 },
      { item_code: 'RM-1001', warehouse: 'East Stores - ADC', actual_qty: 80 },
      { item_code: 'RM-1001', warehouse: 'Line L1 - ADC', actual_qty: 5 },
      { item_code: 'RM-1001', warehouse: 'Quarantine - ADC', actual_qty: 900 },
      { item_code: 'FG-200', warehouse: 'Finished Goods - ADC', actual_qty: 240 },
      { item_code: 'RM-3003', warehouse: 'Stores - ADC', actual_qty: 300 },
    ],
    batches: [
      { name: 'LOT-5521', item: 'FG-200', stock: { 'Finished Goods - ADC': 240 } },
      { name: 'LOT-7781', item: 'RM-3003', stock: { 'Stores - ADC': 300 } },
    ],
    assets: [{ name: 'ACC-ASS-2026-00007', asset_name: 'PRESS-3' }],
    workOrders: [
      {
        name: 'WO-1000',
        status: 'Completed',
        planned_start_date: inHours(-10),
        planned_end_date: inHours(-2),
        operations: [{ workstation: 'PRESS-3' }],
      },
      {
        name: 'WO-1001',
        status: 'In Process',
        planned_start_date: inHours(-2),
        planned_end_date: inHours(6),
        sales_order: 'SO-0091',
        expected_delivery_date: '2026-12-01',
        operations: [{ workstation: 'PRESS-3' }],
      },
      {
        name: 'WO-1002',
        status: 'Not Started',
        planned_start_date: inHours(6),
        planned_end_date: inHours(12),
        operations: [{ workstation: 'PRESS-3' }],
      },
      {
        name: 'WO-1003',
        status: 'Not Started',
        planned_start_date: inHours(4),
        planned_end_date: inHours(12),
        operations: [{ workstation: 'ASSY-1' }],
      },
      {
        name: 'WO-2001',
        status: 'Not Started',
        planned_start_date: inHours(1),
        planned_end_date: inHours(9),
        operations: [{ workstation: 'MILL-7' }],
      },
    ],
    salesOrders: [{ name: 'SO-0091', customer: 'ACME', contact_email: 'buyer@acme.example' }],
  };
}

export const ODOO_PLANT_JSON = {
  company: 'Andon Demo Co',
  locations: { 'LINE-L1': 'WH/Line L1', 'LINE-L2': 'WH/Line L2', QUARANTINE: 'WH/Quarantine' },
  quarantine: 'WH/Quarantine',
  rework: 'WH/Rework',
  release: 'WH/Finished Goods',
  lines: { L1: { workCenters: ['PRESS-3', 'ASSY-1'] }, L2: { workCenters: ['MILL-7'] } },
  equipmentIdField: 'serial_no',
  maintenanceTeam: 'Line maintenance',
};
export const odooPlant = (): PlantMapping => parsePlantMapping(ODOO_PLANT_JSON, 'odoo');

/** Fills an Odoo fake with the demo plant; returns the ids tests look at. */
export function seedOdoo(fake: OdooFake): Record<string, number> {
  const ids: Record<string, number> = {};
  ids.company = fake.seed('res.company', { name: 'Andon Demo Co' });
  ids.acme = fake.seed('res.partner', { name: 'Acme Metals', email: 'sales@acme-metals.example' });
  ids.customer = fake.seed('res.partner', { name: 'ACME', email: 'buyer@acme.example' });
  ids.wh = fake.seed('stock.warehouse', { name: 'WH' });
  for (const [key, name] of [
    ['stock', 'Stock'],
    ['east', 'East'],
    ['line1', 'Line L1'],
    ['line2', 'Line L2'],
    ['quarantine', 'Quarantine'],
    ['rework', 'Rework'],
    ['fg', 'Finished Goods'],
  ] as const)
    ids[key] = fake.seed('stock.location', {
      name,
      complete_name: `WH/${name}`,
      usage: 'internal',
      warehouse_id: ids.wh,
    });
  ids.vendors = fake.seed('stock.location', {
    name: 'Vendors',
    complete_name: 'Partners/Vendors',
    usage: 'supplier',
    warehouse_id: null,
  });
  ids.scrap = fake.seed('stock.location', {
    name: 'Scrap',
    complete_name: 'Virtual Locations/Scrap',
    usage: 'inventory',
    warehouse_id: null,
  });
  ids.internalType = fake.seed('stock.picking.type', {
    name: 'Internal Transfers',
    code: 'internal',
    company_id: ids.company,
    sequence: 5,
  });
  for (const [code, tracking] of [
    ['RM-1001', 'none'],
    ['RM-2002', 'none'],
    ['RM-3003', 'lot'],
    ['FG-200', 'lot'],
  ] as const) {
    const tmpl = fake.seed('product.template', { name: code });
    ids[code] = fake.seed('product.product', {
      name: code,
      default_code: code,
      product_tmpl_id: tmpl,
      tracking,
    });
    if (code === 'RM-2002')
      fake.seed('product.supplierinfo', { product_tmpl_id: tmpl, partner_id: ids.acme, sequence: 1 });
  }
  ids['LOT-5521'] = fake.seed('stock.lot', { name: 'LOT-5521', product_id: ids['FG-200'] });
  ids['LOT-7781'] = fake.seed('stock.lot', { name: 'LOT-7781', product_id: ids['RM-3003'] });
  fake.addQuant(ids['RM-1001']!, ids.stock!, null, 500);
  fake.addQuant(ids['RM-1001']!, ids.east!, null, 80);
  fake.addQuant(ids['RM-1001']!, ids.line1!, null, 5);
  fake.addQuant(ids['RM-1001']!, ids.quarantine!, null, 900);
  fake.addQuant(ids['FG-200']!, ids.fg!, ids['LOT-5521'], 240);
  fake.addQuant(ids['RM-3003']!, ids.stock!, ids['LOT-7781'], 300);
  ids.press = fake.seed('maintenance.equipment', { name: 'Press 3', serial_no: 'PRESS-3' });
  ids.team = fake.seed('maintenance.team', { name: 'Line maintenance' });
  for (const wc of ['PRESS-3', 'ASSY-1', 'MILL-7']) ids[wc] = fake.seed('mrp.workcenter', { name: wc });
  ids.sale = fake.seed('sale.order', { name: 'S00091', partner_id: ids.customer });
  const mo = (
    name: string,
    state: string,
    start: number,
    hours: number,
    wc: string,
    origin?: string,
  ): void => {
    ids[name] = fake.seed('mrp.production', {
      name,
      state,
      date_start: inHours(start),
      date_finished: inHours(start + hours),
      date_deadline: '2026-12-01 00:00:00',
      ...(origin ? { origin } : {}),
    });
    fake.seed('mrp.workorder', { name: `${name} op`, production_id: ids[name], workcenter_id: ids[wc] });
  };
  mo('WO-1000', 'done', -10, 8, 'PRESS-3');
  mo('WO-1001', 'progress', -2, 8, 'PRESS-3', 'S00091');
  mo('WO-1002', 'confirmed', 6, 6, 'PRESS-3');
  mo('WO-1003', 'confirmed', 4, 8, 'ASSY-1');
  mo('WO-2001', 'confirmed', 1, 8, 'MILL-7');
  return ids;
}
