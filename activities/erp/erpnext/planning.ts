/**
 * Requests and plans on ERPNext: a submitted `Material Request` (type Purchase), an `Asset Repair`
 * (or the configured maintenance doctype, kept as a draft: submitting it means the repair is
 * done), `Work Order` planned dates moved (fields allowed on submit), a Work Order's
 * `expected_delivery_date`, and the customer notice as a `Communication` on the Sales Order sent
 * by `frappe.core.doctype.communication.email.make`. A change to an existing document is stamped by
 * a Comment written before the change, which holds the dates the change sets: a retry finds it and
 * sets the same dates again instead of moving an order twice.
 */
import { calendarDate, dateTime, requirePositive } from '../checks.js';
import { caseRefOf, stampOf } from '../stamp.js';
import { ErpError, type DocRef, type ErpAdapter } from '../types.js';
import { createOnce, frappeDatetime, statusOf, toDocument, type ErpnextContext } from './common.js';
import { desktopUrl, type FrappeDoc } from './client.js';

type Ops = Pick<
  ErpAdapter,
  | 'createMaterialRequest'
  | 'createMaintenanceRequest'
  | 'rescheduleWorkOrders'
  | 'updateWorkOrderDates'
  | 'sendCustomerNotice'
>;

const WORK_ORDER = 'Work Order';
/** Work orders a reschedule may still move: not started. */
const NOT_STARTED = ['Draft', 'Not Started'];

export function erpnextPlanning(ctx: ErpnextContext): Ops {
  const { api, plant } = ctx;

  async function stampedComment(
    doctype: string,
    name: string,
    ref: DocRef,
  ): Promise<Record<string, unknown> | null> {
    const stamp = stampOf(ref);
    const rows = await api.list('Comment', {
      fields: ['name', 'content', 'creation'],
      filters: [
        ['reference_doctype', '=', doctype],
        ['reference_name', '=', name],
        ['content', 'like', `%${stamp}%`],
      ],
      limit: 5,
    });
    return rows.find((c) => String(c.content).includes(stamp)) ?? null;
  }

  const addComment = (doctype: string, name: string, content: string): Promise<unknown> =>
    api.call('frappe.desk.form.utils.add_comment', {
      reference_doctype: doctype,
      reference_name: name,
      content,
      comment_email: '',
      comment_by: 'Andon',
    });

  async function moveOrder(
    ref: DocRef,
    order: Record<string, unknown>,
    minutes: number,
  ): Promise<Record<string, unknown>> {
    const name = String(order.name);
    const note = await stampedComment(WORK_ORDER, name, ref);
    let start: string;
    let end: string | null;
    if (note) {
      start = /new planned start (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/.exec(String(note.content))?.[1] ?? '';
      end = /new planned end (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)/.exec(String(note.content))?.[1] ?? null;
      if (!start) throw new ErpError(`the Andon comment on ${name} has no planned start`, false);
    } else {
      start = shift(order.planned_start_date, minutes);
      end = order.planned_end_date ? shift(order.planned_end_date, minutes) : null;
      await addComment(
        WORK_ORDER,
        name,
        `Andon ${caseRefOf(ref.caseId)} moved this order by ${minutes} min: new planned start ${start}` +
          `${end ? `, new planned end ${end}` : ''} (was ${String(order.planned_start_date)}) ${stampOf(ref)}`,
      );
    }
    await api.update(WORK_ORDER, name, {
      planned_start_date: start,
      ...(end ? { planned_end_date: end } : {}),
    });
    return {
      orderId: name,
      previousStart: order.planned_start_date ?? null,
      plannedStart: start,
      plannedEnd: end,
    };
  }

  return {
    async createMaterialRequest(r) {
      const { doc } = await createOnce(
        ctx,
        'Material Request',
        r.ref,
        () => {
          requirePositive(r.qty, 'qty');
          const needed = calendarDate(r.neededBy, 'neededBy');
          const today = new Date().toISOString().slice(0, 10);
          const warehouse = plant.receiving ?? '';
          return Promise.resolve({
            material_request_type: 'Purchase',
            company: plant.company,
            transaction_date: today,
            schedule_date: needed < today ? today : needed,
            set_warehouse: warehouse,
            items: [
              {
                item_code: r.itemCode,
                qty: r.qty,
                uom: r.uom,
                schedule_date: needed < today ? today : needed,
                warehouse,
              },
            ],
          });
        },
        true,
      );
      return toDocument(ctx, 'material_request', r.ref, 'Material Request', doc, statusOf(doc), {
        itemCode: r.itemCode,
        qty: r.qty,
        neededBy: r.neededBy,
        workOrder: r.workOrder ?? null,
      });
    },

    async createMaintenanceRequest(r) {
      const doctype = plant.maintenanceDoctype;
      const assets = await api.list('Asset', {
        fields: ['name', 'company'],
        filters: [[plant.equipmentIdField, '=', r.equipmentId]],
        limit: 2,
      });
      const asset = assets[0];
      if (!asset)
        throw new ErpError(`no ERPNext Asset has ${plant.equipmentIdField} = ${r.equipmentId}`, false);
      const { doc } = await createOnce(
        ctx,
        doctype,
        r.ref,
        () =>
          Promise.resolve({
            asset: asset.name,
            company: asset.company ?? plant.company,
            failure_date: frappeDatetime(new Date()),
            description: `${r.faultCode}: ${r.description}\n${stampOf(r.ref)}`,
          }),
        false,
      );
      const status = Number(doc.docstatus ?? 0) === 0 ? 'open' : statusOf(doc);
      return toDocument(ctx, 'maintenance_request', r.ref, doctype, doc, status, {
        asset: asset.name,
        equipmentId: r.equipmentId,
        faultCode: r.faultCode,
      });
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
      const rows = await api.list(WORK_ORDER, {
        fields: ['name', 'planned_start_date', 'planned_end_date', 'status'],
        filters: [
          ['docstatus', '<', 2],
          ['status', 'in', NOT_STARTED],
          ['Work Order Operation', 'workstation', 'in', centers],
        ],
        orderBy: 'planned_start_date asc',
        limit: 500,
      });
      const unique = [...new Map(rows.map((o) => [String(o.name), o])).values()];
      const orders: Array<Record<string, unknown>> = [];
      for (const order of unique) orders.push(await moveOrder(r.ref, order, r.delayMinutes));
      const names = orders.map((o) => String(o.orderId));
      return {
        docType: 'work_order_reschedule',
        docId: names.length > 0 ? names.join(', ') : 'no work orders to move',
        caseRef: caseRefOf(r.ref.caseId),
        stepKey: r.ref.stepKey,
        status: 'completed',
        data: {
          doctype: WORK_ORDER,
          workCenters: centers,
          delayMinutes: r.delayMinutes,
          orders: orders.map((o) => ({ ...o, url: desktopUrl(ctx.ui, WORK_ORDER, String(o.orderId)) })),
        },
        createdAt: new Date().toISOString(),
        url: names.length === 1 ? desktopUrl(ctx.ui, WORK_ORDER, names[0]!) : `${ctx.ui}/app/work-order`,
      };
    },

    async updateWorkOrderDates(r) {
      const day = calendarDate(r.newDate, 'newDate');
      const order = await api.get(WORK_ORDER, r.orderId);
      if (!order) throw new ErpError(`work order ${r.orderId} is unknown to ERPNext`, false);
      const previous = typeof order.expected_delivery_date === 'string' ? order.expected_delivery_date : null;
      const note = await stampedComment(WORK_ORDER, r.orderId, r.ref);
      if (!note)
        await addComment(
          WORK_ORDER,
          r.orderId,
          `Andon ${caseRefOf(r.ref.caseId)}: expected delivery date ${previous ?? 'unset'} → ${day} ${stampOf(r.ref)}`,
        );
      const updated =
        previous === day ? order : await api.update(WORK_ORDER, r.orderId, { expected_delivery_date: day });
      return toDocument(ctx, 'work_order_date_change', r.ref, WORK_ORDER, updated, 'completed', {
        previousDueDate: note ? (/date (\S+) →/.exec(String(note.content))?.[1] ?? null) : previous,
        newDueDate: day,
      });
    },

    async sendCustomerNotice(r) {
      const target = await noticeTarget(r.orderId);
      const stamp = stampOf(r.ref);
      const found = (
        await api.list('Communication', {
          fields: ['name', 'content', 'recipients', 'creation'],
          filters: [
            ['reference_doctype', '=', target.doctype],
            ['reference_name', '=', target.name],
            ['content', 'like', `%${stamp}%`],
          ],
          limit: 5,
        })
      ).find((c) => String(c.content).includes(stamp));
      let doc: FrappeDoc;
      let recipients = typeof found?.recipients === 'string' ? found.recipients : '';
      if (found) doc = { ...found, name: String(found.name) };
      else {
        recipients = target.email ?? '';
        const made = (await api.call('frappe.core.doctype.communication.email.make', {
          doctype: target.doctype,
          name: target.name,
          subject: `Order ${r.orderId}: new delivery date ${r.newDate}`,
          content: `<p>${escapeHtml(r.message)}</p><p style="color:#888">${stamp}</p>`,
          recipients,
          send_email: recipients ? 1 : 0,
          communication_medium: 'Email',
          sent_or_received: 'Sent',
        })) as { name?: unknown } | undefined;
        if (typeof made?.name !== 'string')
          throw new ErpError('ERPNext: email.make answered without a name', true);
        doc = { name: made.name };
      }
      return toDocument(
        ctx,
        'customer_notice',
        r.ref,
        'Communication',
        doc,
        recipients ? 'sent' : 'recorded',
        {
          orderId: r.orderId,
          reference: `${target.doctype} ${target.name}`,
          recipients: recipients || null,
          customer: target.customer ?? r.customer ?? null,
        },
      );
    },
  };

  /** The Sales Order behind the order (a Work Order's, or the order itself); else the Work Order. */
  async function noticeTarget(
    orderId: string,
  ): Promise<{ doctype: string; name: string; email?: string; customer?: string }> {
    const order = await api.get(WORK_ORDER, orderId);
    const soName = order
      ? typeof order.sales_order === 'string' && order.sales_order
        ? order.sales_order
        : null
      : orderId;
    const so = soName ? await api.get('Sales Order', soName) : null;
    if (so)
      return {
        doctype: 'Sales Order',
        name: so.name,
        ...(typeof so.contact_email === 'string' && so.contact_email ? { email: so.contact_email } : {}),
        ...(typeof so.customer === 'string' ? { customer: so.customer } : {}),
      };
    if (order) return { doctype: WORK_ORDER, name: order.name };
    throw new ErpError(`order ${orderId} is neither a Work Order nor a Sales Order in ERPNext`, false);
  }
}

/** A Frappe datetime moved by minutes (read and written as UTC: the shift is what matters). */
function shift(value: unknown, minutes: number): string {
  const base = dateTime(`${String(value).replace(' ', 'T').slice(0, 19)}Z`, 'planned date');
  return frappeDatetime(new Date(base.getTime() + minutes * 60_000));
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
