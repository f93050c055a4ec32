/**
 * Quality failure SOP
 *  1. Put the lot on hold at once (quarantine transfer).
 *  2. The QC engineer decides the disposition: return to supplier, rework, scrap, concession or
 *     recall; for a supplier lot, purchasing takes the supplier side in parallel.
 *  3. Execute the disposition in the ERP.
 *  4. Shipped lots (or a recall) → customer service runs the recall.
 * The executed disposition resolves the case; closure needs root cause and corrective action (CAPA).
 */
import { DISPOSITIONS, type Disposition } from '../../domain/sop.js';
import { confirm, type Sop } from './context.js';

const DISPOSITION_LABELS: Record<Disposition, string> = {
  return_to_supplier: 'Return to supplier',
  rework: 'Rework',
  scrap: 'Scrap',
  concession: 'Use under concession',
  recall: 'Recall',
};

export const qualityFailureSop: Sop<'quality_failure'> = async (ctx) => {
  const f = ctx.facts;
  await ctx.step('hold');
  const hold = await ctx.erp('hold', {
    op: 'placeQualityHold',
    lot: f.lot,
    itemCode: f.itemCode,
    qty: f.qtyAffected,
    holdWarehouse: ctx.params.holdWarehouse,
  });

  await ctx.step('disposition_decision');
  const decision = ctx.task({
    key: 'disposition',
    role: 'qc_engineer',
    title: `Lot ${f.lot} (${f.itemCode}, ${f.qtyAffected} affected, defect ${f.defectCode}) is on hold (${hold.docId}): decide its disposition`,
    options: DISPOSITIONS.map((id) => ({ id, label: DISPOSITION_LABELS[id] })),
  });
  const supplierSide = f.supplier
    ? ctx.task({
        key: 'supplier',
        role: 'purchasing',
        title: `Supplier lot ${f.lot} from ${f.supplier} failed QC (defect ${f.defectCode}): notify the supplier and claim`,
        options: confirm('supplier_notified', 'Supplier notified'),
      })
    : Promise.resolve(null);
  const [answer] = await Promise.all([decision, supplierSide]);
  const disposition = answer.option as Disposition;

  await ctx.step('execute_disposition');
  const executed = await ctx.erp('disposition', {
    op: 'executeDisposition',
    lot: f.lot,
    itemCode: f.itemCode,
    qty: f.qtyAffected,
    disposition,
    ...(f.supplier ? { supplier: f.supplier } : {}),
  });

  if (f.shipped || disposition === 'recall') {
    await ctx.step('recall');
    await ctx.task({
      key: 'recall',
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
