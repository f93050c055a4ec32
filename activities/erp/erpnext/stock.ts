/**
 * Stock on ERPNext: levels from `Bin` (actual_qty per item and warehouse), and every physical move
 * as a submitted `Stock Entry` — a Material Transfer (s_warehouse → t_warehouse) for a transfer
 * to the line, a quality hold (into the quarantine warehouse) and the dispositions that move the
 * lot on (rework, release under concession, staging for the supplier return), a Material Issue
 * for scrap, and a Comment on the `Batch` for a recall. Batch rows set `use_serial_batch_fields`
 * so `batch_no` is honoured on v15's serial-and-batch bundles.
 * https://docs.erpnext.com/docs/user/manual/en/stock-entry
 */
import { requirePositive } from '../checks.js';
import { text } from '../http.js';
import { caseRefOf, stampOf } from '../stamp.js';
import {
  ErpError,
  type DocRef,
  type Disposition,
  type ErpAdapter,
  type ErpDocument,
  type StockLevel,
} from '../types.js';
import { createOnce, statusOf, toDocument, warehouseFor, type ErpnextContext } from './common.js';

const STOCK_ENTRY = 'Stock Entry';

interface EntryRow {
  item_code: string;
  qty: number;
  s_warehouse?: string;
  t_warehouse?: string;
  batch_no?: string;
}

function stockEntry(
  ctx: ErpnextContext,
  type: 'Material Transfer' | 'Material Issue',
  remarks: string,
  rows: EntryRow[],
): Record<string, unknown> {
  return {
    stock_entry_type: type,
    purpose: type,
    company: ctx.plant.company,
    remarks,
    items: rows.map((r) => ({ ...r, ...(r.batch_no ? { use_serial_batch_fields: 1 } : {}) })),
  };
}

export function erpnextStock(
  ctx: ErpnextContext,
): Pick<ErpAdapter, 'stockElsewhere' | 'createStockTransfer' | 'placeQualityHold' | 'executeDisposition'> {
  const { plant } = ctx;
  /** Warehouses whose stock is not free to send to a line. */
  const blocked = [plant.quarantine, plant.rework, ...(plant.supplierReturns ? [plant.supplierReturns] : [])];

  async function stockElsewhere(q: { itemCode: string; excludeLocation: string }): Promise<StockLevel[]> {
    const exclude = warehouseFor(ctx, q.excludeLocation);
    const rows = await ctx.api.list('Bin', {
      fields: ['item_code', 'warehouse', 'actual_qty'],
      filters: [
        ['item_code', '=', q.itemCode],
        ['actual_qty', '>', 0],
        ['warehouse', 'not in', [exclude, ...blocked]],
      ],
      orderBy: 'actual_qty desc',
      limit: 100,
    });
    return rows
      .map((r) => ({
        warehouse: String(r.warehouse),
        location: String(r.warehouse),
        itemCode: String(r.item_code),
        qty: Number(r.actual_qty),
      }))
      .sort((a, b) => b.qty - a.qty || a.warehouse.localeCompare(b.warehouse));
  }

  /** Where the batch lies outside quarantine: `get_batch_qty` without a warehouse lists them. */
  async function batchStock(
    lot: string,
    itemCode: string,
  ): Promise<Array<{ warehouse: string; qty: number }>> {
    const answer = await ctx.api.call('erpnext.stock.doctype.batch.batch.get_batch_qty', {
      batch_no: lot,
      item_code: itemCode,
    });
    if (!Array.isArray(answer)) return [];
    return (answer as Array<Record<string, unknown>>)
      .map((r) => ({ warehouse: String(r.warehouse), qty: Number(r.qty) }))
      .filter((r) => r.qty > 0 && r.warehouse !== plant.quarantine)
      .sort((a, b) => b.qty - a.qty || a.warehouse.localeCompare(b.warehouse));
  }

  async function placeQualityHold(r: Parameters<ErpAdapter['placeQualityHold']>[0]): Promise<ErpDocument> {
    const target = plant.locations[r.holdWarehouse] ?? plant.quarantine;
    let taken: EntryRow[] = [];
    const { doc, created } = await createOnce(
      ctx,
      STOCK_ENTRY,
      r.ref,
      async () => {
        requirePositive(r.qty, 'qty');
        let left = r.qty;
        for (const place of await batchStock(r.lot, r.itemCode)) {
          if (left <= 0) break;
          const qty = Math.min(left, place.qty);
          taken.push({
            item_code: r.itemCode,
            qty,
            s_warehouse: place.warehouse,
            t_warehouse: target,
            batch_no: r.lot,
          });
          left -= qty;
        }
        if (taken.length === 0)
          throw new ErpError(`batch ${r.lot} of ${r.itemCode} has no stock outside ${target} to hold`, false);
        return stockEntry(ctx, 'Material Transfer', remarks('quality hold', r.ref, `batch ${r.lot}`), taken);
      },
      true,
    );
    if (!created) taken = rowsOf(doc);
    const held = taken.reduce((sum, t) => sum + Number(t.qty), 0);
    return toDocument(ctx, 'quality_hold', r.ref, STOCK_ENTRY, doc, statusOf(doc, 'on_hold'), {
      lot: r.lot,
      itemCode: r.itemCode,
      holdWarehouse: target,
      heldQty: held,
      previousWarehouses: [...new Set(taken.map((t) => t.s_warehouse))],
    });
  }

  async function executeDisposition(
    r: Parameters<ErpAdapter['executeDisposition']>[0],
  ): Promise<ErpDocument> {
    if (r.disposition === 'recall') return recall(r);
    const move = dispositionMove(r.disposition);
    const { doc } = await createOnce(
      ctx,
      STOCK_ENTRY,
      r.ref,
      () => {
        requirePositive(r.qty, 'qty');
        const row: EntryRow = {
          item_code: r.itemCode,
          qty: r.qty,
          s_warehouse: plant.quarantine,
          batch_no: r.lot,
        };
        if (move.to) row.t_warehouse = move.to;
        const why = `${r.disposition.replace(/_/g, ' ')} of batch ${r.lot}${r.supplier ? ` (supplier ${r.supplier})` : ''}`;
        return Promise.resolve(stockEntry(ctx, move.type, remarks(why, r.ref, ''), [row]));
      },
      true,
    );
    return toDocument(ctx, 'disposition', r.ref, STOCK_ENTRY, doc, statusOf(doc, 'completed'), {
      disposition: r.disposition,
      lot: r.lot,
      qty: r.qty,
      from: plant.quarantine,
      to: move.to ?? null,
      supplier: r.supplier ?? null,
    });
  }

  function dispositionMove(d: Exclude<Disposition, 'recall'>): {
    type: 'Material Transfer' | 'Material Issue';
    to?: string;
  } {
    switch (d) {
      case 'scrap':
        return { type: 'Material Issue' };
      case 'rework':
        return { type: 'Material Transfer', to: plant.rework };
      case 'concession':
        return { type: 'Material Transfer', to: plant.release };
      case 'return_to_supplier':
        return { type: 'Material Transfer', to: plant.supplierReturns ?? plant.quarantine };
    }
  }

  /** A recall moves nothing (the lot has shipped): a Comment on the Batch records it, once. */
  async function recall(r: Parameters<ErpAdapter['executeDisposition']>[0]): Promise<ErpDocument> {
    const stamp = stampOf(r.ref);
    const found = await ctx.api.list('Comment', {
      fields: ['name', 'content', 'creation'],
      filters: [
        ['reference_doctype', '=', 'Batch'],
        ['reference_name', '=', r.lot],
        ['content', 'like', `%${stamp}%`],
      ],
      limit: 5,
    });
    const comment =
      found.find((c) => String(c.content).includes(stamp)) ??
      ((await ctx.api.call('frappe.desk.form.utils.add_comment', {
        reference_doctype: 'Batch',
        reference_name: r.lot,
        content: `Recall of batch ${r.lot} (${r.itemCode}, ${r.qty}) opened by Andon ${caseRefOf(r.ref.caseId)} ${stamp}`,
        comment_email: '',
        comment_by: 'Andon',
      })) as Record<string, unknown> | undefined);
    if (!comment?.name) throw new ErpError('ERPNext: add_comment answered without a comment', true);
    const doc = { ...comment, name: text(comment.name) };
    const out = toDocument(ctx, 'disposition', r.ref, 'Comment', doc, 'recalled', {
      disposition: 'recall',
      lot: r.lot,
    });
    return { ...out, url: `${ctx.ui}/app/batch/${encodeURIComponent(r.lot)}` };
  }

  return {
    stockElsewhere,
    async createStockTransfer(r) {
      const target = warehouseFor(ctx, r.toLocation);
      const { doc } = await createOnce(
        ctx,
        STOCK_ENTRY,
        r.ref,
        () => {
          requirePositive(r.qty, 'qty');
          if (r.fromWarehouse === target)
            throw new ErpError(`cannot transfer ${r.itemCode} from ${target} to itself`, false);
          const row = {
            item_code: r.itemCode,
            qty: r.qty,
            s_warehouse: r.fromWarehouse,
            t_warehouse: target,
          };
          return Promise.resolve(
            stockEntry(ctx, 'Material Transfer', remarks('line replenishment', r.ref, r.toLocation), [row]),
          );
        },
        true,
      );
      return toDocument(ctx, 'stock_transfer', r.ref, STOCK_ENTRY, doc, statusOf(doc, 'completed'), {
        itemCode: r.itemCode,
        qty: r.qty,
        fromWarehouse: r.fromWarehouse,
        toWarehouse: target,
      });
    },
    placeQualityHold,
    executeDisposition,
  };
}

const remarks = (what: string, ref: DocRef, detail: string): string =>
  `Andon ${caseRefOf(ref.caseId)}: ${what}${detail ? ` ${detail}` : ''} ${stampOf(ref)}`;

const rowsOf = (doc: Record<string, unknown>): EntryRow[] =>
  Array.isArray(doc.items) ? (doc.items as EntryRow[]) : [];
