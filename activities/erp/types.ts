/**
 * One interface to the plant's ERP/WMS. Adapters: the Postgres-backed simulator (default),
 * ERPNext (`erpnext/`), Odoo over JSON-2 or JSON-RPC (`odoo/`) and a generic REST mapping
 * (`rest/`), chosen by `factory.ts`. Neither real ERP has idempotency keys, so every document is
 * stamped with the case reference and the SOP step key, and an adapter searches for that stamp
 * before it creates: a retried call returns the document made the first time instead of a second.
 */

/** Which case and which SOP step a document belongs to. `stepKey` is globally unique (it includes the case's workflow id). */
export interface DocRef {
  caseId: number;
  stepKey: string;
}

export const ERP_DOC_TYPES = [
  'stock_transfer',
  'material_request',
  'quality_hold',
  'disposition',
  'maintenance_request',
  'work_order_reschedule',
  'work_order_date_change',
  'customer_notice',
] as const;
export type ErpDocType = (typeof ERP_DOC_TYPES)[number];

export { DISPOSITIONS, type Disposition } from '../../domain/model.js';
import type { Disposition } from '../../domain/model.js';

export interface ErpDocument {
  docType: ErpDocType;
  /** The ERP's own number, e.g. `MR-000012`. */
  docId: string;
  /** `case-<caseId>`, stamped on the document. */
  caseRef: string;
  stepKey: string;
  status: string;
  data: Record<string, unknown>;
  createdAt: string;
  /** Where a person opens the document in the ERP's own UI (real ERPs; the simulator has none). */
  url?: string;
}

export interface StockLevel {
  warehouse: string;
  location: string;
  itemCode: string;
  qty: number;
}

/** A failure the ERP reported; `retryable` false means retrying the same request cannot help. */
export class ErpError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ErpError';
  }
}

export interface ErpAdapter {
  readonly name: string;
  /** Stock of an item anywhere except the given location, largest first. */
  stockElsewhere(q: { itemCode: string; excludeLocation: string }): Promise<StockLevel[]>;
  createStockTransfer(r: {
    ref: DocRef;
    itemCode: string;
    qty: number;
    fromWarehouse: string;
    fromLocation: string;
    toLocation: string;
  }): Promise<ErpDocument>;
  createMaterialRequest(r: {
    ref: DocRef;
    itemCode: string;
    qty: number;
    uom: string;
    neededBy: string;
    workOrder?: string;
  }): Promise<ErpDocument>;
  /** Moves the lot to the quarantine warehouse and blocks it. */
  placeQualityHold(r: {
    ref: DocRef;
    lot: string;
    itemCode: string;
    qty: number;
    holdWarehouse: string;
  }): Promise<ErpDocument>;
  executeDisposition(r: {
    ref: DocRef;
    lot: string;
    itemCode: string;
    qty: number;
    disposition: Disposition;
    supplier?: string;
  }): Promise<ErpDocument>;
  createMaintenanceRequest(r: {
    ref: DocRef;
    equipmentId: string;
    faultCode: string;
    description: string;
  }): Promise<ErpDocument>;
  /** Pushes the not-yet-finished work orders of a line (or one machine) back by `delayMinutes`. */
  rescheduleWorkOrders(r: {
    ref: DocRef;
    line: string;
    equipmentId?: string;
    delayMinutes: number;
  }): Promise<ErpDocument>;
  updateWorkOrderDates(r: { ref: DocRef; orderId: string; newDate: string }): Promise<ErpDocument>;
  sendCustomerNotice(r: {
    ref: DocRef;
    orderId: string;
    customer?: string;
    newDate: string;
    message: string;
  }): Promise<ErpDocument>;
  /** Every document stamped with this case, oldest first. */
  documentsForCase(caseId: number): Promise<ErpDocument[]>;
  /** Resolves when the ERP answers an authenticated read (for /readyz); makes no document. */
  ping?(): Promise<void>;
}
