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
import { msg, render } from '../../domain/messages.js';
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
      title: msg('task.material_shortage.dispatch', {
        qty: f.requiredQty,
        uom: f.uom,
        itemCode: f.itemCode,
        from: `${source.warehouse}/${source.location}`,
        to: lineLocation,
        docId: transfer.docId,
      }),
      options: confirm('delivered', 'Delivered to the line'),
    });
    return {
      resolve: true,
      resolution: msg('resolution.material_transferred', {
        itemCode: f.itemCode,
        warehouse: source.warehouse,
        docId: transfer.docId,
      }),
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
    title: msg('task.material_shortage.supplier', {
      itemCode: f.itemCode,
      qty: f.requiredQty,
      uom: f.uom,
      docId: request.docId,
    }),
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
      title: msg('task.material_shortage.alternate', {
        alternate: String(answer.data.itemCode),
        itemCode: f.itemCode,
        to: lineLocation,
      }),
      options: confirm('delivered', 'Delivered to the line'),
    });
    return {
      resolve: true,
      resolution: msg('resolution.alternate_delivered', {
        alternate: String(answer.data.itemCode),
        itemCode: f.itemCode,
      }),
    };
  }

  const eta = String(answer.data.eta);
  if (Date.parse(eta) > Date.parse(f.neededBy)) {
    await ctx.step(STEPS.reschedule);
    const delayed = ctx.openLinkedCase(LINKED_ORDER_DELAY, {
      type: 'order_delay',
      title: render('title.linked_order_delay', { itemCode: f.itemCode, eta, neededBy: f.neededBy }, 'en'),
      details: {
        orderId: f.workOrder ?? `${ctx.line}-${f.itemCode}`,
        promisedDate: f.neededBy.slice(0, 10),
        projectedDate: laterDate(eta.slice(0, 10), f.neededBy.slice(0, 10)),
      },
    });
    const planner = ctx.task({
      key: TASKS.planner,
      role: 'planner',
      title: msg('task.material_shortage.planner', {
        itemCode: f.itemCode,
        eta,
        neededBy: f.neededBy,
        line: ctx.line,
      }),
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
  clearingEvents: ['material_received', 'cleared'],
  closureNeeds: [],
  reopenRole: 'purchasing',
  defaultTitle: (f, line) =>
    msg('title.material_shortage', { itemCode: f.itemCode, requiredQty: f.requiredQty, uom: f.uom, line }),
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
