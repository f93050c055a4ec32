/**
 * Order delay SOP
 *  1. The planner decides: a new plan date, or no change (the order can catch up).
 *  2. New date → update the work-order dates in the ERP.
 *  3. Customer service approves the customer notification, which the ERP then sends.
 * Clears when the new date is confirmed, or when MES reports the order back on track.
 */
import type { Sop } from './context.js';

export const orderDelaySop: Sop<'order_delay'> = async (ctx) => {
  const f = ctx.facts;
  await ctx.step('plan_decision');
  const plan = await ctx.task({
    key: 'plan',
    role: 'planner',
    title: `Order ${f.orderId}${f.customer ? ` for ${f.customer}` : ''} is projected for ${f.projectedDate}, promised ${f.promisedDate}: set a new plan date, or keep the plan`,
    options: [
      {
        id: 'new_date',
        label: 'Set a new date',
        fields: [{ name: 'newDate', type: 'date', label: 'New plan date' }],
      },
      { id: 'keep_plan', label: 'Keep the plan: the order can catch up' },
    ],
  });
  if (plan.option === 'keep_plan') {
    await ctx.step('await_back_on_track');
    return { resolve: false };
  }
  const newDate = String(plan.data.newDate);

  await ctx.step('update_work_order');
  await ctx.erp('work_order_dates', { op: 'updateWorkOrderDates', orderId: f.orderId, newDate });

  await ctx.step('customer_notification');
  const approval = await ctx.task({
    key: 'customer_notice',
    role: 'customer_service',
    title: `Approve telling ${f.customer ?? 'the customer'} that order ${f.orderId} now ships ${newDate} (promised ${f.promisedDate})`,
    options: [
      { id: 'approve', label: 'Approve and send' },
      { id: 'handled_personally', label: 'I will tell the customer myself' },
    ],
  });
  if (approval.option === 'approve') {
    await ctx.erp('customer_notice', {
      op: 'sendCustomerNotice',
      orderId: f.orderId,
      ...(f.customer ? { customer: f.customer } : {}),
      newDate,
      message: `Order ${f.orderId} is now planned for ${newDate} (promised ${f.promisedDate}).`,
    });
  }
  return { resolve: true, resolution: `new date ${newDate} confirmed for order ${f.orderId}` };
};
