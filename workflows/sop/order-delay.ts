/**
 * Order delay SOP
 *  1. The planner decides: a new plan date, or no change (the order can catch up).
 *  2. New date → update the work-order dates in the ERP.
 *  3. Customer service approves the customer notification, which the ERP then sends.
 * Clears when the new date is confirmed, or when MES reports the order back on track.
 */
import { msg } from '../../domain/messages.js';
import type { Sop } from './context.js';
import type { SopDefinition } from './definition.js';

export const STEPS = {
  planDecision: 'plan_decision',
  awaitBackOnTrack: 'await_back_on_track',
  updateWorkOrder: 'update_work_order',
  customerNotification: 'customer_notification',
} as const;
export const TASKS = { plan: 'plan', customerNotice: 'customer_notice' } as const;
/** ERP steps (journal and document stamp keys). */
export const ERP_STEPS = { workOrderDates: 'work_order_dates', customerNotice: 'customer_notice' } as const;

const procedure: Sop<'order_delay'> = async (ctx) => {
  const f = ctx.facts;
  await ctx.step(STEPS.planDecision);
  const plan = await ctx.task({
    key: TASKS.plan,
    role: 'planner',
    title: msg(f.customer ? 'task.order_delay.plan_customer' : 'task.order_delay.plan', {
      orderId: f.orderId,
      ...(f.customer ? { customer: f.customer } : {}),
      projectedDate: f.projectedDate,
      promisedDate: f.promisedDate,
    }),
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
    await ctx.step(STEPS.awaitBackOnTrack);
    return { resolve: false };
  }
  const newDate = String(plan.data.newDate);

  await ctx.step(STEPS.updateWorkOrder);
  await ctx.erp(ERP_STEPS.workOrderDates, { op: 'updateWorkOrderDates', orderId: f.orderId, newDate });

  await ctx.step(STEPS.customerNotification);
  const approval = await ctx.task({
    key: TASKS.customerNotice,
    role: 'customer_service',
    title: msg(f.customer ? 'task.order_delay.customer_notice' : 'task.order_delay.customer_notice_unnamed', {
      ...(f.customer ? { customer: f.customer } : {}),
      orderId: f.orderId,
      newDate,
      promisedDate: f.promisedDate,
    }),
    options: [
      { id: 'approve', label: 'Approve and send' },
      { id: 'handled_personally', label: 'I will tell the customer myself' },
    ],
  });
  if (approval.option === 'approve') {
    await ctx.erp(ERP_STEPS.customerNotice, {
      op: 'sendCustomerNotice',
      orderId: f.orderId,
      ...(f.customer ? { customer: f.customer } : {}),
      newDate,
      message: `Order ${f.orderId} is now planned for ${newDate} (promised ${f.promisedDate}).`,
    });
  }
  return {
    resolve: true,
    resolution: msg('resolution.new_date_confirmed', { newDate, orderId: f.orderId }),
  };
};

export const orderDelay: SopDefinition<'order_delay'> = {
  type: 'order_delay',
  procedure,
  clearingEvents: ['back_on_track', 'cleared'],
  closureNeeds: [],
  reopenRole: 'planner',
  defaultTitle: (f) =>
    msg('title.order_delay', {
      orderId: f.orderId,
      projectedDate: f.projectedDate,
      promisedDate: f.promisedDate,
    }),
  steps: STEPS,
  tasks: TASKS,
};
