/**
 * A local fake of the ERPNext/Frappe REST API, written from its documentation and source
 * (https://docs.frappe.io/framework/user/en/api/rest, frappe/erpnext doctypes): token auth
 * (`Authorization: token key:secret`), `/api/resource/{DocType}` list (`fields`, `filters` as JSON,
 * `limit_page_length`, `order_by`), get, POST insert (submitted with `docstatus: 1`), PUT update
 * (only fields allowed on submit once submitted), whitelisted methods under `/api/method/`, answers
 * in `{"data"}`/`{"message"}`, errors with `exc_type` and `_server_messages` (417 validation, 404
 * missing, 401 auth). It keeps stock per warehouse (Bin) and per batch, and refuses what ERPNext
 * refuses for the doctypes Andon makes: unknown links, missing mandatory fields, negative stock.
 */
import { HttpFake, type FakeAnswer, type FakeRequest } from './http-fake.js';

type Doc = Record<string, unknown> & { name: string };
type Filter = [string, string, unknown] | [string, string, string, unknown];

export interface ErpnextSeed {
  company: string;
  warehouses: string[];
  items: string[];
  bins: Array<{ item_code: string; warehouse: string; actual_qty: number }>;
  batches: Array<{ name: string; item: string; stock: Record<string, number> }>;
  assets: Array<{ name: string; asset_name: string }>;
  workOrders: Array<Record<string, unknown> & { name: string }>;
  salesOrders: Array<{ name: string; customer: string; contact_email?: string }>;
}

/** Fields of Work Order ERPNext lets change after submit (`allow_on_submit`). */
const WORK_ORDER_ON_SUBMIT = [
  'planned_start_date',
  'planned_end_date',
  'expected_delivery_date',
  'actual_start_date',
  'actual_end_date',
  'sales_order',
];
/** Doctypes the Andon custom field (`andon_ref`) was added to. */
const STAMPED = ['Stock Entry', 'Material Request', 'Asset Repair'];
const SERIES: Record<string, string> = {
  'Stock Entry': 'MAT-STE-2026-',
  'Material Request': 'MAT-MR-2026-',
  'Asset Repair': 'ACC-ASR-2026-',
};

export const refused = (status: number, excType: string, message: string): FakeAnswer => ({
  status,
  body: {
    exc_type: excType,
    exception: `frappe.exceptions.${excType}: ${message}`,
    _server_messages: JSON.stringify([JSON.stringify({ message, indicator: 'red', raise_exception: 1 })]),
  },
});

/** A JSON value as text, as the server would print it. */
export const str = (v: unknown): string =>
  typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean'
      ? `${v}`
      : (JSON.stringify(v) ?? '');

class Refusal extends Error {
  constructor(readonly answer: FakeAnswer) {
    super(str((answer.body as { exception?: unknown }).exception));
  }
}
const fail = (status: number, excType: string, message: string): never => {
  throw new Refusal(refused(status, excType, message));
};

export class ErpnextFake extends HttpFake {
  readonly docs = new Map<string, Map<string, Doc>>();
  readonly bins = new Map<string, number>();
  readonly batchStock = new Map<string, number>();
  /** Communications sent by email (send_email=1). */
  readonly outbox: Doc[] = [];
  private seq = 0;

  constructor(
    readonly apiKey: string,
    readonly apiSecret: string,
    readonly seed: ErpnextSeed,
  ) {
    super();
    for (const b of seed.bins) this.bins.set(`${b.item_code}|${b.warehouse}`, b.actual_qty);
    for (const b of seed.batches) {
      this.table('Batch').set(b.name, { name: b.name, item: b.item });
      for (const [w, q] of Object.entries(b.stock)) this.batchStock.set(`${b.name}|${w}`, q);
    }
    for (const a of seed.assets) this.table('Asset').set(a.name, { ...a, company: seed.company });
    for (const w of seed.workOrders)
      this.table('Work Order').set(w.name, {
        doctype: 'Work Order',
        docstatus: 1,
        company: seed.company,
        ...w,
      });
    for (const s of seed.salesOrders) this.table('Sales Order').set(s.name, { docstatus: 1, ...s });
  }

  table(doctype: string): Map<string, Doc> {
    let t = this.docs.get(doctype);
    if (!t) this.docs.set(doctype, (t = new Map<string, Doc>()));
    return t;
  }

  /** Documents of a doctype, in creation order. */
  all(doctype: string): Doc[] {
    return [...this.table(doctype).values()];
  }

  protected handle(r: FakeRequest): FakeAnswer {
    if (r.headers.authorization !== `token ${this.apiKey}:${this.apiSecret}`)
      return refused(401, 'AuthenticationError', 'Invalid API key or secret');
    try {
      const method = /^\/api\/method\/(.+)$/.exec(r.path);
      if (method) return { status: 200, body: { message: this.method(method[1]!, r) } };
      const res = /^\/api\/resource\/([^/]+)(?:\/(.+))?$/.exec(r.path);
      if (!res) return refused(404, 'DoesNotExistError', `Page ${r.path} not found`);
      const [, doctype, name] = res as unknown as [string, string, string | undefined];
      if (r.method === 'GET' && name === undefined)
        return { status: 200, body: { data: this.list(doctype, r.query) } };
      if (r.method === 'GET') return { status: 200, body: { data: this.get(doctype, name!) } };
      if (r.method === 'POST' && name === undefined)
        return { status: 200, body: { data: this.insert(doctype, r.body as Record<string, unknown>) } };
      if (r.method === 'PUT' && name !== undefined)
        return { status: 200, body: { data: this.update(doctype, name, r.body as Record<string, unknown>) } };
      return refused(405, 'ValidationError', 'Method not allowed');
    } catch (err) {
      if (err instanceof Refusal) return err.answer;
      throw err;
    }
  }

  private get(doctype: string, name: string): Doc {
    return this.table(doctype).get(name) ?? fail(404, 'DoesNotExistError', `${doctype} ${name} not found`);
  }

  private rows(doctype: string): Doc[] {
    if (doctype === 'Bin')
      return [...this.bins].map(([k, qty]) => {
        const [item_code, warehouse] = k.split('|') as [string, string];
        return { name: k, item_code, warehouse, actual_qty: qty };
      });
    return this.all(doctype);
  }

  private list(doctype: string, q: URLSearchParams): Array<Record<string, unknown>> {
    const fields = JSON.parse(q.get('fields') ?? '["name"]') as string[];
    const filters = JSON.parse(q.get('filters') ?? '[]') as Filter[];
    if (!Array.isArray(fields) || !Array.isArray(filters))
      fail(417, 'ValidationError', 'fields and filters must be JSON lists');
    for (const f of filters)
      if (f.length === 3 && f[0] === 'andon_ref' && !STAMPED.includes(doctype))
        fail(
          417,
          'DataError',
          `Field not permitted in query: andon_ref (${doctype} has no custom field andon_ref)`,
        );
    let rows = this.rows(doctype).filter((d) => filters.every((f) => matches(d, f)));
    const order = /^(\w+) (asc|desc)$/.exec(q.get('order_by') ?? '');
    if (order) {
      const [, field, dir] = order as unknown as [string, string, string];
      rows = [...rows].sort((a, b) => (dir === 'asc' ? 1 : -1) * compare(a[field], b[field]));
    }
    const limit = Number(q.get('limit_page_length') ?? 20);
    return rows
      .slice(0, limit > 0 ? limit : undefined)
      .map((d) => Object.fromEntries(fields.map((f) => [f, d[f] ?? null])));
  }

  private nextName(doctype: string): string {
    this.seq += 1;
    return `${SERIES[doctype] ?? ''}${`${this.seq}`.padStart(5, '0')}`;
  }

  private insert(doctype: string, body: Record<string, unknown>): Doc {
    const doc: Doc = {
      ...body,
      name: this.nextName(doctype),
      doctype,
      creation: creation(this.seq),
      docstatus: 0,
    };
    if (doctype === 'Stock Entry') this.validateStockEntry(doc);
    else if (doctype === 'Material Request') this.validateMaterialRequest(doc);
    else if (doctype === 'Asset Repair') {
      if (!this.table('Asset').has(str(doc.asset)))
        fail(417, 'LinkValidationError', `Could not find Asset: ${str(doc.asset)}`);
      if (!doc.failure_date)
        fail(417, 'MandatoryError', 'Error: Value missing for Asset Repair: Failure Date');
      doc.repair_status = 'Pending';
    } else fail(403, 'PermissionError', `No permission to create ${doctype}`);
    if (!STAMPED.includes(doctype)) delete doc.andon_ref;
    if (Number(body.docstatus ?? 0) === 1) this.submit(doctype, doc);
    this.table(doctype).set(doc.name, doc);
    return doc;
  }

  private submit(doctype: string, doc: Doc): void {
    if (doctype === 'Asset Repair')
      fail(417, 'ValidationError', 'Repair status must be Completed before submitting');
    if (doctype === 'Stock Entry') this.applyStock(doc);
    doc.docstatus = 1;
    if (doctype === 'Material Request') doc.status = 'Pending';
  }

  private validateStockEntry(doc: Doc): void {
    const type = str(doc.stock_entry_type);
    if (!['Material Transfer', 'Material Issue', 'Material Receipt'].includes(type))
      fail(417, 'LinkValidationError', `Could not find Stock Entry Type: ${type}`);
    if (doc.purpose !== undefined && doc.purpose !== type)
      fail(417, 'ValidationError', `Purpose must be ${type}`);
    if (doc.company !== this.seed.company)
      fail(417, 'LinkValidationError', `Could not find Company: ${str(doc.company)}`);
    const items = doc.items as Array<Record<string, unknown>> | undefined;
    if (!Array.isArray(items) || items.length === 0)
      fail(417, 'MandatoryError', 'Error: Value missing for Stock Entry: Items');
    for (const [i, row] of items!.entries()) {
      const at = `Row #${i + 1}`;
      if (!this.seed.items.includes(str(row.item_code)))
        fail(417, 'LinkValidationError', `${at}: Could not find Item: ${str(row.item_code)}`);
      if (!(Number(row.qty) > 0)) fail(417, 'ValidationError', `${at}: Quantity must be greater than zero`);
      for (const key of ['s_warehouse', 't_warehouse'] as const)
        if (row[key] !== undefined && !this.seed.warehouses.includes(str(row[key])))
          fail(417, 'LinkValidationError', `${at}: Could not find Warehouse: ${str(row[key])}`);
      if (!row.s_warehouse && type !== 'Material Receipt')
        fail(417, 'ValidationError', `${at}: Source warehouse is mandatory`);
      if (!row.t_warehouse && type === 'Material Transfer')
        fail(417, 'ValidationError', `${at}: Target warehouse is mandatory`);
      if (row.s_warehouse && row.s_warehouse === row.t_warehouse)
        fail(417, 'ValidationError', `${at}: Source and target warehouse cannot be same`);
      if (row.batch_no !== undefined) {
        const batch = this.table('Batch').get(str(row.batch_no));
        if (!batch || batch.item !== row.item_code)
          fail(417, 'LinkValidationError', `${at}: Could not find Batch: ${str(row.batch_no)}`);
        if (row.use_serial_batch_fields !== 1)
          fail(
            417,
            'ValidationError',
            `${at}: Serial and Batch Bundle is mandatory for Item ${str(row.item_code)}`,
          );
      }
    }
  }

  private applyStock(doc: Doc): void {
    const items = doc.items as Array<Record<string, unknown>>;
    const change = (map: Map<string, number>, key: string, by: number): void =>
      void map.set(key, (map.get(key) ?? 0) + by);
    for (const row of items) {
      const qty = Number(row.qty);
      const from = row.s_warehouse as string | undefined;
      if (from) {
        const have = row.batch_no
          ? (this.batchStock.get(`${str(row.batch_no)}|${from}`) ?? 0)
          : (this.bins.get(`${str(row.item_code)}|${from}`) ?? 0);
        if (have < qty)
          fail(
            417,
            'NegativeStockError',
            `${qty - have} units of Item ${str(row.item_code)} needed in Warehouse ${from} to complete this transaction.`,
          );
      }
    }
    for (const row of items) {
      const qty = Number(row.qty);
      for (const [w, sign] of [
        [row.s_warehouse, -1],
        [row.t_warehouse, 1],
      ] as Array<[unknown, number]>) {
        if (!w) continue;
        change(this.bins, `${str(row.item_code)}|${str(w)}`, sign * qty);
        if (row.batch_no) change(this.batchStock, `${str(row.batch_no)}|${str(w)}`, sign * qty);
      }
    }
  }

  private validateMaterialRequest(doc: Doc): void {
    if (
      !['Purchase', 'Material Transfer', 'Material Issue', 'Manufacture', 'Customer Provided'].includes(
        str(doc.material_request_type),
      )
    )
      fail(417, 'ValidationError', 'Material Request Type is invalid');
    if (doc.company !== this.seed.company)
      fail(417, 'LinkValidationError', `Could not find Company: ${str(doc.company)}`);
    if (!doc.schedule_date)
      fail(417, 'MandatoryError', 'Error: Value missing for Material Request: Required By');
    const items = doc.items as Array<Record<string, unknown>> | undefined;
    if (!Array.isArray(items) || items.length === 0)
      fail(417, 'MandatoryError', 'Error: Value missing for Material Request: Items');
    for (const row of items!) {
      if (!this.seed.items.includes(str(row.item_code)))
        fail(417, 'LinkValidationError', `Could not find Item: ${str(row.item_code)}`);
      if (!row.warehouse || !this.seed.warehouses.includes(str(row.warehouse)))
        fail(417, 'LinkValidationError', `Could not find Warehouse: ${str(row.warehouse)}`);
      if (!row.schedule_date || !row.uom || !(Number(row.qty) > 0))
        fail(
          417,
          'MandatoryError',
          'Error: Value missing for Material Request Item: Required By, UOM or Quantity',
        );
    }
  }

  private update(doctype: string, name: string, patch: Record<string, unknown>): Doc {
    const doc = this.get(doctype, name);
    if (doctype !== 'Work Order') fail(403, 'PermissionError', `No permission to write ${doctype}`);
    if (Number(doc.docstatus) === 1)
      for (const field of Object.keys(patch))
        if (!WORK_ORDER_ON_SUBMIT.includes(field))
          fail(417, 'UpdateAfterSubmitError', `Not allowed to change ${field} after submission`);
    Object.assign(doc, patch);
    return doc;
  }

  private method(path: string, r: FakeRequest): unknown {
    const args = (r.method === 'GET' ? Object.fromEntries(r.query) : (r.body ?? {})) as Record<
      string,
      unknown
    >;
    switch (path) {
      case 'frappe.auth.get_logged_user':
        return 'andon-integration@plant.example';
      case 'erpnext.stock.doctype.batch.batch.get_batch_qty': {
        const batch = str(args.batch_no);
        return [...this.batchStock]
          .filter(([k, q]) => k.startsWith(`${batch}|`) && q !== 0)
          .map(([k, qty]) => ({ warehouse: k.slice(batch.length + 1), qty }));
      }
      case 'frappe.desk.form.utils.add_comment': {
        this.get(str(args.reference_doctype), str(args.reference_name));
        this.seq += 1;
        const c: Doc = {
          name: `cmt${this.seq}`,
          comment_type: 'Comment',
          reference_doctype: args.reference_doctype,
          reference_name: args.reference_name,
          content: args.content,
          comment_by: args.comment_by,
          creation: creation(this.seq),
        };
        this.table('Comment').set(c.name, c);
        return c;
      }
      case 'frappe.core.doctype.communication.email.make': {
        this.get(str(args.doctype), str(args.name));
        this.seq += 1;
        const c: Doc = {
          name: `comm${this.seq}`,
          communication_type: 'Communication',
          communication_medium: args.communication_medium,
          sent_or_received: args.sent_or_received,
          subject: args.subject,
          content: args.content,
          recipients: args.recipients,
          reference_doctype: args.doctype,
          reference_name: args.name,
          creation: creation(this.seq),
        };
        this.table('Communication').set(c.name, c);
        if (Number(args.send_email) === 1 && args.recipients) this.outbox.push(c);
        return { name: c.name, emails_not_sent_to: '' };
      }
      case 'frappe.client.submit': {
        const given = args.doc as Doc;
        const doc = this.get(str(given.doctype ?? 'Stock Entry'), given.name);
        this.submit(str(given.doctype ?? 'Stock Entry'), doc);
        return doc;
      }
      default:
        return fail(404, 'DoesNotExistError', `Method ${path} not found`);
    }
  }
}

const creation = (seq: number): string =>
  `2026-12-06 10:00:${`${seq % 60}`.padStart(2, '0')}.${`${seq}`.padStart(6, '0')}`;

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return str(a ?? '').localeCompare(str(b ?? ''));
}

function like(value: unknown, pattern: string): boolean {
  const re = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${re}$`, 'is').test(str(value ?? ''));
}

function matches(doc: Record<string, unknown>, f: Filter): boolean {
  if (f.length === 4) {
    const [child, field, op, value] = f;
    if (child !== 'Work Order Operation') return false;
    const rows = (doc.operations as Array<Record<string, unknown>> | undefined) ?? [];
    return rows.some((row) => matches(row, [field, op, value]));
  }
  const [field, op, value] = f;
  const v = doc[field];
  switch (op) {
    case '=':
      return v === value;
    case '!=':
      return v !== value;
    case '>':
      return compare(v, value) > 0;
    case '<':
      return compare(v, value) < 0;
    case 'in':
      return (value as unknown[]).includes(v);
    case 'not in':
      return !(value as unknown[]).includes(v);
    case 'like':
      return like(v, str(value));
    default:
      throw new Refusal(
        refused(417, 'ValidationError', `Operator must be one of =, !=, >, <, in, not in, like: ${op}`),
      );
  }
}
