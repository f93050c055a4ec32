/**
 * What every Odoo operation shares: the transport, the plant's mappings resolved to record ids
 * (cached: locations, company, picking type, work centers change rarely), and the stamp searches.
 * Andon's documents carry the stamp in `origin` (pickings, purchase orders, scraps), in the
 * description (maintenance requests) or in a chatter message (changes to existing orders).
 */
import type { PlantMapping } from '../settings.js';
import { caseRefOf, stampOf } from '../stamp.js';
import { ErpError, type DocRef, type ErpDocType, type ErpDocument } from '../types.js';
import { createdId, type OdooCall, type OdooTransport } from './transport.js';

export type OdooRecord = Record<string, unknown> & { id: number };
export type Domain = Array<[string, string, unknown] | '&' | '|' | '!'>;

export interface OdooContext {
  rpc: OdooTransport;
  plant: PlantMapping;
  ui: string;
  searchRead(
    model: string,
    domain: Domain,
    fields: string[],
    opts?: { limit?: number; order?: string },
  ): Promise<OdooRecord[]>;
  create(model: string, vals: Record<string, unknown>, context?: Record<string, unknown>): Promise<number>;
  write(model: string, ids: number[], vals: Record<string, unknown>): Promise<void>;
  call(model: string, method: string, call: OdooCall): Promise<unknown>;
  /** Id of a record found by one field; cached; a refusal naming what is missing. */
  idBy(model: string, field: string, value: string, what: string): Promise<number>;
  companyId(): Promise<number>;
  /** A stock.location by its full name (`WH/Stock`) or, failing that, its own name. */
  locationId(name: string): Promise<number>;
  /** The Andon location name's mapped Odoo location id; a refusal naming the missing mapping. */
  mappedLocationId(andonLocation: string): Promise<number>;
  productId(itemCode: string): Promise<number>;
  /** A chatter message on the record carrying the step's stamp, if any. */
  stampedMessage(model: string, resId: number, ref: DocRef): Promise<OdooRecord | null>;
  /** Posts a plain-text message on the record's chatter (Odoo escapes a text body); returns its id. */
  post(
    model: string,
    resId: number,
    body: string,
    o?: { partnerIds?: number[]; note?: boolean },
  ): Promise<number>;
}

/** Link to a record in Odoo's web client (understood by every version Andon supports). */
export const recordUrl = (ui: string, model: string, id: number): string =>
  `${ui}/web#id=${id}&model=${model}&view_type=form`;

export const many2oneId = (v: unknown): number | null =>
  Array.isArray(v) && typeof v[0] === 'number' ? v[0] : typeof v === 'number' ? v : null;
export const many2oneName = (v: unknown): string | null =>
  Array.isArray(v) && typeof v[1] === 'string' ? v[1] : null;

/** `2026-12-06 22:52:37`: Odoo's datetime format, always UTC. */
export const odooDatetime = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ');

export function createOdooContext(rpc: OdooTransport, plant: PlantMapping, ui: string): OdooContext {
  const ids = new Map<string, number>();
  const ctx: OdooContext = {
    rpc,
    plant,
    ui,
    async searchRead(model, domain, fields, opts = {}) {
      const rows = await rpc.call(model, 'search_read', {
        params: {
          domain,
          fields,
          ...(opts.limit ? { limit: opts.limit } : {}),
          ...(opts.order ? { order: opts.order } : {}),
        },
      });
      if (!Array.isArray(rows)) throw new ErpError(`Odoo: ${model}.search_read answered no list`, true);
      return rows as OdooRecord[];
    },
    async create(model, vals, context) {
      return createdId(
        await rpc.call(model, 'create', { params: { vals_list: [vals] }, ...(context ? { context } : {}) }),
        model,
      );
    },
    async write(model, recordIds, vals) {
      await rpc.call(model, 'write', { ids: recordIds, params: { vals } });
    },
    call: (model, method, c) => rpc.call(model, method, c),
    async idBy(model, field, value, what) {
      const key = `${model}|${field}|${value}`;
      const cached = ids.get(key);
      if (cached !== undefined) return cached;
      const [row] = await ctx.searchRead(model, [[field, '=', value]], ['id'], { limit: 1 });
      if (!row)
        throw new ErpError(`Odoo has no ${what} ${value} (${model} where ${field} = ${value})`, false);
      ids.set(key, row.id);
      return row.id;
    },
    companyId: () => ctx.idBy('res.company', 'name', plant.company, 'company'),
    async locationId(name) {
      const key = `stock.location|${name}`;
      const cached = ids.get(key);
      if (cached !== undefined) return cached;
      const [row] = (
        await ctx.searchRead('stock.location', [['complete_name', '=', name]], ['id'], { limit: 1 })
      ).concat(await ctx.searchRead('stock.location', [['name', '=', name]], ['id'], { limit: 1 }));
      if (!row) throw new ErpError(`Odoo has no stock location ${name}`, false);
      ids.set(key, row.id);
      return row.id;
    },
    async mappedLocationId(andonLocation) {
      const name = plant.locations[andonLocation];
      if (!name)
        throw new ErpError(
          `no Odoo location is mapped for Andon location ${andonLocation}: add it to "locations" in ANDON_ERP_CONFIG`,
          false,
        );
      return ctx.locationId(name);
    },
    productId: (itemCode) =>
      ctx.idBy('product.product', 'default_code', itemCode, 'product with internal reference'),
    async stampedMessage(model, resId, ref) {
      const stamp = stampOf(ref);
      const rows = await ctx.searchRead(
        'mail.message',
        [
          ['model', '=', model],
          ['res_id', '=', resId],
          ['body', 'ilike', stamp],
        ],
        ['id', 'body', 'date'],
        { limit: 5 },
      );
      return rows.find((m) => String(m.body).includes(stamp)) ?? null;
    },
    async post(model, resId, body, o = {}) {
      const result = await rpc.call(model, 'message_post', {
        ids: [resId],
        params: {
          body,
          message_type: 'comment',
          subtype_xmlid: o.note ? 'mail.mt_note' : 'mail.mt_comment',
          ...(o.partnerIds ? { partner_ids: o.partnerIds } : {}),
        },
      });
      return createdId(result, 'mail.message');
    },
  };
  return ctx;
}

export function toDocument(
  ctx: OdooContext,
  docType: ErpDocType,
  ref: DocRef,
  model: string,
  record: { id: number; name?: unknown; create_date?: unknown },
  status: string,
  data: Record<string, unknown> = {},
): ErpDocument {
  return {
    docType,
    docId: typeof record.name === 'string' && record.name ? record.name : `${model},${record.id}`,
    caseRef: caseRefOf(ref.caseId),
    stepKey: ref.stepKey,
    status,
    data: { model, id: record.id, ...data },
    createdAt: typeof record.create_date === 'string' ? record.create_date : new Date().toISOString(),
    url: recordUrl(ctx.ui, model, record.id),
  };
}

/** The record of the model whose `field` carries the step's stamp, if any (oldest first). */
export async function findByStamp(
  ctx: OdooContext,
  model: string,
  field: string,
  ref: DocRef,
  fields: string[],
): Promise<OdooRecord | null> {
  const stamp = stampOf(ref);
  const rows = await ctx.searchRead(model, [[field, 'ilike', stamp]], ['id', field, ...fields], {
    limit: 5,
    order: 'id asc',
  });
  return rows.find((r) => String(r[field]).includes(stamp)) ?? null;
}
