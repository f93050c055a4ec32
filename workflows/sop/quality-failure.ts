/**
 * Quality failure SOP
 *  1. Put the lot on hold at once (quarantine transfer).
 *  2. The QC engineer decides the disposition: return to supplier, rework, scrap, concession or
 *     recall; for a supplier lot, purchasing takes the supplier side in parallel.
 *  3. Execute the disposition in the ERP.
 *  4. Shipped lots (or a recall) → customer service runs the recall.
 * The executed disposition resolves the case; closure needs root cause and corrective action (CAPA).
 */
import { qualityFailureFacts } from '../../domain/contracts/case.js';
import { DISPOSITIONS, EXCEPTION_TYPE_LABELS, type Disposition } from '../../domain/model.js';
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

const DISPOSITION_LABELS: Record<Disposition, string> = {
  return_to_supplier: 'Return to supplier',
  rework: 'Rework',
  scrap: 'Scrap',
  concession: 'Use under concession',
  recall: 'Recall',
};

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
    title: `Lot ${f.lot} (${f.itemCode}, ${f.qtyAffected} affected, defect ${f.defectCode}) is on hold (${hold.docId}): decide its disposition`,
    options: DISPOSITIONS.map((id) => ({ id, label: DISPOSITION_LABELS[id] })),
  });
  const supplierSide = f.supplier
    ? ctx.task({
        key: TASKS.supplier,
        role: 'purchasing',
        title: `Supplier lot ${f.lot} from ${f.supplier} failed QC (defect ${f.defectCode}): notify the supplier and claim`,
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
      title: `Lot ${f.lot} has shipped: recall it from customers (${executed.docId})`,
      options: confirm('recall_done', 'Customers informed, recall under way'),
    });
  }
  return {
    resolve: true,
    resolution: `${DISPOSITION_LABELS[disposition]} executed for lot ${f.lot} (${executed.docId})`,
  };
};

export const qualityFailure: SopDefinition<'quality_failure'> = {
  type: 'quality_failure',
  procedure,
  facts: qualityFailureFacts,
  clearingEvents: [],
  closureNeeds: ['rootCause', 'correctiveAction'],
  reopenRole: 'qc_engineer',
  defaultTitle: (f, line) =>
    `${EXCEPTION_TYPE_LABELS.quality_failure.en}: lot ${f.lot} (${f.defectCode}) on ${line}`,
  steps: STEPS,
  tasks: TASKS,
};
