/**
 * Stock on Odoo: levels from `stock.quant` (quantity less reserved, per internal location), and
 * every move as an internal `stock.picking` with its `stock.move` (origin = the stamp): created,
 * confirmed (`action_confirm`), quantities set as picked — on a move line with the lot for a
 * tracked lot — and validated (`button_validate`, without backorders). A scrap is a `stock.scrap`
 * validated by `action_validate`; a recall is a message on the `stock.lot`. Fields as in Odoo 17+
 * (`move_ids`, `quantity`, `picked`, `stock.lot`).
 * https://www.odoo.com/documentation/18.0/applications/inventory_and_mrp/inventory.html
 */
import { requirePositive } from '../checks.js';
import { caseRefOf, stampOf } from '../stamp.js';
import { ErpError, type DocRef, type ErpAdapter, type StockLevel } from '../types.js';
import { findByStamp, many2oneId, many2oneName, toDocument, type OdooContext } from './common.js';
import { recall, scrap } from './disposition.js';

const PICKING = 'stock.picking';
/** Validate without asking: no backorder, SMS or expired-lot wizard, no immediate-transfer wizard (≤ 16). */
const VALIDATE_CONTEXT = {
  skip_backorder: true,
  skip_sms: true,
  skip_immediate: true,
  skip_expired: true,
  cancel_backorder: false,
};

interface Move {
  productId: number;
  qty: number;
  from: number;
  to: number;
  lotId?: number;
}

export function odooStock(
  ctx: OdooContext,
): Pick<ErpAdapter, 'stockElsewhere' | 'createStockTransfer' | 'placeQualityHold' | 'executeDisposition'> {
  const { plant } = ctx;

  async function blockedLocations(): Promise<number[]> {
    const names = [plant.quarantine, plant.rework, ...(plant.supplierReturns ? [plant.supplierReturns] : [])];
    const out: number[] = [];
    for (const n of names) out.push(await ctx.locationId(n));
    return out;
  }

  async function pickingTypeId(): Promise<number> {
    const company = await ctx.companyId();
    const [row] = await ctx.searchRead(
      'stock.picking.type',
      [
        ['code', '=', 'internal'],
        ['company_id', '=', company],
      ],
      ['id'],
      { limit: 1, order: 'sequence asc, id asc' },
    );
    if (!row) throw new ErpError(`Odoo has no internal transfer operation type for ${plant.company}`, false);
    return row.id;
  }

  /**
   * The step's picking: found by its stamp, else created; then brought to `done` from whatever
   * state a crash left it in (draft → confirmed → quantities picked → validated).
   */
  async function pickOnce(ref: DocRef, move: () => Promise<Move>, extra: Record<string, unknown> = {}) {
    let picking = await findByStamp(ctx, PICKING, 'origin', ref, [
      'name',
      'state',
      'create_date',
      'move_ids',
    ]);
    if (!picking) {
      const m = await move();
      const id = await ctx.create(PICKING, {
        picking_type_id: await pickingTypeId(),
        location_id: m.from,
        location_dest_id: m.to,
        origin: stampOf(ref),
        company_id: await ctx.companyId(),
        ...extra,
        move_ids: [
          [
            0,
            0,
            {
              name: `Andon ${caseRefOf(ref.caseId)}`,
              product_id: m.productId,
              product_uom_qty: m.qty,
              location_id: m.from,
              location_dest_id: m.to,
              ...(m.lotId ? { restrict_lot_id: m.lotId } : {}),
            },
          ],
        ],
      });
      picking = { id, state: 'draft', move_ids: [] };
    }
    if (picking.state === 'draft') await ctx.call(PICKING, 'action_confirm', { ids: [picking.id] });
    if (picking.state !== 'done' && picking.state !== 'cancel') {
      const moves = await ctx.searchRead(
        'stock.move',
        [['picking_id', '=', picking.id]],
        ['id', 'product_id', 'product_uom_qty', 'location_id', 'location_dest_id', 'restrict_lot_id'],
      );
      for (const mv of moves) {
        const lot = many2oneId(mv.restrict_lot_id);
        const qty = Number(mv.product_uom_qty);
        await ctx.write('stock.move', [mv.id], {
          picked: true,
          ...(lot
            ? {
                move_line_ids: [
                  [5, 0, 0],
                  [
                    0,
                    0,
                    {
                      product_id: many2oneId(mv.product_id),
                      lot_id: lot,
                      quantity: qty,
                      location_id: many2oneId(mv.location_id),
                      location_dest_id: many2oneId(mv.location_dest_id),
                      picked: true,
                    },
                  ],
                ],
              }
            : { quantity: qty }),
        });
      }
      const result = await ctx.call(PICKING, 'button_validate', {
        ids: [picking.id],
        context: VALIDATE_CONTEXT,
      });
      if (result && typeof result === 'object' && !Array.isArray(result))
        throw new ErpError(
          `Odoo asked for a confirmation (${String((result as { res_model?: unknown }).res_model)}) to validate the transfer`,
          false,
        );
    }
    const [done] = await ctx.searchRead(
      PICKING,
      [['id', '=', picking.id]],
      ['id', 'name', 'state', 'create_date'],
    );
    if (!done) throw new ErpError(`Odoo lost transfer ${picking.id}`, true);
    return done;
  }

  async function lotId(lot: string, productId: number): Promise<number> {
    const [row] = await ctx.searchRead(
      'stock.lot',
      [
        ['name', '=', lot],
        ['product_id', '=', productId],
      ],
      ['id'],
      { limit: 1 },
    );
    if (!row) throw new ErpError(`lot ${lot} is unknown to Odoo`, false);
    return row.id;
  }

  return {
    async stockElsewhere(q): Promise<StockLevel[]> {
      const exclude = await ctx.mappedLocationId(q.excludeLocation);
      const productId = await ctx.productId(q.itemCode);
      const quants = await ctx.searchRead(
        'stock.quant',
        [
          ['product_id', '=', productId],
          ['location_id.usage', '=', 'internal'],
          ['location_id', 'not in', [exclude, ...(await blockedLocations())]],
          ['quantity', '>', 0],
        ],
        ['location_id', 'warehouse_id', 'quantity', 'reserved_quantity'],
      );
      const byLocation = new Map<string, StockLevel>();
      for (const quant of quants) {
        const location = many2oneName(quant.location_id) ?? String(many2oneId(quant.location_id));
        const level = byLocation.get(location) ?? {
          warehouse: many2oneName(quant.warehouse_id) ?? location,
          location,
          itemCode: q.itemCode,
          qty: 0,
        };
        level.qty += Number(quant.quantity) - Number(quant.reserved_quantity ?? 0);
        byLocation.set(location, level);
      }
      return [...byLocation.values()]
        .filter((l) => l.qty > 0)
        .sort((a, b) => b.qty - a.qty || a.location.localeCompare(b.location));
    },

    async createStockTransfer(r) {
      const to = await ctx.mappedLocationId(r.toLocation);
      const picking = await pickOnce(r.ref, async () => {
        requirePositive(r.qty, 'qty');
        const from = await ctx.locationId(r.fromLocation);
        if (from === to)
          throw new ErpError(`cannot transfer ${r.itemCode} from ${r.fromLocation} to itself`, false);
        return { productId: await ctx.productId(r.itemCode), qty: r.qty, from, to };
      });
      return toDocument(ctx, 'stock_transfer', r.ref, PICKING, picking, statusOf(picking), {
        itemCode: r.itemCode,
        qty: r.qty,
        from: r.fromLocation,
        to: plant.locations[r.toLocation],
      });
    },

    async placeQualityHold(r) {
      const target = plant.locations[r.holdWarehouse] ?? plant.quarantine;
      let from: string | null = null;
      const picking = await pickOnce(r.ref, async () => {
        requirePositive(r.qty, 'qty');
        const productId = await ctx.productId(r.itemCode);
        const lot = await lotId(r.lot, productId);
        const to = await ctx.locationId(target);
        const [quant] = await ctx.searchRead(
          'stock.quant',
          [
            ['lot_id', '=', lot],
            ['location_id.usage', '=', 'internal'],
            ['location_id', '!=', to],
            ['quantity', '>', 0],
          ],
          ['location_id', 'quantity'],
          { order: 'quantity desc', limit: 1 },
        );
        if (!quant)
          throw new ErpError(`lot ${r.lot} of ${r.itemCode} has no stock outside ${target} to hold`, false);
        from = many2oneName(quant.location_id);
        return {
          productId,
          lotId: lot,
          qty: Math.min(r.qty, Number(quant.quantity)),
          from: many2oneId(quant.location_id)!,
          to,
        };
      });
      return toDocument(
        ctx,
        'quality_hold',
        r.ref,
        PICKING,
        picking,
        picking.state === 'done' ? 'on_hold' : String(picking.state),
        {
          lot: r.lot,
          itemCode: r.itemCode,
          holdLocation: target,
          previousLocation: from,
        },
      );
    },

    async executeDisposition(r) {
      requirePositive(r.qty, 'qty');
      if (r.disposition === 'scrap') return scrap(ctx, r);
      if (r.disposition === 'recall') return recall(ctx, r);
      const destination = {
        rework: plant.rework,
        concession: plant.release,
        return_to_supplier: plant.supplierReturns,
      }[r.disposition];
      let supplierId: number | null = null;
      const picking = await pickOnce(
        r.ref,
        async () => {
          const productId = await ctx.productId(r.itemCode);
          const to = destination ? await ctx.locationId(destination) : await vendorsLocation(ctx);
          return {
            productId,
            lotId: await lotId(r.lot, productId),
            qty: r.qty,
            from: await ctx.locationId(plant.quarantine),
            to,
          };
        },
        r.disposition === 'return_to_supplier' && r.supplier
          ? { partner_id: (supplierId = await partnerId(ctx, r.supplier)) }
          : {},
      );
      return toDocument(ctx, 'disposition', r.ref, PICKING, picking, statusOf(picking), {
        disposition: r.disposition,
        lot: r.lot,
        qty: r.qty,
        from: plant.quarantine,
        to: destination ?? 'Partners/Vendors',
        supplier: r.supplier ?? null,
        supplierId,
      });
    },
  };
}

const statusOf = (p: Record<string, unknown>): string => (p.state === 'done' ? 'completed' : String(p.state));

async function vendorsLocation(ctx: OdooContext): Promise<number> {
  const [row] = await ctx.searchRead('stock.location', [['usage', '=', 'supplier']], ['id'], {
    limit: 1,
    order: 'id asc',
  });
  if (!row)
    throw new ErpError(
      'Odoo has no vendor location to return to: map "supplierReturns" in ANDON_ERP_CONFIG',
      false,
    );
  return row.id;
}

async function partnerId(ctx: OdooContext, name: string): Promise<number | null> {
  const [row] = await ctx.searchRead('res.partner', [['name', '=', name]], ['id'], { limit: 1 });
  return row?.id ?? null;
}
