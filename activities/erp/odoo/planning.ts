/**
 * Requests and plans on Odoo: a draft `purchase.order` (an RFQ to the product's first vendor,
 * origin = the stamp), a corrective `maintenance.request` for the `maintenance.equipment` (the
 * stamp in its description), `mrp.production` planned dates (`date_start`/`date_finished`, Odoo
 * 17+) and deadline (`date_deadline`), and the customer notice as a `message_post` on the sale
 * order, sent to its customer. A change to an existing order is stamped by a chatter message
 * posted before the change, holding the dates it sets: a retry sets the same dates again.
 * https://www.odoo.com/documentation/18.0/developer/reference/external_api.html
 */
import { calendarDate, dateTime, requirePositive } from '../checks.js';
import { caseRefOf, stampOf } from '../stamp.js';
import { ErpError, type DocRef, type ErpAdapter } from '../types.js';
import {
  findByStamp,
  many2oneId,
  odooDatetime,
  recordUrl,
  toDocument,
  type OdooContext,
  type OdooRecord,
} from './common.js';

type Ops = Pick<
  ErpAdapter,
  | 'createMaterialRequest'
  | 'createMaintenanceRequest'
  | 'rescheduleWorkOrders'
  | 'updateWorkOrderDates'
  | 'sendCustomerNotice'
>;

const PRODUCTION = 'mrp.production';
/** Manufacturing orders a reschedule may still move: not started. */
const NOT_STARTED = ['draft', 'confirmed'];

export function odooPlanning(ctx: OdooContext): Ops {
  const { plant } = ctx;

  async function productionByName(name: string): Promise<OdooRecord | null> {
    const [row] = await ctx.searchRead(
      PRODUCTION,
      [['name', '=', name]],
      ['id', 'name', 'origin', 'date_deadline', 'create_date'],
      { limit: 1 },
    );
    return row ?? null;
  }

  async function moveOrder(
    ref: DocRef,
    order: OdooRecord,
    minutes: number,
  ): Promise<Record<string, unknown>> {
    const note = await ctx.stampedMessage(PRODUCTION, order.id, ref);
    let start: string;
    let end: string | null;
    if (note) {
      start = /new planned start (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/.exec(String(note.body))?.[1] ?? '';
      end = /new planned end (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/.exec(String(note.body))?.[1] ?? null;
      if (!start)
        throw new ErpError(`the Andon message on ${String(order.name)} has no planned start`, false);
    } else {
      start = shift(order.date_start, minutes);
      end = order.date_finished ? shift(order.date_finished, minutes) : null;
      await ctx.post(
        PRODUCTION,
        order.id,
        `Andon ${caseRefOf(ref.caseId)} moved this order by ${minutes} min: new planned start ${start}${end ? `, new planned end ${end}` : ''} (was ${String(order.date_start)})\n${stampOf(ref)}`,
        { note: true },
      );
    }
    await ctx.write(PRODUCTION, [order.id], { date_start: start, ...(end ? { date_finished: end } : {}) });
    return {
      orderId: order.name,
      id: order.id,
      previousStart: order.date_start ?? null,
      plannedStart: start,
      plannedEnd: end,
      url: recordUrl(ctx.ui, PRODUCTION, order.id),
    };
  }

  return {
    async createMaterialRequest(r) {
      let order = await findByStamp(ctx, 'purchase.order', 'origin', r.ref, ['name', 'state', 'create_date']);
      if (!order) {
        requirePositive(r.qty, 'qty');
        const needed = odooDatetime(dateTime(r.neededBy, 'neededBy'));
        const productId = await ctx.productId(r.itemCode);
        const [product] = await ctx.searchRead(
          'product.product',
          [['id', '=', productId]],
          ['id', 'product_tmpl_id'],
        );
        const [vendor] = await ctx.searchRead(
          'product.supplierinfo',
          [['product_tmpl_id', '=', many2oneId(product?.product_tmpl_id)]],
          ['partner_id'],
          { limit: 1, order: 'sequence asc, id asc' },
        );
        const partner = many2oneId(vendor?.partner_id);
        if (!partner)
          throw new ErpError(
            `Odoo has no vendor for ${r.itemCode}: add one on the product's Purchase tab`,
            false,
          );
        const id = await ctx.create('purchase.order', {
          partner_id: partner,
          origin: stampOf(r.ref),
          company_id: await ctx.companyId(),
          date_planned: needed,
          order_line: [[0, 0, { product_id: productId, product_qty: r.qty, date_planned: needed }]],
        });
        const [made] = await ctx.searchRead(
          'purchase.order',
          [['id', '=', id]],
          ['id', 'name', 'state', 'create_date'],
        );
        if (!made) throw new ErpError(`Odoo lost purchase order ${id}`, true);
        order = made;
      }
      return toDocument(
        ctx,
        'material_request',
        r.ref,
        'purchase.order',
        order,
        order.state === 'draft' ? 'rfq' : String(order.state),
        {
          itemCode: r.itemCode,
          qty: r.qty,
          neededBy: r.neededBy,
          workOrder: r.workOrder ?? null,
        },
      );
    },

    async createMaintenanceRequest(r) {
      let request = await findByStamp(ctx, 'maintenance.request', 'description', r.ref, [
        'name',
        'create_date',
      ]);
      if (!request) {
        const equipment = await ctx.idBy(
          'maintenance.equipment',
          plant.equipmentIdField,
          r.equipmentId,
          'equipment',
        );
        const team = await ctx.idBy(
          'maintenance.team',
          'name',
          plant.maintenanceTeam ?? '',
          'maintenance team',
        );
        const id = await ctx.create('maintenance.request', {
          name: `${r.faultCode}: ${r.description}`.slice(0, 200),
          equipment_id: equipment,
          maintenance_team_id: team,
          maintenance_type: 'corrective',
          request_date: new Date().toISOString().slice(0, 10),
          description: `<p>${escapeHtml(r.description)}</p><p>${stampOf(r.ref)}</p>`,
          company_id: await ctx.companyId(),
        });
        request = { id, name: `${r.faultCode}: ${r.description}`.slice(0, 200) };
      }
      return toDocument(
        ctx,
        'maintenance_request',
        r.ref,
        'maintenance.request',
        { id: request.id, create_date: request.create_date },
        'open',
        {
          equipmentId: r.equipmentId,
          faultCode: r.faultCode,
          title: request.name,
        },
      );
    },

    async rescheduleWorkOrders(r) {
      requirePositive(r.delayMinutes, 'delayMinutes');
      const line = plant.lines[r.line];
      if (!line)
        throw new ErpError(
          `no work centers are mapped for line ${r.line}: add it to "lines" in ANDON_ERP_CONFIG`,
          false,
        );
      const centers =
        r.equipmentId && line.workCenters.includes(r.equipmentId) ? [r.equipmentId] : line.workCenters;
      const orders = await ctx.searchRead(
        PRODUCTION,
        [
          ['state', 'in', NOT_STARTED],
          ['workorder_ids.workcenter_id.name', 'in', centers],
        ],
        ['id', 'name', 'date_start', 'date_finished', 'state'],
        { order: 'date_start asc, id asc' },
      );
      const moved: Array<Record<string, unknown>> = [];
      for (const order of orders) moved.push(await moveOrder(r.ref, order, r.delayMinutes));
      const names = moved.map((o) => String(o.orderId));
      return {
        docType: 'work_order_reschedule',
        docId: names.length > 0 ? names.join(', ') : 'no work orders to move',
        caseRef: caseRefOf(r.ref.caseId),
        stepKey: r.ref.stepKey,
        status: 'completed',
        data: { model: PRODUCTION, workCenters: centers, delayMinutes: r.delayMinutes, orders: moved },
        createdAt: new Date().toISOString(),
        url: moved.length === 1 ? String(moved[0]!.url) : `${ctx.ui}/odoo/action-mrp.mrp_production_action`,
      };
    },

    async updateWorkOrderDates(r) {
      const day = calendarDate(r.newDate, 'newDate');
      const order = await productionByName(r.orderId);
      if (!order) throw new ErpError(`manufacturing order ${r.orderId} is unknown to Odoo`, false);
      const previous = typeof order.date_deadline === 'string' ? order.date_deadline : null;
      const note = await ctx.stampedMessage(PRODUCTION, order.id, r.ref);
      if (!note)
        await ctx.post(
          PRODUCTION,
          order.id,
          `Andon ${caseRefOf(r.ref.caseId)}: deadline ${previous ?? 'unset'} → ${day}\n${stampOf(r.ref)}`,
          { note: true },
        );
      const deadline = `${day} 00:00:00`;
      if (previous !== deadline) await ctx.write(PRODUCTION, [order.id], { date_deadline: deadline });
      return toDocument(ctx, 'work_order_date_change', r.ref, PRODUCTION, order, 'completed', {
        previousDueDate: note ? (/deadline (.+?) →/.exec(String(note.body))?.[1] ?? null) : previous,
        newDueDate: day,
      });
    },

    async sendCustomerNotice(r) {
      const order = await productionByName(r.orderId);
      const saleName = order
        ? typeof order.origin === 'string' && order.origin
          ? order.origin
          : null
        : r.orderId;
      const [sale] = saleName
        ? await ctx.searchRead('sale.order', [['name', '=', saleName]], ['id', 'name', 'partner_id'], {
            limit: 1,
          })
        : [];
      const target = sale
        ? { model: 'sale.order', record: sale }
        : order
          ? { model: PRODUCTION, record: order }
          : null;
      if (!target)
        throw new ErpError(
          `order ${r.orderId} is neither a manufacturing order nor a sale order in Odoo`,
          false,
        );
      const partner = sale ? many2oneId(sale.partner_id) : null;
      const found = await ctx.stampedMessage(target.model, target.record.id, r.ref);
      const messageId =
        found?.id ??
        (await ctx.post(target.model, target.record.id, `${r.message}\n\n${stampOf(r.ref)}`, {
          ...(partner ? { partnerIds: [partner] } : { note: true }),
        }));
      return toDocument(
        ctx,
        'customer_notice',
        r.ref,
        target.model,
        { ...target.record, name: `${String(target.record.name)} (message ${messageId})` },
        partner ? 'sent' : 'recorded',
        {
          orderId: r.orderId,
          messageId,
          customerId: partner,
          customer: r.customer ?? null,
        },
      );
    },
  };
}

function shift(value: unknown, minutes: number): string {
  const base = dateTime(`${String(value).replace(' ', 'T').slice(0, 19)}Z`, 'planned date');
  return odooDatetime(new Date(base.getTime() + minutes * 60_000));
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
