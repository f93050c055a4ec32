/**
 * Order delay SOP
 *  1. The planner decides: a new plan date, or no change (the order can catch up).
 *  2. New date → update the work-order dates in the ERP.
 *  3. Customer service approves the customer notification, which the ERP then sends.
 * Clears when the new date is confirmed, or when MES reports the order back on track.
 */
import { orderDelayFacts } from '../../domain/contracts/case.js';
import { EXCEPTION_TYPE_LABELS } from '../../domain/model.js';
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
    title: `Approve telling ${f.customer ?? 'the customer'} that order ${f.orderId} now ships ${newDate} (promised ${f.promisedDate})`,
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
  return { resolve: true, resolution: `new date ${newDate} confirmed for order ${f.orderId}` };
};

export const orderDelay: SopDefinition<'order_delay'> = {
  type: 'order_delay',
  procedure,
  facts: orderDelayFacts,
  clearingEvents: ['back_on_track', 'cleared'],
  closureNeeds: [],
  reopenRole: 'planner',
  defaultTitle: (f) =>
    `${EXCEPTION_TYPE_LABELS.order_delay.en}: order ${f.orderId} now ${f.projectedDate} (promised ${f.promisedDate})`,
  steps: STEPS,
  tasks: TASKS,
};
