/**
 * Equipment fault SOP
 *  1. Create a maintenance request in the ERP/CMMS.
 *  2. Page the technician on shift; ask for the repair ETA.
 *  3. Downtime over the threshold (time passes it, or the ETA lands beyond it) → reschedule the
 *     line's affected work orders in the ERP and have the planner adjust the plan.
 * Clears when MES reports the equipment running; closure needs root cause and downtime minutes.
 */
import { msg } from '../../domain/messages.js';
import { confirm, type Sop } from './context.js';
import type { SopDefinition } from './definition.js';

export const STEPS = {
  maintenanceRequest: 'maintenance_request',
  repair: 'repair',
  reschedule: 'reschedule',
  awaitRunning: 'await_running',
} as const;
export const TASKS = { repair: 'repair', planner: 'planner' } as const;

const procedure: Sop<'equipment_fault'> = async (ctx) => {
  const f = ctx.facts;
  await ctx.step(STEPS.maintenanceRequest);
  const request = await ctx.erp(STEPS.maintenanceRequest, {
    op: 'createMaintenanceRequest',
    equipmentId: f.equipmentId,
    faultCode: f.faultCode,
    description: ctx.title,
  });

  await ctx.step(STEPS.repair);
  const downSince = f.downSince ?? ctx.openedAt;
  const thresholdMs = ctx.params.downtimeThresholdSeconds * 1000;
  const thresholdAt = new Date(Date.parse(downSince) + thresholdMs).toISOString();
  const repair = ctx.task({
    key: TASKS.repair,
    role: 'maintenance',
    title: msg('task.equipment_fault.repair', {
      equipmentId: f.equipmentId,
      faultCode: f.faultCode,
      docId: request.docId,
    }),
    options: confirm('repaired', 'Repaired'),
    askEta: true,
  });

  const downtimeWatch = async (): Promise<void> => {
    const etaBeyond = (): boolean => {
      const eta = ctx.taskEta(TASKS.repair);
      return eta !== null && Date.parse(eta) > Date.parse(thresholdAt);
    };
    await ctx.waitUntil(() => ctx.taskDone(TASKS.repair) || etaBeyond(), thresholdAt);
    if (ctx.taskDone(TASKS.repair)) return;
    const eta = ctx.taskEta(TASKS.repair);
    const expectedEnd = Math.max(Date.parse(thresholdAt), eta ? Date.parse(eta) : 0, Date.now());
    const delayMinutes = Math.ceil((expectedEnd - Date.parse(downSince)) / 60_000);
    await ctx.step(STEPS.reschedule);
    const reschedule = await ctx.erp(STEPS.reschedule, {
      op: 'rescheduleWorkOrders',
      line: ctx.line,
      equipmentId: f.equipmentId,
      delayMinutes,
    });
    await ctx.task({
      key: TASKS.planner,
      role: 'planner',
      title: msg('task.equipment_fault.planner', {
        equipmentId: f.equipmentId,
        thresholdMinutes: Math.round(thresholdMs / 60_000),
        line: ctx.line,
        delayMinutes,
        docId: reschedule.docId,
      }),
      options: confirm('plan_adjusted', 'Plan adjusted'),
    });
  };

  await Promise.all([repair, downtimeWatch()]);
  await ctx.step(STEPS.awaitRunning);
  return { resolve: false };
};

export const equipmentFault: SopDefinition<'equipment_fault'> = {
  type: 'equipment_fault',
  procedure,
  clearingEvents: ['equipment_running', 'cleared'],
  closureNeeds: ['rootCause', 'downtimeMinutes'],
  reopenRole: 'maintenance',
  defaultTitle: (f, line) =>
    msg('title.equipment_fault', { equipmentId: f.equipmentId, faultCode: f.faultCode, line }),
  steps: STEPS,
  tasks: TASKS,
};
