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
import { materialShortageFacts } from '../../domain/contracts/case.js';
import { EXCEPTION_TYPE_LABELS } from '../../domain/model.js';
import { confirm, type Sop } from './context.js';
import type { SopDefinition } from './definition.js';

export const STEPS = {
  checkStock: 'check_stock',
  transfer: 'transfer',
  dispatch: 'dispatch',
  materialRequest: 'material_request',
  supplier: 'supplier',
  reschedule: 'reschedule',
  awaitMaterial: 'await_material',
} as const;
export const TASKS = { dispatch: 'dispatch', supplier: 'supplier', planner: 'planner' } as const;
/** The link name of the order delay a late supplier opens (keys the linked case). */
export const LINKED_ORDER_DELAY = 'order_delay';

const procedure: Sop<'material_shortage'> = async (ctx) => {
  const f = ctx.facts;
  const lineLocation = `${ctx.params.lineLocationPrefix}${ctx.line}`;

  await ctx.step(STEPS.checkStock);
  const levels = await ctx.stock(STEPS.checkStock, f.itemCode, lineLocation);
  const source = levels.find((l) => l.qty >= f.requiredQty);

  if (source) {
    await ctx.step(STEPS.transfer);
    const transfer = await ctx.erp(STEPS.transfer, {
      op: 'createStockTransfer',
      itemCode: f.itemCode,
      qty: f.requiredQty,
      fromWarehouse: source.warehouse,
      fromLocation: source.location,
      toLocation: lineLocation,
    });
    await ctx.step(STEPS.dispatch);
    await ctx.task({
      key: TASKS.dispatch,
      role: 'dispatcher',
      title: `Move ${f.requiredQty} ${f.uom} of ${f.itemCode} from ${source.warehouse}/${source.location} to ${lineLocation} (transfer ${transfer.docId})`,
      options: confirm('delivered', 'Delivered to the line'),
    });
    return {
      resolve: true,
      resolution: `${f.itemCode} transferred from ${source.warehouse} (${transfer.docId}) and delivered`,
    };
  }

  await ctx.step(STEPS.materialRequest);
  const request = await ctx.erp(STEPS.materialRequest, {
    op: 'createMaterialRequest',
    itemCode: f.itemCode,
    qty: f.requiredQty,
    uom: f.uom,
    neededBy: f.neededBy,
    ...(f.workOrder ? { workOrder: f.workOrder } : {}),
  });

  await ctx.step(STEPS.supplier);
  const answer = await ctx.task({
    key: TASKS.supplier,
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
    await ctx.step(STEPS.dispatch);
    await ctx.task({
      key: TASKS.dispatch,
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
    await ctx.step(STEPS.reschedule);
    const delayed = ctx.openLinkedCase(LINKED_ORDER_DELAY, {
      type: 'order_delay',
      title: `Order delay: ${f.itemCode} arrives ${eta}, after the need-by ${f.neededBy}`,
      details: {
        orderId: f.workOrder ?? `${ctx.line}-${f.itemCode}`,
        promisedDate: f.neededBy.slice(0, 10),
        projectedDate: laterDate(eta.slice(0, 10), f.neededBy.slice(0, 10)),
      },
    });
    const planner = ctx.task({
      key: TASKS.planner,
      role: 'planner',
      title: `${f.itemCode} arrives ${eta}, after it is needed (${f.neededBy}): adjust the schedule of line ${ctx.line}`,
      options: confirm('schedule_adjusted', 'Schedule adjusted'),
    });
    await Promise.all([delayed, planner]);
  }
  await ctx.step(STEPS.awaitMaterial);
  return { resolve: false };
};

export const materialShortage: SopDefinition<'material_shortage'> = {
  type: 'material_shortage',
  procedure,
  facts: materialShortageFacts,
  clearingEvents: ['material_received', 'cleared'],
  closureNeeds: [],
  reopenRole: 'purchasing',
  defaultTitle: (f, line) =>
    `${EXCEPTION_TYPE_LABELS.material_shortage.en}: ${f.itemCode} (${f.requiredQty} ${f.uom}) on ${line}`,
  steps: STEPS,
  tasks: TASKS,
};

/** The projected date of the linked order delay: the ETA's date, at least one day after the promise. */
function laterDate(etaDate: string, promised: string): string {
  if (etaDate > promised) return etaDate;
  const next = new Date(`${promised}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}
