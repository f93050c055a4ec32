/** The Odoo adapter: the operations of stock.ts and planning.ts on a JSON-2 or JSON-RPC transport. */
import { text as asText } from '../http.js';
import type { OdooSettings } from '../settings.js';
import { caseRefOf, caseStampPrefix, stepKeyIn } from '../stamp.js';
import { ErpError, type ErpAdapter, type ErpDocType, type ErpDocument } from '../types.js';
import { createOdooContext, recordUrl, type OdooContext } from './common.js';
import { createJson2Transport } from './json2.js';
import { createJsonRpcTransport } from './jsonrpc.js';
import { odooPlanning } from './planning.js';
import { odooStock } from './stock.js';
import type { OdooTransport } from './transport.js';

export function createOdooErp(s: OdooSettings): ErpAdapter {
  const rpc: OdooTransport =
    s.protocol === 'json2'
      ? createJson2Transport({ url: s.url, db: s.db, apiKey: s.apiKey ?? '', timeoutMs: s.timeoutMs })
      : createJsonRpcTransport({
          url: s.url,
          db: s.db,
          user: s.user ?? '',
          password: s.password ?? s.apiKey ?? '',
          timeoutMs: s.timeoutMs,
        });
  const ctx = createOdooContext(rpc, s.plant, (s.plant.uiUrl ?? s.url).replace(/\/+$/, ''));
  return {
    name: `odoo-${s.protocol}`,
    ...odooStock(ctx),
    ...odooPlanning(ctx),
    documentsForCase: (caseId) => documentsForCase(ctx, caseId),
    async ping() {
      const rows = await ctx.searchRead('res.company', [['name', '=', s.plant.company]], ['id'], {
        limit: 1,
      });
      if (rows.length === 0) throw new ErpError(`Odoo has no company ${s.plant.company}`, false);
    },
  };
}

/** Every stamped record and message of a case, oldest first (for people and tests). */
async function documentsForCase(ctx: OdooContext, caseId: number): Promise<ErpDocument[]> {
  const prefix = caseStampPrefix(caseId);
  const out: ErpDocument[] = [];
  const add = (
    docType: ErpDocType,
    model: string,
    id: number,
    name: string,
    text: unknown,
    created: unknown,
    status: string,
  ): void => {
    out.push({
      docType,
      docId: name,
      caseRef: caseRefOf(caseId),
      stepKey: stepKeyIn(text) ?? '',
      status,
      data: { model, id },
      createdAt: asText(created),
      url: recordUrl(ctx.ui, model, id),
    });
  };
  for (const model of ['stock.picking', 'purchase.order', 'stock.scrap']) {
    const rows = await ctx.searchRead(
      model,
      [['origin', 'ilike', prefix]],
      ['id', 'name', 'origin', 'state', 'create_date'],
    );
    for (const r of rows) {
      const step = stepKeyIn(r.origin) ?? '';
      const docType: ErpDocType =
        model === 'purchase.order'
          ? 'material_request'
          : model === 'stock.scrap' || step.endsWith(':disposition')
            ? 'disposition'
            : step.endsWith(':hold')
              ? 'quality_hold'
              : 'stock_transfer';
      add(docType, model, r.id, String(r.name), r.origin, r.create_date, String(r.state));
    }
  }
  for (const r of await ctx.searchRead(
    'maintenance.request',
    [['description', 'ilike', prefix]],
    ['id', 'name', 'description', 'create_date'],
  ))
    add(
      'maintenance_request',
      'maintenance.request',
      r.id,
      `maintenance.request,${r.id}`,
      r.description,
      r.create_date,
      'open',
    );
  const messages = await ctx.searchRead(
    'mail.message',
    [['body', 'ilike', prefix]],
    ['id', 'model', 'res_id', 'body', 'date'],
  );
  for (const m of messages) {
    const body = String(m.body);
    const docType: ErpDocType =
      m.model === 'stock.lot'
        ? 'disposition'
        : m.model === 'sale.order' || !/moved this order|deadline/.test(body)
          ? 'customer_notice'
          : body.includes('deadline')
            ? 'work_order_date_change'
            : 'work_order_reschedule';
    add(
      docType,
      String(m.model),
      Number(m.res_id),
      `${String(m.model)},${String(m.res_id)} (message ${m.id})`,
      body,
      m.date,
      'posted',
    );
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.docId.localeCompare(b.docId));
}
