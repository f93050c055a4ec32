/**
 * Demo contents of the ERP/WMS simulator for a plant with lines L1 and L2, so every SOP has
 * something to act on in `npm start`:
 * - RM-1001 is short at line L1's line-side location but stocked in the warehouses (a transfer);
 * - RM-2002 has no stock anywhere (a material request to purchasing);
 * - LOT-5521 of FG-200 and a supplier lot LOT-7781 of RM-3003 can be held and dispositioned;
 * - work orders on L1 (some on PRESS-3, one already running, one done) and L2 can be rescheduled.
 */
import { seedErpSim } from '../../db/erp-sim.js';
import type { Db } from '../../db/index.js';

const STOCK = [
  { warehouse: 'WH-MAIN', location: 'A-01', item_code: 'RM-1001', qty: 500 },
  { warehouse: 'WH-MAIN', location: 'B-07', item_code: 'RM-1001', qty: 120 },
  { warehouse: 'WH-EAST', location: 'E-02', item_code: 'RM-1001', qty: 80 },
  { warehouse: 'WH-MAIN', location: 'LINE-L1', item_code: 'RM-1001', qty: 5 },
  { warehouse: 'WH-MAIN', location: 'A-02', item_code: 'RM-2002', qty: 0 },
  { warehouse: 'WH-MAIN', location: 'LINE-L1', item_code: 'RM-2002', qty: 0 },
  { warehouse: 'WH-MAIN', location: 'A-03', item_code: 'RM-3003', qty: 300 },
  { warehouse: 'WH-MAIN', location: 'LINE-L2', item_code: 'RM-3003', qty: 40 },
  { warehouse: 'WH-MAIN', location: 'LINE-L2', item_code: 'RM-1001', qty: 60 },
];

const LOTS = [
  { lot: 'LOT-5521', item_code: 'FG-200', qty: 240, warehouse: 'WH-FG', status: 'available', supplier: null },
  { lot: 'LOT-5522', item_code: 'FG-200', qty: 180, warehouse: 'WH-FG', status: 'available', supplier: null },
  {
    lot: 'LOT-7781',
    item_code: 'RM-3003',
    qty: 300,
    warehouse: 'WH-MAIN',
    status: 'available',
    supplier: 'Acme Metals',
  },
  { lot: 'LOT-9001', item_code: 'FG-310', qty: 90, warehouse: 'WH-FG', status: 'available', supplier: null },
];

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Work orders around the moment of seeding, so a demo reschedule moves orders that lie ahead. */
function workOrders(now: Date): Array<Record<string, unknown>> {
  const base = Math.floor(now.getTime() / HOUR) * HOUR;
  const at = (hours: number): Date => new Date(base + hours * HOUR);
  const day = (days: number): string => new Date(base + days * DAY).toISOString().slice(0, 10);
  const wo = (
    order_id: string,
    line: string,
    equipment_id: string | null,
    item_code: string,
    qty: number,
    startHour: number,
    hours: number,
    dueDays: number,
    status: string,
  ): Record<string, unknown> => ({
    order_id,
    line,
    equipment_id,
    item_code,
    qty,
    planned_start: at(startHour),
    planned_end: at(startHour + hours),
    due_date: day(dueDays),
    status,
  });
  return [
    wo('WO-1000', 'L1', 'PRESS-3', 'FG-200', 400, -10, 8, 0, 'done'),
    wo('WO-1001', 'L1', 'PRESS-3', 'FG-200', 500, -2, 8, 1, 'in_progress'),
    wo('WO-1002', 'L1', 'PRESS-3', 'FG-200', 300, 6, 6, 2, 'released'),
    wo('WO-1003', 'L1', 'ASSY-1', 'FG-310', 200, 4, 8, 2, 'planned'),
    wo('WO-2001', 'L2', 'MILL-7', 'FG-310', 250, 1, 8, 2, 'released'),
    wo('WO-2002', 'L2', null, 'FG-420', 120, 10, 6, 3, 'planned'),
  ];
}

/** Seeds the simulator. Idempotent: a table that already holds rows is left alone. */
export async function seedErpSimulator(db: Db): Promise<void> {
  await seedErpSim(db, { stock: STOCK, lots: LOTS, workOrders: () => workOrders(new Date()) });
}
