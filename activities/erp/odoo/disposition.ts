/** The Odoo dispositions that are not a transfer: scrap (`stock.scrap`) and recall (a message on the lot). */
import { caseRefOf, stampOf } from '../stamp.js';
import { ErpError, type ErpAdapter, type ErpDocument } from '../types.js';
import { findByStamp, toDocument, type OdooContext } from './common.js';

type DispositionRequest = Parameters<ErpAdapter['executeDisposition']>[0];

async function lotOf(ctx: OdooContext, r: DispositionRequest): Promise<{ id: number; productId: number }> {
  const productId = await ctx.productId(r.itemCode);
  const [lot] = await ctx.searchRead(
    'stock.lot',
    [
      ['name', '=', r.lot],
      ['product_id', '=', productId],
    ],
    ['id'],
    { limit: 1 },
  );
  if (!lot) throw new ErpError(`lot ${r.lot} is unknown to Odoo`, false);
  return { id: lot.id, productId };
}

/** Scrap from quarantine as a validated `stock.scrap` (origin = the stamp). */
export async function scrap(ctx: OdooContext, r: DispositionRequest): Promise<ErpDocument> {
  let found = await findByStamp(ctx, 'stock.scrap', 'origin', r.ref, ['name', 'state', 'create_date']);
  if (!found) {
    const lot = await lotOf(ctx, r);
    const id = await ctx.create('stock.scrap', {
      product_id: lot.productId,
      lot_id: lot.id,
      scrap_qty: r.qty,
      location_id: await ctx.locationId(ctx.plant.quarantine),
      origin: stampOf(r.ref),
      company_id: await ctx.companyId(),
    });
    found = { id, state: 'draft' };
  }
  if (found.state !== 'done') await ctx.call('stock.scrap', 'action_validate', { ids: [found.id] });
  const [done] = await ctx.searchRead(
    'stock.scrap',
    [['id', '=', found.id]],
    ['id', 'name', 'state', 'create_date'],
  );
  return toDocument(
    ctx,
    'disposition',
    r.ref,
    'stock.scrap',
    done ?? found,
    done?.state === 'done' ? 'completed' : String(done?.state),
    {
      disposition: 'scrap',
      lot: r.lot,
      qty: r.qty,
    },
  );
}

/** A recall moves nothing (the lot has shipped): a message on the lot records it, once. */
export async function recall(ctx: OdooContext, r: DispositionRequest): Promise<ErpDocument> {
  const lot = await lotOf(ctx, r);
  const found = await ctx.stampedMessage('stock.lot', lot.id, r.ref);
  const id =
    found?.id ??
    (await ctx.post(
      'stock.lot',
      lot.id,
      `Recall of lot ${r.lot} (${r.qty}) opened by Andon ${caseRefOf(r.ref.caseId)}\n${stampOf(r.ref)}`,
      { note: true },
    ));
  return toDocument(
    ctx,
    'disposition',
    r.ref,
    'stock.lot',
    { id: lot.id, name: `${r.lot} (message ${id})` },
    'recalled',
    {
      disposition: 'recall',
      lot: r.lot,
      messageId: id,
    },
  );
}
