/**
 * Material shortage SOP
 *  1. Check WMS stock elsewhere than the line.
 *  2a. Enough somewhere → transfer it to the line; the dispatcher moves it and confirms delivery.
 *  2b. Not enough → raise an ERP material request; purchasing confirms a supplier ETA or names an
 *      alternate material (then dispatched like 2a).
 *  3. Supplier ETA after the need-by time → the planner adjusts the schedule, and a linked
 *     `order_delay` case is opened.
 * Clears when MES reports the material received, or staff resolve.
 */
import { confirm, type Sop } from './context.js';

export const materialShortageSop: Sop<'material_shortage'> = async (ctx) => {
  const f = ctx.facts;
  const lineLocation = `${ctx.params.lineLocationPrefix}${ctx.line}`;

  await ctx.step('check_stock');
  const levels = await ctx.stock('check_stock', f.itemCode, lineLocation);
  const source = levels.find((l) => l.qty >= f.requiredQty);

  if (source) {
    await ctx.step('transfer');
    const transfer = await ctx.erp('transfer', {
      op: 'createStockTransfer',
      itemCode: f.itemCode,
      qty: f.requiredQty,
      fromWarehouse: source.warehouse,
      fromLocation: source.location,
      toLocation: lineLocation,
    });
    await ctx.step('dispatch');
    await ctx.task({
      key: 'dispatch',
      role: 'dispatcher',
      title: `Move ${f.requiredQty} ${f.uom} of ${f.itemCode} from ${source.warehouse}/${source.location} to ${lineLocation} (transfer ${transfer.docId})`,
      options: confirm('delivered', 'Delivered to the line'),
    });
    return {
      resolve: true,
      resolution: `${f.itemCode} transferred from ${source.warehouse} (${transfer.docId}) and delivered`,
    };
  }

  await ctx.step('material_request');
  const request = await ctx.erp('material_request', {
    op: 'createMaterialRequest',
    itemCode: f.itemCode,
    qty: f.requiredQty,
    uom: f.uom,
    neededBy: f.neededBy,
    ...(f.workOrder ? { workOrder: f.workOrder } : {}),
  });

  await ctx.step('supplier');
  const answer = await ctx.task({
    key: 'supplier',
    role: 'purchasing',
    title: `No stock of ${f.itemCode} to cover ${f.requiredQty} ${f.uom} (request ${request.docId}): confirm the supplier's ETA, or name an alternate material`,
    options: [
      {
        id: 'supplier_eta',
        label: 'Supplier confirmed an ETA',
        fields: [{ name: 'eta', type: 'datetime', label: 'Supplier ETA' }],
      },
      {
        id: 'alternate',
        label: 'Use an alternate material',
        fields: [{ name: 'itemCode', type: 'text', label: 'Alternate item code' }],
      },
    ],
  });

  if (answer.option === 'alternate') {
    await ctx.step('dispatch');
    await ctx.task({
      key: 'dispatch',
      role: 'dispatcher',
      title: `Bring alternate material ${String(answer.data.itemCode)} (instead of ${f.itemCode}) to ${lineLocation}`,
      options: confirm('delivered', 'Delivered to the line'),
    });
    return {
      resolve: true,
      resolution: `alternate ${String(answer.data.itemCode)} delivered instead of ${f.itemCode}`,
    };
  }

  const eta = String(answer.data.eta);
  if (Date.parse(eta) > Date.parse(f.neededBy)) {
    await ctx.step('reschedule');
    const delayed = ctx.openLinkedCase('order_delay', {
      type: 'order_delay',
      title: `Order delay: ${f.itemCode} arrives ${eta}, after the need-by ${f.neededBy}`,
      details: {
        orderId: f.workOrder ?? `${ctx.line}-${f.itemCode}`,
        promisedDate: f.neededBy.slice(0, 10),
        projectedDate: laterDate(eta.slice(0, 10), f.neededBy.slice(0, 10)),
      },
    });
    const planner = ctx.task({
      key: 'planner',
      role: 'planner',
      title: `${f.itemCode} arrives ${eta}, after it is needed (${f.neededBy}): adjust the schedule of line ${ctx.line}`,
      options: confirm('schedule_adjusted', 'Schedule adjusted'),
    });
    await Promise.all([delayed, planner]);
  }
  await ctx.step('await_material');
  return { resolve: false };
};

/** The projected date of the linked order delay: the ETA's date, at least one day after the promise. */
function laterDate(etaDate: string, promised: string): string {
  if (etaDate > promised) return etaDate;
  const next = new Date(`${promised}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}
