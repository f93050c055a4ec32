/**
 * The generic REST adapter: each operation is the request its mapping file describes (config.ts).
 * Before a create it runs the operation's `find` for the stamp and returns what it finds; else it
 * sends the create (with the idempotency header, when one is named). Timeouts and 408/429/5xx are
 * retryable, any other 4xx a refusal. It cannot list a case's documents (no mapping says how).
 */
import { isRetryableStatus, sendHttp, shortText } from '../http.js';
import type { RestSettings } from '../settings.js';
import { caseRefOf, stampOf } from '../stamp.js';
import {
  ErpError,
  type DocRef,
  type ErpAdapter,
  type ErpDocType,
  type ErpDocument,
  type StockLevel,
} from '../types.js';
import { at, fill, type CreateOperation, type RestRequest } from './config.js';

const DOC_TYPES: Record<CreateOperation, ErpDocType> = {
  createStockTransfer: 'stock_transfer',
  createMaterialRequest: 'material_request',
  placeQualityHold: 'quality_hold',
  executeDisposition: 'disposition',
  createMaintenanceRequest: 'maintenance_request',
  rescheduleWorkOrders: 'work_order_reschedule',
  updateWorkOrderDates: 'work_order_date_change',
  sendCustomerNotice: 'customer_notice',
};

export function createRestErp(s: RestSettings): ErpAdapter {
  const config = s.config;
  const urlOf = (template: string, vars: Record<string, unknown>): string => {
    const path = String(fill(template, vars, encodeURIComponent));
    return /^https?:\/\//.test(path)
      ? path
      : `${config.baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  };

  async function send(
    what: string,
    req: RestRequest,
    vars: Record<string, unknown>,
    extra: Record<string, string> = {},
  ): Promise<unknown> {
    const answer = await sendHttp('REST ERP', {
      method: req.method,
      url: urlOf(req.url, vars),
      headers: { ...config.headers, ...req.headers, ...extra },
      ...(req.body !== undefined && req.method !== 'GET' ? { body: fill(req.body, vars) } : {}),
      timeoutMs: s.timeoutMs,
    });
    if (answer.status >= 200 && answer.status < 300) return answer.body;
    const retryable = isRetryableStatus(answer.status);
    throw new ErpError(
      `REST ERP ${retryable ? 'failed' : 'refused'} ${what} (HTTP ${answer.status}): ${shortText(answer.body)}`,
      retryable,
    );
  }

  async function create(
    op: CreateOperation,
    ref: DocRef,
    request: Record<string, unknown>,
  ): Promise<ErpDocument> {
    const o = config.operations[op];
    if (!o) throw new ErpError(`operation ${op} is not configured in ANDON_ERP_REST_CONFIG`, false);
    const vars = {
      ...request,
      stamp: stampOf(ref),
      caseRef: caseRefOf(ref.caseId),
      caseId: ref.caseId,
      stepKey: ref.stepKey,
    };
    const document = (docId: unknown, status: unknown): ErpDocument => ({
      docType: DOC_TYPES[op],
      docId: String(docId),
      caseRef: caseRefOf(ref.caseId),
      stepKey: ref.stepKey,
      status: typeof status === 'string' ? status : 'done',
      data: { ...request },
      createdAt: new Date().toISOString(),
      ...(config.documentUrl
        ? { url: String(fill(config.documentUrl, { ...vars, docId: String(docId) }, encodeURIComponent)) }
        : {}),
    });
    if (o.find) {
      const found = await send(`${op} (find)`, o.find, vars);
      const docId = at(found, o.find.docId);
      if (docId !== undefined && docId !== null && docId !== '')
        return document(docId, o.find.status ? at(found, o.find.status) : undefined);
    }
    const answer = await send(op, o, vars, o.idempotencyHeader ? { [o.idempotencyHeader]: ref.stepKey } : {});
    const docId = at(answer, o.docId);
    if (docId === undefined || docId === null || docId === '')
      throw new ErpError(`REST ERP: ${op} answered without a document number at ${o.docId}`, false);
    return document(docId, o.status ? at(answer, o.status) : undefined);
  }

  return {
    name: 'rest',
    async stockElsewhere(q): Promise<StockLevel[]> {
      const o = config.stockElsewhere;
      if (!o) throw new ErpError('stockElsewhere is not configured in ANDON_ERP_REST_CONFIG', false);
      const list = at(await send('stockElsewhere', o, q), o.levels);
      if (!Array.isArray(list))
        throw new ErpError(`REST ERP: stockElsewhere answered no list at "${o.levels}"`, false);
      return list
        .map((row) => ({
          warehouse: String(at(row, o.fields.warehouse)),
          location: String(at(row, o.fields.location)),
          itemCode: q.itemCode,
          qty: Number(at(row, o.fields.qty)),
        }))
        .filter((l) => l.qty > 0 && l.location !== q.excludeLocation)
        .sort((a, b) => b.qty - a.qty || a.location.localeCompare(b.location));
    },
    createStockTransfer: ({ ref, ...r }) => create('createStockTransfer', ref, r),
    createMaterialRequest: ({ ref, ...r }) => create('createMaterialRequest', ref, r),
    placeQualityHold: ({ ref, ...r }) => create('placeQualityHold', ref, r),
    executeDisposition: ({ ref, ...r }) => create('executeDisposition', ref, r),
    createMaintenanceRequest: ({ ref, ...r }) => create('createMaintenanceRequest', ref, r),
    rescheduleWorkOrders: ({ ref, ...r }) => create('rescheduleWorkOrders', ref, r),
    updateWorkOrderDates: ({ ref, ...r }) => create('updateWorkOrderDates', ref, r),
    sendCustomerNotice: ({ ref, ...r }) => create('sendCustomerNotice', ref, r),
    documentsForCase: () => Promise.resolve([]),
    async ping() {
      if (config.health) await send('health', config.health, {});
      else {
        const answer = await sendHttp('REST ERP', {
          method: 'GET',
          url: config.baseUrl,
          headers: config.headers,
          timeoutMs: s.timeoutMs,
        });
        if (answer.status >= 500) throw new ErpError(`REST ERP answered HTTP ${answer.status}`, true);
      }
    },
  };
}
