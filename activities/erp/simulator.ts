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
import { dataRejection } from '../../db/errors.js';
import * as store from '../../db/erp-sim.js';
import type { SimDocument } from '../../db/erp-sim.js';
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

const toDocument = (d: SimDocument): ErpDocument => ({ ...d, docType: d.docType as ErpDocType });

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
  await store.insertFault(db, operation, times, message);
}

/**
 * The database refused the request's data (a quantity beyond any column, a NUL in a code…): like a
 * real ERP's validation error, no retry can fix it. Its message names the problem, never the SQL.
 */
async function refusingBadData<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const rejected = dataRejection(err);
    if (rejected) throw new ErpError(`ERP simulator: ${rejected.message}`, false);
    throw err;
  }
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
    const message = await store.consumeFault(db, operation);
    if (message !== null) throw new ErpError(message, true);
  }

  /** The document already made for this step; a step key reused for another document is a bug. */
  function sameStep(found: SimDocument, docType: ErpDocType, ref: DocRef): ErpDocument {
    const doc = toDocument(found);
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
    apply: (trx: Db) => Effect | Promise<Effect>,
  ): Promise<ErpDocument> {
    await failIfInjected(operation);
    return refusingBadData(() => claimAndApply(docType, ref, request, apply));
  }

  async function claimAndApply(
    docType: ErpDocType,
    ref: DocRef,
    request: Record<string, unknown>,
    apply: (trx: Db) => Effect | Promise<Effect>,
  ): Promise<ErpDocument> {
    const found = await store.documentByStepKey(db, ref.stepKey);
    if (found) return sameStep(found, docType, ref);

    const result = await store.erpSimTransaction(db, async (trx) => {
      const id = await store.claimDocument(trx, {
        docType,
        prefix: DOC_PREFIX[docType],
        caseRef: caseRef(ref.caseId),
        stepKey: ref.stepKey,
        request,
      });
      if (id === null) {
        const winner = await store.documentByStepKey(trx, ref.stepKey);
        if (!winner) throw new ErpError(`step key ${ref.stepKey} conflicted without a document`, true);
        return { created: false, doc: sameStep(winner, docType, ref) };
      }
      const effect = await apply(trx);
      const doc = await store.finishDocument(trx, id, effect.status, { ...request, ...effect.data });
      return { created: true, doc: toDocument(doc) };
    });
    if (result.created && latencyAfterWriteMs > 0) await sleep(latencyAfterWriteMs);
    return result.doc;
  }

  return {
    name: 'simulator',

    async stockElsewhere({ itemCode, excludeLocation }): Promise<StockLevel[]> {
      await failIfInjected('stockElsewhere');
      return refusingBadData(() => store.stockElsewhere(db, itemCode, excludeLocation));
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
        const source = { warehouse: r.fromWarehouse, location: r.fromLocation, itemCode: r.itemCode };
        const left = await store.takeStock(trx, source, r.qty);
        if (left === null) {
          throw new ErpError(
            `insufficient stock of ${r.itemCode} at ${r.fromWarehouse}/${r.fromLocation}: ` +
              `${await store.stockAt(trx, source)} available, ${r.qty} requested`,
            false,
          );
        }
        // The interface names only the target location; it stays in the warehouse that already
        // keeps that location (line-side locations are unique plant-wide), else the source's.
        const toWarehouse = (await store.warehouseOf(trx, r.toLocation)) ?? r.fromWarehouse;
        const target = { warehouse: toWarehouse, location: r.toLocation, itemCode: r.itemCode };
        const targetQtyAfter = await store.addStock(trx, target, r.qty);
        return { status: 'completed', data: { toWarehouse, sourceQtyAfter: left, targetQtyAfter } };
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
      return create('createMaterialRequest', 'material_request', r.ref, request, () => {
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
        const lot = await store.lockLot(trx, r.lot, r.itemCode);
        if (lot && GONE_LOT_STATUSES.includes(lot.status)) {
          throw new ErpError(`lot ${r.lot} of ${r.itemCode} is ${lot.status} and cannot be held`, false);
        }
        // An unknown lot (e.g. one the MES saw before the ERP booked it) is created on hold.
        const lotQty = await store.holdLot(trx, {
          lot: r.lot,
          itemCode: r.itemCode,
          qty: r.qty,
          warehouse: r.holdWarehouse,
        });
        return {
          status: 'on_hold',
          data: {
            previousWarehouse: lot?.warehouse ?? null,
            previousStatus: lot?.status ?? null,
            lotQty,
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
        const lot = await store.lockLot(trx, r.lot, r.itemCode);
        if (!lot) throw new ErpError(`lot ${r.lot} of ${r.itemCode} is unknown to the ERP`, false);
        const supplier = r.supplier ?? lot.supplier ?? null;
        if (r.disposition === 'return_to_supplier' && !supplier) {
          throw new ErpError(`lot ${r.lot} has no supplier to return it to`, false);
        }
        await store.setLotStatus(trx, r.lot, r.itemCode, lotStatus, supplier);
        return {
          status: 'completed',
          data: { supplier, previousStatus: lot.status, lotStatus },
        };
      });
    },

    createMaintenanceRequest(r) {
      const request = { equipmentId: r.equipmentId, faultCode: r.faultCode, description: r.description };
      return create('createMaintenanceRequest', 'maintenance_request', r.ref, request, () => ({
        status: 'open',
        data: {},
      }));
    },

    rescheduleWorkOrders(r) {
      const request = { line: r.line, equipmentId: r.equipmentId ?? null, delayMinutes: r.delayMinutes };
      return create('rescheduleWorkOrders', 'work_order_reschedule', r.ref, request, async (trx) => {
        requirePositive(r.delayMinutes, 'delayMinutes');
        const moved = await store.shiftWorkOrders(trx, {
          line: r.line,
          equipmentId: r.equipmentId,
          statuses: UNFINISHED_ORDER_STATUSES,
          minutes: r.delayMinutes,
        });
        const orders = moved.sort(
          (a, b) => a.plannedStart.localeCompare(b.plannedStart) || a.orderId.localeCompare(b.orderId),
        );
        return { status: 'completed', data: { orders } };
      });
    },

    updateWorkOrderDates(r) {
      const request = { orderId: r.orderId, newDate: r.newDate };
      return create('updateWorkOrderDates', 'work_order_date_change', r.ref, request, async (trx) => {
        const newDueDate = calendarDate(r.newDate, 'newDate');
        const previousDueDate = await store.lockOrderDueDate(trx, r.orderId);
        if (previousDueDate === null)
          throw new ErpError(`work order ${r.orderId} is unknown to the ERP`, false);
        await store.setOrderDueDate(trx, r.orderId, newDueDate);
        return { status: 'completed', data: { previousDueDate, newDueDate } };
      });
    },

    sendCustomerNotice(r) {
      const request = {
        orderId: r.orderId,
        customer: r.customer ?? null,
        newDate: r.newDate,
        message: r.message,
      };
      return create('sendCustomerNotice', 'customer_notice', r.ref, request, () => ({
        status: 'sent',
        data: {},
      }));
    },

    async documentsForCase(caseId): Promise<ErpDocument[]> {
      await failIfInjected('documentsForCase');
      return (await refusingBadData(() => store.documentsByCaseRef(db, caseRef(caseId)))).map(toDocument);
    },
  };
}
