/**
 * One demo plant as the ERP fakes hold it and as ANDON_ERP_CONFIG maps it, mirroring the
 * simulator's demo data (activities/erp/demo-data.ts): RM-1001 stocked away from line L1, RM-2002
 * nowhere, lots LOT-5521 (FG-200) and LOT-7781 (RM-3003, from Acme Metals), work orders on L1.
 */
import { parsePlantMapping, type PlantMapping } from '../../activities/erp/settings.js';
import type { ErpnextSeed } from './erpnext.js';

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
