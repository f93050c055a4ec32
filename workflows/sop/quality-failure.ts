/**
 * Quality failure SOP
 *  1. Put the lot on hold at once (quarantine transfer).
 *  2. The QC engineer decides the disposition: return to supplier, rework, scrap, concession or
 *     recall; for a supplier lot, purchasing takes the supplier side in parallel.
 *  3. Execute the disposition in the ERP.
 *  4. Shipped lots (or a recall) → customer service runs the recall.
 * The executed disposition resolves the case; closure needs root cause and corrective action (CAPA).
 */
import { msg, render } from '../../domain/messages.js';
import { DISPOSITIONS, type Disposition } from '../../domain/model.js';
import { confirm, type Sop } from './context.js';
import type { SopDefinition } from './definition.js';

export const STEPS = {
  hold: 'hold',
  dispositionDecision: 'disposition_decision',
  executeDisposition: 'execute_disposition',
  recall: 'recall',
} as const;
export const TASKS = { disposition: 'disposition', supplier: 'supplier', recall: 'recall' } as const;
/** ERP steps (journal and document stamp keys). */
export const ERP_STEPS = { hold: 'hold', disposition: 'disposition' } as const;

const dispositionLabel = (d: Disposition): string => render(`option.${d}`, {}, 'en');

const procedure: Sop<'quality_failure'> = async (ctx) => {
  const f = ctx.facts;
  await ctx.step(STEPS.hold);
  const hold = await ctx.erp(ERP_STEPS.hold, {
    op: 'placeQualityHold',
    lot: f.lot,
    itemCode: f.itemCode,
    qty: f.qtyAffected,
    holdWarehouse: ctx.params.holdWarehouse,
  });

  await ctx.step(STEPS.dispositionDecision);
  const decision = ctx.task({
    key: TASKS.disposition,
    role: 'qc_engineer',
    title: msg('task.quality_failure.disposition', {
      lot: f.lot,
      itemCode: f.itemCode,
      qty: f.qtyAffected,
      defectCode: f.defectCode,
      docId: hold.docId,
    }),
    options: DISPOSITIONS.map((id) => ({ id, label: dispositionLabel(id) })),
  });
  const supplierSide = f.supplier
    ? ctx.task({
        key: TASKS.supplier,
        role: 'purchasing',
        title: msg('task.quality_failure.supplier', {
          lot: f.lot,
          supplier: f.supplier,
          defectCode: f.defectCode,
        }),
        options: confirm('supplier_notified', 'Supplier notified'),
      })
    : Promise.resolve(null);
  const [answer] = await Promise.all([decision, supplierSide]);
  const disposition = answer.option as Disposition;

  await ctx.step(STEPS.executeDisposition);
  const executed = await ctx.erp(ERP_STEPS.disposition, {
    op: 'executeDisposition',
    lot: f.lot,
    itemCode: f.itemCode,
    qty: f.qtyAffected,
    disposition,
    ...(f.supplier ? { supplier: f.supplier } : {}),
  });

  if (f.shipped || disposition === 'recall') {
    await ctx.step(STEPS.recall);
    await ctx.task({
      key: TASKS.recall,
      role: 'customer_service',
      title: msg('task.quality_failure.recall', { lot: f.lot, docId: executed.docId }),
      options: confirm('recall_done', 'Customers informed, recall under way'),
    });
  }
  return {
    resolve: true,
    resolution: msg('resolution.disposition_executed', {
      disposition: `@option.${disposition}`,
      lot: f.lot,
      docId: executed.docId,
    }),
  };
};

export const qualityFailure: SopDefinition<'quality_failure'> = {
  type: 'quality_failure',
  procedure,
  clearingEvents: [],
  closureNeeds: ['rootCause', 'correctiveAction'],
  reopenRole: 'qc_engineer',
  defaultTitle: (f, line) => msg('title.quality_failure', { lot: f.lot, defectCode: f.defectCode, line }),
  steps: STEPS,
  tasks: TASKS,
};
