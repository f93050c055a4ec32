/** What every ERPNext operation shares: the client, the plant's mappings and the stamped create. */
import type { PlantMapping } from '../settings.js';
import { stampOf } from '../stamp.js';
import { ErpError, type DocRef, type ErpDocType, type ErpDocument } from '../types.js';
import { desktopUrl, type FrappeClient, type FrappeDoc } from './client.js';

export interface ErpnextContext {
  api: FrappeClient;
  plant: PlantMapping;
  /** Base address of the desk UI for links. */
  ui: string;
}

/** `docstatus` 0/1/2 as the document's status for people; `submitted` overrides the 1 wording. */
export function statusOf(doc: FrappeDoc, submitted = 'submitted'): string {
  const s = Number(doc.docstatus ?? 0);
  return s === 1 ? submitted : s === 2 ? 'cancelled' : 'draft';
}

export function toDocument(
  ctx: ErpnextContext,
  docType: ErpDocType,
  ref: DocRef,
  doctype: string,
  doc: FrappeDoc,
  status: string,
  data: Record<string, unknown> = {},
): ErpDocument {
  return {
    docType,
    docId: doc.name,
    caseRef: ref.stepKey.split(':')[0] ?? '',
    stepKey: ref.stepKey,
    status,
    data: { doctype, ...data },
    createdAt: typeof doc.creation === 'string' ? doc.creation : new Date().toISOString(),
    url: desktopUrl(ctx.ui, doctype, doc.name),
  };
}

/** The document of the doctype that carries this step's stamp in the stamp field, if any. */
export async function findStamped(
  ctx: ErpnextContext,
  doctype: string,
  ref: DocRef,
): Promise<FrappeDoc | null> {
  const field = ctx.plant.stampField;
  const stamp = stampOf(ref);
  const rows = await ctx.api.list(doctype, {
    fields: ['name', field],
    filters: [[field, '=', stamp]],
    orderBy: 'creation asc',
    limit: 5,
  });
  const row = rows.find((r) => r[field] === stamp);
  if (!row) return null;
  return ctx.api.get(doctype, String(row.name));
}

/**
 * Finds the step's document by its stamp, else inserts it (submitted in the same request when
 * `submit`, so a refused submit leaves nothing behind). A draft found on a retry is submitted.
 */
export async function createOnce(
  ctx: ErpnextContext,
  doctype: string,
  ref: DocRef,
  build: () => Promise<Record<string, unknown>>,
  submit: boolean,
): Promise<{ doc: FrappeDoc; created: boolean }> {
  const found = await findStamped(ctx, doctype, ref);
  if (found) {
    if (submit && Number(found.docstatus ?? 0) === 0) {
      const submitted = (await ctx.api.call('frappe.client.submit', { doc: found })) as FrappeDoc | undefined;
      return { doc: submitted?.name ? submitted : { ...found, docstatus: 1 }, created: false };
    }
    return { doc: found, created: false };
  }
  const body = await build();
  const doc = await ctx.api.insert(doctype, {
    ...body,
    [ctx.plant.stampField]: stampOf(ref),
    ...(submit ? { docstatus: 1 } : {}),
  });
  return { doc, created: true };
}

/** The ERP warehouse Andon's location name maps to; a refusal naming the missing mapping. */
export function warehouseFor(ctx: ErpnextContext, andonLocation: string): string {
  const w = ctx.plant.locations[andonLocation];
  if (!w)
    throw new ErpError(
      `no ERPNext warehouse is mapped for Andon location ${andonLocation}: add it to "locations" in ANDON_ERP_CONFIG`,
      false,
    );
  return w;
}

/** `2026-12-06 22:52:37`: Frappe's datetime format (the site's time zone; Andon sends UTC). */
export const frappeDatetime = (d: Date): string => d.toISOString().slice(0, 19).replace('T', ' ');
