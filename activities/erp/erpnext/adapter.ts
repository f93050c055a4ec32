/** The ERPNext adapter: the operations of stock.ts and planning.ts on one Frappe client. */
import { text as asText } from '../http.js';
import type { ErpnextSettings } from '../settings.js';
import { caseRefOf, caseStampPrefix, stepKeyIn } from '../stamp.js';
import type { ErpAdapter, ErpDocType, ErpDocument } from '../types.js';
import { createFrappeClient, desktopUrl } from './client.js';
import type { ErpnextContext } from './common.js';
import { erpnextPlanning } from './planning.js';
import { erpnextStock } from './stock.js';

export function createErpnextErp(s: ErpnextSettings): ErpAdapter {
  const api = createFrappeClient({
    url: s.url,
    apiKey: s.apiKey,
    apiSecret: s.apiSecret,
    timeoutMs: s.timeoutMs,
  });
  const ctx: ErpnextContext = { api, plant: s.plant, ui: (s.plant.uiUrl ?? s.url).replace(/\/+$/, '') };
  return {
    name: 'erpnext',
    ...erpnextStock(ctx),
    ...erpnextPlanning(ctx),
    documentsForCase: (caseId) => documentsForCase(ctx, caseId),
    async ping() {
      await api.whoAmI();
    },
  };
}

/** Every stamped document and comment of a case, oldest first (for people and tests; not on a hot path). */
async function documentsForCase(ctx: ErpnextContext, caseId: number): Promise<ErpDocument[]> {
  const { api, plant } = ctx;
  const prefix = caseStampPrefix(caseId);
  const field = plant.stampField;
  const stamped = async (doctype: string, docType: (row: Record<string, unknown>) => ErpDocType) =>
    (
      await api.list(doctype, {
        fields: [
          'name',
          field,
          'docstatus',
          'creation',
          ...(doctype === 'Stock Entry' ? ['remarks', 'stock_entry_type'] : []),
        ],
        filters: [[field, 'like', `${prefix}%`]],
        limit: 500,
      })
    ).map((row) => doc(doctype, docType(row), String(row[field]), row));
  const doc = (
    doctype: string,
    docType: ErpDocType,
    text: string,
    row: Record<string, unknown>,
  ): ErpDocument => {
    const stepKey = stepKeyIn(text) ?? '';
    const docstatus = Number(row.docstatus ?? 1);
    return {
      docType,
      docId: String(row.name),
      caseRef: caseRefOf(caseId),
      stepKey,
      status: docstatus === 2 ? 'cancelled' : docstatus === 0 ? 'draft' : 'submitted',
      data: { doctype },
      createdAt: asText(row.creation),
      url: desktopUrl(ctx.ui, doctype, String(row.name)),
    };
  };
  const stockType = (row: Record<string, unknown>): ErpDocType => {
    const remarks = asText(row.remarks);
    if (remarks.includes('quality hold')) return 'quality_hold';
    if (remarks.includes('line replenishment')) return 'stock_transfer';
    return 'disposition';
  };
  const notes = async (doctype: 'Comment' | 'Communication') =>
    (
      await api.list(doctype, {
        fields: ['name', 'content', 'reference_doctype', 'reference_name', 'creation'],
        filters: [['content', 'like', `%${prefix}%`]],
        limit: 500,
      })
    ).map((row) => {
      const content = asText(row.content);
      const docType: ErpDocType =
        doctype === 'Communication'
          ? 'customer_notice'
          : row.reference_doctype === 'Batch'
            ? 'disposition'
            : content.includes('expected delivery date')
              ? 'work_order_date_change'
              : 'work_order_reschedule';
      return {
        ...doc(doctype, docType, content, { ...row, docstatus: 1 }),
        data: { doctype, reference: `${String(row.reference_doctype)} ${String(row.reference_name)}` },
      };
    });
  const all = [
    ...(await stamped('Stock Entry', stockType)),
    ...(await stamped('Material Request', () => 'material_request')),
    ...(await stamped(plant.maintenanceDoctype, () => 'maintenance_request')),
    ...(await notes('Comment')),
    ...(await notes('Communication')),
  ];
  return all.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.docId.localeCompare(b.docId));
}
