/**
 * The tables of the ERP/WMS simulator (`erp_sim_*`, migration 0003). The simulator's rules — what
 * a document does, when the ERP refuses — live in activities/erp/simulator.ts; this is its storage.
 * Functions taking `trx` run inside erpSimTransaction.
 */
import type { Db } from './index.js';

type Row = Record<string, unknown>;

// Rows as pg returns them: numeric (qty) as a string, timestamps as Date, jsonb parsed.
interface DocumentRow {
  id: number;
  doc_type: string;
  doc_id: string;
  case_ref: string;
  step_key: string;
  status: string;
  data: Record<string, unknown>;
  created_at: Date;
}
interface FaultRow {
  id: number;
  operation: string;
  remaining: number;
  message: string;
}
interface StockRow {
  id: number;
  warehouse: string;
  location: string;
  item_code: string;
  qty: string;
}
interface LotRow {
  lot: string;
  item_code: string;
  qty: string;
  warehouse: string;
  status: string;
  supplier: string | null;
}
interface WorkOrderRow {
  order_id: string;
  line: string;
  equipment_id: string | null;
  status: string;
  planned_start: Date;
  planned_end: Date;
}

export interface SimDocument {
  docType: string;
  docId: string;
  caseRef: string;
  stepKey: string;
  status: string;
  data: Record<string, unknown>;
  createdAt: string;
}

export interface SimStock {
  warehouse: string;
  location: string;
  itemCode: string;
  qty: number;
}

export interface SimLot {
  warehouse: string;
  status: string;
  supplier: string | null;
}

export interface SimOrder {
  orderId: string;
  status: string;
  plannedStart: string;
  plannedEnd: string;
}

const iso = (v: Date): string => new Date(v).toISOString();

const toDocument = (r: DocumentRow): SimDocument => ({
  docType: r.doc_type,
  docId: r.doc_id,
  caseRef: r.case_ref,
  stepKey: r.step_key,
  status: r.status,
  data: r.data,
  createdAt: iso(r.created_at),
});

/** Runs `fn` in one transaction: a document and its side effect commit together or not at all. */
export function erpSimTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction((trx) => fn(trx));
}

// ── faults ────────────────────────────────────────────────────────────────────────────────────

export async function insertFault(db: Db, operation: string, times: number, message: string): Promise<void> {
  await db('erp_sim_faults').insert({ operation, remaining: times, message });
}

/** Consumes one pending injected failure of the operation; its message, or null when none is pending. */
export async function consumeFault(db: Db, operation: string): Promise<string | null> {
  // The outer `remaining > 0` is re-checked on the row's latest version when concurrent calls
  // race for the same fault row, so a fault with remaining = n fails exactly n calls.
  const pending = db<FaultRow>('erp_sim_faults')
    .select('id')
    .where({ operation })
    .andWhere('remaining', '>', 0)
    .orderBy('id')
    .limit(1);
  const hit = await db<FaultRow>('erp_sim_faults')
    .whereIn('id', pending)
    .andWhere('remaining', '>', 0)
    .update({ remaining: db.raw('remaining - 1') })
    .returning('message');
  return hit[0] ? hit[0].message : null;
}

// ── documents ─────────────────────────────────────────────────────────────────────────────────

/** The document stamped with this step key, if any. */
export async function documentByStepKey(db: Db, stepKey: string): Promise<SimDocument | null> {
  const row = await db<DocumentRow>('erp_sim_documents').where({ step_key: stepKey }).first();
  return row ? toDocument(row) : null;
}

/**
 * Claims the step key with a draft document numbered `<prefix><id>`; null when another call holds
 * the key (after the winner's commit, since the unique index makes this insert wait for it).
 */
export async function claimDocument(
  trx: Db,
  d: { docType: string; prefix: string; caseRef: string; stepKey: string; request: Record<string, unknown> },
): Promise<number | null> {
  const seq = await trx.raw<{ rows: Array<{ id: string | number }> }>(
    `select nextval(pg_get_serial_sequence('erp_sim_documents', 'id')) as id`,
  );
  const id = Number(seq.rows[0]!.id);
  const inserted = await trx('erp_sim_documents')
    .insert({
      id,
      doc_type: d.docType,
      doc_id: `${d.prefix}${String(id).padStart(6, '0')}`,
      case_ref: d.caseRef,
      step_key: d.stepKey,
      status: 'draft',
      data: JSON.stringify(d.request),
    })
    .onConflict('step_key')
    .ignore()
    .returning<Array<Pick<DocumentRow, 'id'>>>('id');
  return inserted[0] ? id : null;
}

/** Sets a claimed document's outcome. */
export async function finishDocument(
  trx: Db,
  id: number,
  status: string,
  data: Record<string, unknown>,
): Promise<SimDocument> {
  const [row] = await trx('erp_sim_documents')
    .where({ id })
    .update({ status, data: JSON.stringify(data) })
    .returning<DocumentRow[]>('*');
  return toDocument(row!);
}

/** Every document stamped with this case reference, oldest first. */
export async function documentsByCaseRef(db: Db, caseRef: string): Promise<SimDocument[]> {
  const rows = await db<DocumentRow>('erp_sim_documents').where({ case_ref: caseRef }).orderBy('id');
  return rows.map(toDocument);
}

// ── stock ─────────────────────────────────────────────────────────────────────────────────────

/** Stock of an item with qty > 0 anywhere but one location, largest first. */
export async function stockElsewhere(db: Db, itemCode: string, excludeLocation: string): Promise<SimStock[]> {
  const rows = await db<StockRow>('erp_sim_stock')
    .where({ item_code: itemCode })
    .andWhere('location', '<>', excludeLocation)
    .andWhere('qty', '>', 0)
    .orderBy([
      { column: 'qty', order: 'desc' },
      { column: 'warehouse', order: 'asc' },
      { column: 'location', order: 'asc' },
    ]);
  return rows.map((r) => ({
    warehouse: r.warehouse,
    location: r.location,
    itemCode: r.item_code,
    qty: Number(r.qty),
  }));
}

type Place = { warehouse: string; location: string; itemCode: string };
const placeKey = (p: Place): Pick<StockRow, 'warehouse' | 'location' | 'item_code'> => ({
  warehouse: p.warehouse,
  location: p.location,
  item_code: p.itemCode,
});

/** Takes `qty` from a place if it holds that much; what is left there, or null when it does not. */
export async function takeStock(trx: Db, from: Place, qty: number): Promise<number | null> {
  // The row lock makes concurrent takes from one place queue up; each re-checks qty.
  const left = await trx('erp_sim_stock')
    .where(placeKey(from))
    .andWhere('qty', '>=', qty)
    .update({ qty: trx.raw('qty - ?', [qty]), updated_at: trx.fn.now() })
    .returning<Array<Pick<StockRow, 'qty'>>>('qty');
  return left[0] ? Number(left[0].qty) : null;
}

/** What a place holds (0 when it has no row). */
export async function stockAt(trx: Db, at: Place): Promise<number> {
  const have = await trx<StockRow>('erp_sim_stock').where(placeKey(at)).first('qty');
  return Number(have?.qty ?? 0);
}

/** The warehouse that already keeps this location, if any. */
export async function warehouseOf(trx: Db, location: string): Promise<string | null> {
  const known = await trx<StockRow>('erp_sim_stock').where({ location }).orderBy('id').first('warehouse');
  return known?.warehouse ?? null;
}

/** Adds `qty` to a place (creating its row); what it holds now. */
export async function addStock(trx: Db, at: Place, qty: number): Promise<number> {
  const [row] = await trx('erp_sim_stock')
    .insert({ ...placeKey(at), qty })
    .onConflict(['warehouse', 'location', 'item_code'])
    .merge({ qty: trx.raw('erp_sim_stock.qty + excluded.qty'), updated_at: trx.fn.now() })
    .returning<Array<Pick<StockRow, 'qty'>>>('qty');
  return Number(row!.qty);
}

// ── lots ──────────────────────────────────────────────────────────────────────────────────────

/** The lot, locked for the rest of the transaction; null when the ERP does not know it. */
export async function lockLot(trx: Db, lot: string, itemCode: string): Promise<SimLot | null> {
  const row = await trx<LotRow>('erp_sim_lots').where({ lot, item_code: itemCode }).forUpdate().first();
  if (!row) return null;
  return { warehouse: row.warehouse, status: row.status, supplier: row.supplier };
}

/** Puts the lot on hold in a warehouse, creating it with `qty` when unknown; the lot's qty. */
export async function holdLot(
  trx: Db,
  h: { lot: string; itemCode: string; qty: number; warehouse: string },
): Promise<number> {
  const [row] = await trx('erp_sim_lots')
    .insert({ lot: h.lot, item_code: h.itemCode, qty: h.qty, warehouse: h.warehouse, status: 'on_hold' })
    .onConflict(['lot', 'item_code'])
    .merge({ warehouse: h.warehouse, status: 'on_hold', updated_at: trx.fn.now() })
    .returning<Array<Pick<LotRow, 'qty'>>>('qty');
  return Number(row!.qty);
}

export async function setLotStatus(
  trx: Db,
  lot: string,
  itemCode: string,
  status: string,
  supplier: string | null,
): Promise<void> {
  await trx('erp_sim_lots')
    .where({ lot, item_code: itemCode })
    .update({ status, supplier, updated_at: trx.fn.now() });
}

// ── work orders ───────────────────────────────────────────────────────────────────────────────

/** Moves the orders of a line (or one machine) in these statuses by `minutes`; the moved orders. */
export async function shiftWorkOrders(
  trx: Db,
  s: { line: string; equipmentId?: string | undefined; statuses: string[]; minutes: number },
): Promise<SimOrder[]> {
  const shift = (column: string) =>
    trx.raw('?? + make_interval(secs => ?::double precision)', [column, s.minutes * 60]);
  const q = trx('erp_sim_work_orders').where({ line: s.line }).whereIn('status', s.statuses);
  if (s.equipmentId !== undefined) q.andWhere({ equipment_id: s.equipmentId });
  const moved = await q
    .update({
      planned_start: shift('planned_start'),
      planned_end: shift('planned_end'),
      updated_at: trx.fn.now(),
    })
    .returning<Array<Pick<WorkOrderRow, 'order_id' | 'status' | 'planned_start' | 'planned_end'>>>([
      'order_id',
      'status',
      'planned_start',
      'planned_end',
    ]);
  return moved.map((o) => ({
    orderId: o.order_id,
    status: o.status,
    plannedStart: iso(o.planned_start),
    plannedEnd: iso(o.planned_end),
  }));
}

/** The order's due date (YYYY-MM-DD), locked for the transaction; null when the order is unknown. */
export async function lockOrderDueDate(trx: Db, orderId: string): Promise<string | null> {
  const row = await trx('erp_sim_work_orders')
    .where({ order_id: orderId })
    .forUpdate()
    .first<{ due_date: string } | undefined>(trx.raw('due_date::text as due_date'));
  return row ? row.due_date : null;
}

export async function setOrderDueDate(trx: Db, orderId: string, dueDate: string): Promise<void> {
  await trx('erp_sim_work_orders')
    .where({ order_id: orderId })
    .update({ due_date: dueDate, updated_at: trx.fn.now() });
}

// ── demo contents ─────────────────────────────────────────────────────────────────────────────

/**
 * Seeds each table that is still empty. Concurrent seeds of an empty table do not collide (every
 * row has a unique key).
 */
export async function seedErpSim(
  db: Db,
  rows: { stock: Row[]; lots: Row[]; workOrders: () => Row[] },
): Promise<void> {
  const empty = async (table: string): Promise<boolean> => (await db(table).first('id')) === undefined;
  if (await empty('erp_sim_stock')) {
    await db('erp_sim_stock').insert(rows.stock).onConflict(['warehouse', 'location', 'item_code']).ignore();
  }
  if (await empty('erp_sim_lots')) {
    await db('erp_sim_lots').insert(rows.lots).onConflict(['lot', 'item_code']).ignore();
  }
  if (await empty('erp_sim_work_orders')) {
    await db('erp_sim_work_orders').insert(rows.workOrders()).onConflict('order_id').ignore();
  }
}
