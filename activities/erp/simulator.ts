/**
 * The ERP/WMS simulator: the default ErpAdapter, backed by `erp_sim_*` tables in Andon's own
 * database. It behaves like a real ERP that has no idempotency keys: every document is stamped with
 * the case reference and the SOP step key, and each create searches for that stamp first, so a
 * retried call (after a timeout or a worker crash) gets the document made the first time back
 * instead of making a second one and repeating its side effect.
 *
 * Tests drive failures from another process through `erp_sim_faults` (see injectErpFault), and a
 * slow ERP through `latencyAfterWriteMs`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { Db } from '../../db/index.js';
import {
  ErpError,
  type DocRef,
  type Disposition,
  type ErpAdapter,
  type ErpDocType,
  type ErpDocument,
  type StockLevel,
} from './types.js';

type Row = Record<string, unknown>;
type Trx = Knex.Transaction;

/** The adapter's operations by method name; a fault row's `operation` is one of these. */
export type ErpSimOperation = Exclude<keyof ErpAdapter, 'name'>;

/** The ERP's document number prefix per document type. */
const DOC_PREFIX: Record<ErpDocType, string> = {
  stock_transfer: 'TR-',
  material_request: 'MR-',
  quality_hold: 'QH-',
  disposition: 'DI-',
  maintenance_request: 'MT-',
  work_order_reschedule: 'RS-',
  work_order_date_change: 'WO-',
  customer_notice: 'CN-',
};

/** The lot status each disposition leaves behind. */
const DISPOSITION_STATUS: Record<Disposition, string> = {
  return_to_supplier: 'returned',
  rework: 'rework',
  scrap: 'scrapped',
  concession: 'released_concession',
  recall: 'recalled',
};

/** Work orders a reschedule may still move: not started yet. */
const UNFINISHED_ORDER_STATUSES = ['planned', 'released'];

/** Lots that have physically left the plant's control cannot be moved into quarantine. */
const GONE_LOT_STATUSES = ['returned', 'scrapped'];

const caseRef = (caseId: number): string => `case-${caseId}`;

const iso = (v: unknown): string => new Date(v as Date | string).toISOString();

function toDocument(r: Row): ErpDocument {
  return {
    docType: r.doc_type as ErpDocType,
    docId: r.doc_id as string,
    caseRef: r.case_ref as string,
    stepKey: r.step_key as string,
    status: r.status as string,
    data: r.data as Record<string, unknown>,
    createdAt: iso(r.created_at),
  };
}

/** Rejects input that no retry could make acceptable. */
function requirePositive(value: number, what: string): void {
  if (!Number.isFinite(value) || value <= 0) throw new ErpError(`${what} must be a positive number`, false);
}

/** `YYYY-MM-DD` of a date or date-time string; a non-retryable ErpError if it is not one. */
function calendarDate(value: string, what: string): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(value)?.[0];
  if (
    !day ||
    Number.isNaN(Date.parse(`${day}T00:00:00Z`)) ||
    new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day
  ) {
    throw new ErpError(`${what} is not a date: ${value}`, false);
  }
  return day;
}

/**
 * Makes the next `times` calls of `operation` fail with a retryable ErpError before they write
 * anything. Meant for tests, which may run in another process than the worker using the adapter.
 */
export async function injectErpFault(
  db: Db,
  operation: ErpSimOperation,
  times: number,
  message = `ERP simulator: injected failure of ${operation}`,
): Promise<void> {
  await db('erp_sim_faults').insert({ operation, remaining: times, message });
}

/** What a create's side effect leaves on its document. */
interface Effect {
  status: string;
  data: Record<string, unknown>;
}

export function createSimulatorErp(db: Db, opts: { latencyAfterWriteMs?: number } = {}): ErpAdapter {
  const latencyAfterWriteMs = opts.latencyAfterWriteMs ?? 0;

  /** Consumes one injected failure of the operation, if any is pending, and throws it. */
  async function failIfInjected(operation: ErpSimOperation): Promise<void> {
    // The outer `remaining > 0` is re-checked on the row's latest version when concurrent calls
    // race for the same fault row, so a fault with remaining = n fails exactly n calls.
    const pending = db('erp_sim_faults')
      .select('id')
      .where({ operation })
      .andWhere('remaining', '>', 0)
      .orderBy('id')
      .limit(1);
    const hit: Row[] = await db('erp_sim_faults')
      .whereIn('id', pending)
      .andWhere('remaining', '>', 0)
      .update({ remaining: db.raw('remaining - 1') })
      .returning('message');
    if (hit[0]) throw new ErpError(hit[0].message as string, true);
  }

  /** The document already made for this step; a step key reused for another document is a bug. */
  function sameStep(row: Row, docType: ErpDocType, ref: DocRef): ErpDocument {
    const doc = toDocument(row);
    if (doc.docType !== docType || doc.caseRef !== caseRef(ref.caseId)) {
      throw new ErpError(
        `step key ${ref.stepKey} already stamps ${doc.docId} (${doc.docType}, ${doc.caseRef})`,
        false,
      );
    }
    return doc;
  }

  /**
   * The one path of every create: search the stamp; else, in one transaction, claim the step key
   * with the document and apply the side effect. A concurrent call that loses the race for the key
   * waits for the winner's commit and returns the winner's document without touching anything.
   */
  async function create(
    operation: ErpSimOperation,
    docType: ErpDocType,
    ref: DocRef,
    request: Record<string, unknown>,
    apply: (trx: Trx) => Promise<Effect>,
  ): Promise<ErpDocument> {
    await failIfInjected(operation);
    const found: Row | undefined = await db('erp_sim_documents').where({ step_key: ref.stepKey }).first();
    if (found) return sameStep(found, docType, ref);

    const result = await db.transaction(async (trx) => {
      const seq = await trx.raw<{ rows: Array<{ id: string | number }> }>(
        `select nextval(pg_get_serial_sequence('erp_sim_documents', 'id')) as id`,
      );
      const id = Number(seq.rows[0]!.id);
      const inserted: Row[] = await trx('erp_sim_documents')
        .insert({
          id,
          doc_type: docType,
          doc_id: `${DOC_PREFIX[docType]}${String(id).padStart(6, '0')}`,
          case_ref: caseRef(ref.caseId),
          step_key: ref.stepKey,
          status: 'draft',
          data: JSON.stringify(request),
        })
        .onConflict('step_key')
        .ignore()
        .returning('*');
      if (!inserted[0]) {
        const winner: Row | undefined = await trx('erp_sim_documents')
          .where({ step_key: ref.stepKey })
          .first();
        if (!winner) throw new ErpError(`step key ${ref.stepKey} conflicted without a document`, true);
        return { created: false, doc: sameStep(winner, docType, ref) };
      }
      const effect = await apply(trx);
      const [row]: Row[] = await trx('erp_sim_documents')
        .where({ id })
        .update({ status: effect.status, data: JSON.stringify({ ...request, ...effect.data }) })
        .returning('*');
      return { created: true, doc: toDocument(row!) };
    });
    if (result.created && latencyAfterWriteMs > 0) await sleep(latencyAfterWriteMs);
    return result.doc;
  }

  return {
    name: 'simulator',

    async stockElsewhere({ itemCode, excludeLocation }): Promise<StockLevel[]> {
      await failIfInjected('stockElsewhere');
      const rows: Row[] = await db('erp_sim_stock')
        .where({ item_code: itemCode })
        .andWhere('location', '<>', excludeLocation)
        .andWhere('qty', '>', 0)
        .orderBy([
          { column: 'qty', order: 'desc' },
          { column: 'warehouse', order: 'asc' },
          { column: 'location', order: 'asc' },
        ]);
      return rows.map((r) => ({
        warehouse: r.warehouse as string,
        location: r.location as string,
        itemCode: r.item_code as string,
        qty: Number(r.qty),
      }));
    },

    createStockTransfer(r) {
      const request = {
        itemCode: r.itemCode,
        qty: r.qty,
        fromWarehouse: r.fromWarehouse,
        fromLocation: r.fromLocation,
        toLocation: r.toLocation,
      };
      return create('createStockTransfer', 'stock_transfer', r.ref, request, async (trx) => {
        requirePositive(r.qty, 'qty');
        if (r.fromLocation === r.toLocation) {
          throw new ErpError(`cannot transfer ${r.itemCode} from ${r.fromLocation} to itself`, false);
        }
        const source = { warehouse: r.fromWarehouse, location: r.fromLocation, item_code: r.itemCode };
        // The row lock makes concurrent transfers from one location queue up; each re-checks qty.
        const left: Row[] = await trx('erp_sim_stock')
          .where(source)
          .andWhere('qty', '>=', r.qty)
          .update({ qty: trx.raw('qty - ?', [r.qty]), updated_at: trx.fn.now() })
          .returning('qty');
        if (!left[0]) {
          const have: Row | undefined = await trx('erp_sim_stock').where(source).first('qty');
          throw new ErpError(
            `insufficient stock of ${r.itemCode} at ${r.fromWarehouse}/${r.fromLocation}: ` +
              `${Number(have?.qty ?? 0)} available, ${r.qty} requested`,
            false,
          );
        }
        // The interface names only the target location; it stays in the warehouse that already
        // keeps that location (line-side locations are unique plant-wide), else the source's.
        const known: Row | undefined = await trx('erp_sim_stock')
          .where({ location: r.toLocation })
          .orderBy('id')
          .first('warehouse');
        const toWarehouse = (known?.warehouse as string | undefined) ?? r.fromWarehouse;
        const [target]: Row[] = await trx('erp_sim_stock')
          .insert({ warehouse: toWarehouse, location: r.toLocation, item_code: r.itemCode, qty: r.qty })
          .onConflict(['warehouse', 'location', 'item_code'])
          .merge({ qty: trx.raw('erp_sim_stock.qty + excluded.qty'), updated_at: trx.fn.now() })
          .returning('qty');
        return {
          status: 'completed',
          data: {
            toWarehouse,
            sourceQtyAfter: Number(left[0].qty),
            targetQtyAfter: Number(target!.qty),
          },
        };
      });
    },

    createMaterialRequest(r) {
      const request = {
        itemCode: r.itemCode,
        qty: r.qty,
        uom: r.uom,
        neededBy: r.neededBy,
        workOrder: r.workOrder ?? null,
      };
      return create('createMaterialRequest', 'material_request', r.ref, request, async () => {
        requirePositive(r.qty, 'qty');
        if (Number.isNaN(Date.parse(r.neededBy))) {
          throw new ErpError(`neededBy is not a date-time: ${r.neededBy}`, false);
        }
        return { status: 'submitted', data: {} };
      });
    },

    placeQualityHold(r) {
      const request = { lot: r.lot, itemCode: r.itemCode, qty: r.qty, holdWarehouse: r.holdWarehouse };
      return create('placeQualityHold', 'quality_hold', r.ref, request, async (trx) => {
        requirePositive(r.qty, 'qty');
        const key = { lot: r.lot, item_code: r.itemCode };
        const lot: Row | undefined = await trx('erp_sim_lots').where(key).forUpdate().first();
        if (lot && GONE_LOT_STATUSES.includes(lot.status as string)) {
          throw new ErpError(
            `lot ${r.lot} of ${r.itemCode} is ${lot.status as string} and cannot be held`,
            false,
          );
        }
        // An unknown lot (e.g. one the MES saw before the ERP booked it) is created on hold.
        const [held]: Row[] = await trx('erp_sim_lots')
          .insert({ ...key, qty: r.qty, warehouse: r.holdWarehouse, status: 'on_hold' })
          .onConflict(['lot', 'item_code'])
          .merge({ warehouse: r.holdWarehouse, status: 'on_hold', updated_at: trx.fn.now() })
          .returning('qty');
        return {
          status: 'on_hold',
          data: {
            previousWarehouse: (lot?.warehouse as string | undefined) ?? null,
            previousStatus: (lot?.status as string | undefined) ?? null,
            lotQty: Number(held!.qty),
          },
        };
      });
    },

    executeDisposition(r) {
      const request = {
        lot: r.lot,
        itemCode: r.itemCode,
        qty: r.qty,
        disposition: r.disposition,
        supplier: r.supplier ?? null,
      };
      return create('executeDisposition', 'disposition', r.ref, request, async (trx) => {
        requirePositive(r.qty, 'qty');
        const lotStatus = DISPOSITION_STATUS[r.disposition];
        if (!lotStatus) throw new ErpError(`unknown disposition ${String(r.disposition)}`, false);
        const key = { lot: r.lot, item_code: r.itemCode };
        const lot: Row | undefined = await trx('erp_sim_lots').where(key).forUpdate().first();
        if (!lot) throw new ErpError(`lot ${r.lot} of ${r.itemCode} is unknown to the ERP`, false);
        const supplier = r.supplier ?? (lot.supplier as string | null) ?? null;
        if (r.disposition === 'return_to_supplier' && !supplier) {
          throw new ErpError(`lot ${r.lot} has no supplier to return it to`, false);
        }
        await trx('erp_sim_lots')
          .where(key)
          .update({ status: lotStatus, supplier, updated_at: trx.fn.now() });
        return {
          status: 'completed',
          data: { supplier, previousStatus: lot.status as string, lotStatus },
        };
      });
    },

    createMaintenanceRequest(r) {
      const request = { equipmentId: r.equipmentId, faultCode: r.faultCode, description: r.description };
      return create('createMaintenanceRequest', 'maintenance_request', r.ref, request, async () => ({
        status: 'open',
        data: {},
      }));
    },

    rescheduleWorkOrders(r) {
      const request = { line: r.line, equipmentId: r.equipmentId ?? null, delayMinutes: r.delayMinutes };
      return create('rescheduleWorkOrders', 'work_order_reschedule', r.ref, request, async (trx) => {
        requirePositive(r.delayMinutes, 'delayMinutes');
        const shift = (column: string): Knex.Raw =>
          trx.raw('?? + make_interval(secs => ?::double precision)', [column, r.delayMinutes * 60]);
        const q = trx('erp_sim_work_orders')
          .where({ line: r.line })
          .whereIn('status', UNFINISHED_ORDER_STATUSES);
        if (r.equipmentId !== undefined) q.andWhere({ equipment_id: r.equipmentId });
        const moved: Row[] = await q
          .update({
            planned_start: shift('planned_start'),
            planned_end: shift('planned_end'),
            updated_at: trx.fn.now(),
          })
          .returning(['order_id', 'status', 'planned_start', 'planned_end']);
        const orders = moved
          .map((o) => ({
            orderId: o.order_id as string,
            status: o.status as string,
            plannedStart: iso(o.planned_start),
            plannedEnd: iso(o.planned_end),
          }))
          .sort((a, b) => a.plannedStart.localeCompare(b.plannedStart) || a.orderId.localeCompare(b.orderId));
        return { status: 'completed', data: { orders } };
      });
    },

    updateWorkOrderDates(r) {
      const request = { orderId: r.orderId, newDate: r.newDate };
      return create('updateWorkOrderDates', 'work_order_date_change', r.ref, request, async (trx) => {
        const newDueDate = calendarDate(r.newDate, 'newDate');
        const order: Row | undefined = await trx('erp_sim_work_orders')
          .where({ order_id: r.orderId })
          .forUpdate()
          .first(trx.raw('due_date::text as due_date'));
        if (!order) throw new ErpError(`work order ${r.orderId} is unknown to the ERP`, false);
        await trx('erp_sim_work_orders')
          .where({ order_id: r.orderId })
          .update({ due_date: newDueDate, updated_at: trx.fn.now() });
        return { status: 'completed', data: { previousDueDate: order.due_date as string, newDueDate } };
      });
    },

    sendCustomerNotice(r) {
      const request = {
        orderId: r.orderId,
        customer: r.customer ?? null,
        newDate: r.newDate,
        message: r.message,
      };
      return create('sendCustomerNotice', 'customer_notice', r.ref, request, async () => ({
        status: 'sent',
        data: {},
      }));
    },

    async documentsForCase(caseId): Promise<ErpDocument[]> {
      await failIfInjected('documentsForCase');
      const rows: Row[] = await db('erp_sim_documents')
        .where({ case_ref: caseRef(caseId) })
        .orderBy('id');
      return rows.map(toDocument);
    },
  };
}
