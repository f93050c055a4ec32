/**
 * A local fake of Odoo's external APIs, written from their documentation: JSON-2
 * (`POST /json/2/<model>/<method>`, `Authorization: bearer <key>`, `X-Odoo-Database`, named
 * arguments; errors as `{name, message, arguments, context, debug}` with a 4xx/5xx status) and
 * JSON-RPC (`POST /jsonrpc`, `common.authenticate` then `object.execute_kw`; errors as HTTP 200
 * with `error.data.name`). Behind both, a small ORM of the models Andon uses: `search_read` with
 * dotted domains, `create` (`vals_list`, x2many commands), `write`, and the business methods —
 * `action_confirm`/`button_validate` of pickings (refusing unpicked moves and lots without a
 * move line, moving quants), `action_validate` of scraps, `message_post`. Unknown fields are
 * refused as Odoo does (`ValueError: Invalid field`).
 */
import { str } from './erpnext.js';
import { HttpFake, type FakeAnswer, type FakeRequest } from './http-fake.js';

export type Rec = Record<string, unknown> & { id: number };
/** `m2o:<model>`, `o2m:<model>:<inverse>`, `m2m:<model>` or a plain type. */
type Field = string;

const MODELS: Record<string, Record<string, Field>> = {
  'res.company': { name: 'char' },
  'res.partner': { name: 'char', email: 'char' },
  'stock.warehouse': { name: 'char' },
  'stock.location': {
    name: 'char',
    complete_name: 'char',
    usage: 'char',
    warehouse_id: 'm2o:stock.warehouse',
  },
  'stock.picking.type': { name: 'char', code: 'char', company_id: 'm2o:res.company', sequence: 'int' },
  'product.template': { name: 'char' },
  'product.product': {
    name: 'char',
    default_code: 'char',
    product_tmpl_id: 'm2o:product.template',
    tracking: 'char',
  },
  'product.supplierinfo': {
    product_tmpl_id: 'm2o:product.template',
    partner_id: 'm2o:res.partner',
    sequence: 'int',
  },
  'stock.lot': { name: 'char', product_id: 'm2o:product.product' },
  'stock.quant': {
    product_id: 'm2o:product.product',
    location_id: 'm2o:stock.location',
    lot_id: 'm2o:stock.lot',
    quantity: 'float',
    reserved_quantity: 'float',
    warehouse_id: 'm2o:stock.warehouse',
  },
  'stock.picking': {
    name: 'char',
    picking_type_id: 'm2o:stock.picking.type',
    location_id: 'm2o:stock.location',
    location_dest_id: 'm2o:stock.location',
    origin: 'char',
    state: 'char',
    partner_id: 'm2o:res.partner',
    company_id: 'm2o:res.company',
    move_ids: 'o2m:stock.move:picking_id',
    create_date: 'char',
  },
  'stock.move': {
    name: 'char',
    picking_id: 'm2o:stock.picking',
    product_id: 'm2o:product.product',
    product_uom_qty: 'float',
    quantity: 'float',
    picked: 'bool',
    location_id: 'm2o:stock.location',
    location_dest_id: 'm2o:stock.location',
    restrict_lot_id: 'm2o:stock.lot',
    move_line_ids: 'o2m:stock.move.line:move_id',
    state: 'char',
  },
  'stock.move.line': {
    move_id: 'm2o:stock.move',
    product_id: 'm2o:product.product',
    lot_id: 'm2o:stock.lot',
    quantity: 'float',
    location_id: 'm2o:stock.location',
    location_dest_id: 'm2o:stock.location',
    picked: 'bool',
  },
  'stock.scrap': {
    name: 'char',
    product_id: 'm2o:product.product',
    lot_id: 'm2o:stock.lot',
    scrap_qty: 'float',
    location_id: 'm2o:stock.location',
    origin: 'char',
    state: 'char',
    company_id: 'm2o:res.company',
    create_date: 'char',
  },
  'purchase.order': {
    name: 'char',
    partner_id: 'm2o:res.partner',
    origin: 'char',
    state: 'char',
    company_id: 'm2o:res.company',
    date_planned: 'char',
    order_line: 'o2m:purchase.order.line:order_id',
    create_date: 'char',
  },
  'purchase.order.line': {
    order_id: 'm2o:purchase.order',
    product_id: 'm2o:product.product',
    product_qty: 'float',
    date_planned: 'char',
  },
  'maintenance.equipment': { name: 'char', serial_no: 'char' },
  'maintenance.team': { name: 'char' },
  'maintenance.request': {
    name: 'char',
    equipment_id: 'm2o:maintenance.equipment',
    maintenance_team_id: 'm2o:maintenance.team',
    maintenance_type: 'char',
    request_date: 'char',
    description: 'html',
    company_id: 'm2o:res.company',
    create_date: 'char',
  },
  'mrp.workcenter': { name: 'char' },
  'mrp.production': {
    name: 'char',
    state: 'char',
    date_start: 'char',
    date_finished: 'char',
    date_deadline: 'char',
    origin: 'char',
    workorder_ids: 'o2m:mrp.workorder:production_id',
    create_date: 'char',
  },
  'mrp.workorder': { name: 'char', production_id: 'm2o:mrp.production', workcenter_id: 'm2o:mrp.workcenter' },
  'sale.order': { name: 'char', partner_id: 'm2o:res.partner' },
  'mail.message': {
    model: 'char',
    res_id: 'int',
    body: 'html',
    message_type: 'char',
    subtype_xmlid: 'char',
    partner_ids: 'm2m:res.partner',
    date: 'char',
  },
};
const SEQUENCES: Record<string, string> = {
  'stock.picking': 'WH/INT/',
  'purchase.order': 'P',
  'stock.scrap': 'SP/',
};

class OdooException extends Error {
  constructor(
    readonly exception: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
const userError = (m: string): never => {
  throw new OdooException('odoo.exceptions.UserError', m, 422);
};

export class OdooFake extends HttpFake {
  readonly tables = new Map<string, Map<number, Rec>>();
  /** Messages posted to partners (`mail.mt_comment` with `partner_ids`): e-mails Odoo sends. */
  readonly outbox: Rec[] = [];
  private nextId = 100;
  private uid = 7;

  constructor(readonly o: { db: string; apiKey: string; login: string; password: string }) {
    super();
  }

  table(model: string): Map<number, Rec> {
    let t = this.tables.get(model);
    if (!t) this.tables.set(model, (t = new Map<number, Rec>()));
    return t;
  }

  all(model: string): Rec[] {
    return [...this.table(model).values()];
  }

  /** Seeds a record as it is (no validation); returns its id. */
  seed(model: string, vals: Record<string, unknown>): number {
    const id = ++this.nextId;
    this.table(model).set(id, { ...vals, id });
    return id;
  }

  quantAt(productId: number, locationId: number, lotId: number | null = null): number {
    return this.all('stock.quant')
      .filter(
        (q) =>
          q.product_id === productId &&
          q.location_id === locationId &&
          (lotId === null || q.lot_id === lotId),
      )
      .reduce((s, q) => s + Number(q.quantity), 0);
  }

  protected handle(r: FakeRequest): FakeAnswer {
    const json2 = /^\/json\/2\/([\w.]+)\/(\w+)$/.exec(r.path);
    if (json2 && r.method === 'POST') return this.json2(json2[1]!, json2[2]!, r);
    if (r.path === '/jsonrpc' && r.method === 'POST') return this.jsonrpc(r);
    return {
      status: 404,
      body: {
        name: 'werkzeug.exceptions.NotFound',
        message: 'Not Found',
        arguments: [],
        context: {},
        debug: '',
      },
    };
  }

  private json2(model: string, method: string, r: FakeRequest): FakeAnswer {
    const error = (e: OdooException): FakeAnswer => ({
      status: e.status,
      body: {
        name: e.exception,
        message: e.message,
        arguments: [e.message],
        context: {},
        debug: `Traceback…\n${e.exception}: ${e.message}`,
      },
    });
    if (r.headers.authorization?.replace(/^bearer /i, 'bearer ') !== `bearer ${this.o.apiKey}`)
      return error(new OdooException('werkzeug.exceptions.Unauthorized', 'Invalid apikey', 401));
    if (r.headers['x-odoo-database'] !== this.o.db)
      return error(new OdooException('werkzeug.exceptions.NotFound', 'database not found', 404));
    const { ids, context, ...params } = (r.body ?? {}) as {
      ids?: number[];
      context?: Record<string, unknown>;
    } & Record<string, unknown>;
    try {
      return { status: 200, body: this.execute(model, method, ids ?? [], params, context ?? {}) };
    } catch (err) {
      if (err instanceof OdooException) return error(err);
      throw err;
    }
  }

  private jsonrpc(r: FakeRequest): FakeAnswer {
    const req = r.body as {
      jsonrpc?: string;
      method?: string;
      id?: unknown;
      params?: { service?: string; method?: string; args?: unknown[] };
    };
    const fail = (e: OdooException): FakeAnswer => ({
      status: 200,
      body: {
        jsonrpc: '2.0',
        id: req.id ?? null,
        error: {
          code: 200,
          message: 'Odoo Server Error',
          data: {
            name: e.exception,
            debug: 'Traceback…',
            message: e.message,
            arguments: [e.message],
            context: {},
          },
        },
      },
    });
    const ok = (result: unknown): FakeAnswer => ({
      status: 200,
      body: { jsonrpc: '2.0', id: req.id ?? null, result },
    });
    if (req.jsonrpc !== '2.0' || req.method !== 'call')
      return fail(new OdooException('werkzeug.exceptions.BadRequest', 'not a JSON-RPC 2.0 call', 400));
    const { service, method, args = [] } = req.params ?? {};
    try {
      if (service === 'common' && method === 'authenticate') {
        const [db, login, password] = args as [string, string, string];
        return ok(
          db === this.o.db && login === this.o.login && password === this.o.password ? this.uid : false,
        );
      }
      if (service === 'object' && method === 'execute_kw') {
        const [db, uid, password, model, fn, positional = [], kwargs = {}] = args as [
          string,
          number,
          string,
          string,
          string,
          unknown[],
          Record<string, unknown>,
        ];
        if (db !== this.o.db || uid !== this.uid || password !== this.o.password)
          throw new OdooException('odoo.exceptions.AccessDenied', 'Access Denied', 403);
        const { context, ...params } = kwargs as { context?: Record<string, unknown> } & Record<
          string,
          unknown
        >;
        const ids = Array.isArray(positional[0]) ? (positional[0] as number[]) : [];
        return ok(this.execute(model, fn, ids, params, context ?? {}));
      }
      throw new OdooException(
        'werkzeug.exceptions.NotFound',
        `no service ${str(service)}.${str(method)}`,
        404,
      );
    } catch (err) {
      if (err instanceof OdooException) return fail(err);
      throw err;
    }
  }

  private execute(
    model: string,
    method: string,
    ids: number[],
    params: Record<string, unknown>,
    context: Record<string, unknown>,
  ): unknown {
    const def = MODELS[model];
    if (!def) throw new OdooException('builtins.KeyError', `Model not found: ${model}`, 404);
    const records = ids.map((id) => this.table(model).get(id) ?? this.missing(model, id));
    switch (method) {
      case 'search_read': {
        const domain = (params.domain ?? []) as unknown[];
        const fields = (params.fields ?? Object.keys(def)) as string[];
        for (const f of fields)
          if (f !== 'id' && !(f in def))
            throw new OdooException('builtins.ValueError', `Invalid field '${f}' on model '${model}'`, 422);
        let rows = this.all(model).filter((rec) => domain.every((leaf) => this.leaf(model, rec, leaf)));
        const order = /^(\w+)(?: (asc|desc))?/.exec(str(params.order ?? ''));
        if (order)
          rows = [...rows].sort((a, b) => (order[2] === 'desc' ? -1 : 1) * cmp(a[order[1]!], b[order[1]!]));
        if (typeof params.limit === 'number') rows = rows.slice(0, params.limit);
        return rows.map((rec) =>
          Object.fromEntries(['id', ...fields].map((f) => [f, this.output(model, rec, f)])),
        );
      }
      case 'create':
        return ((params.vals_list ?? []) as Array<Record<string, unknown>>).map((vals) =>
          this.create(model, vals),
        );
      case 'write':
        for (const rec of records) this.assign(model, rec, params.vals as Record<string, unknown>);
        return true;
      case 'message_post':
        return records.map((rec) => this.messagePost(model, rec, params))[0];
      case 'action_confirm':
        if (model !== 'stock.picking') break;
        for (const p of records) this.confirm(p);
        return true;
      case 'button_validate':
        if (model !== 'stock.picking') break;
        for (const p of records) {
          const wizard = this.validate(p, context);
          if (wizard) return wizard;
        }
        return true;
      case 'action_validate':
        if (model !== 'stock.scrap') break;
        for (const s of records) this.scrap(s);
        return true;
    }
    throw new OdooException(
      'builtins.AttributeError',
      `The method '${method}' does not exist on the model '${model}'`,
      404,
    );
  }

  private missing(model: string, id: number): never {
    throw new OdooException(
      'odoo.exceptions.MissingError',
      `Record does not exist or has been deleted. (Record: ${model}(${id},))`,
      404,
    );
  }

  private create(model: string, vals: Record<string, unknown>): number {
    const id = ++this.nextId;
    const rec: Rec = { id, create_date: odooTime(id) };
    if (model in SEQUENCES && !vals.name) rec.name = `${SEQUENCES[model]}${`${id}`.padStart(5, '0')}`;
    if (
      model === 'stock.picking' ||
      model === 'stock.scrap' ||
      model === 'purchase.order' ||
      model === 'stock.move'
    )
      rec.state = 'draft';
    this.table(model).set(id, rec);
    try {
      this.assign(model, rec, vals);
    } catch (err) {
      this.table(model).delete(id);
      throw err;
    }
    return id;
  }

  private assign(model: string, rec: Rec, vals: Record<string, unknown>): void {
    const def = MODELS[model]!;
    for (const [field, value] of Object.entries(vals)) {
      const type = def[field];
      if (!type)
        throw new OdooException('builtins.ValueError', `Invalid field '${field}' on model '${model}'`, 422);
      if (type.startsWith('o2m:')) {
        const [, child, inverse] = type.split(':') as [string, string, string];
        for (const cmd of value as unknown[][]) {
          if (cmd[0] === 0) this.create(child, { ...(cmd[2] as Record<string, unknown>), [inverse]: rec.id });
          else if (cmd[0] === 5)
            for (const c of this.all(child).filter((x) => x[inverse] === rec.id))
              this.table(child).delete(c.id);
          else throw new OdooException('builtins.ValueError', `unsupported command ${str(cmd[0])}`, 422);
        }
      } else if (type.startsWith('m2o:')) {
        const target = type.slice(4);
        if (value !== false && value !== null && !this.table(target).has(Number(value)))
          this.missing(target, Number(value));
        rec[field] = value === false || value === null ? null : Number(value);
      } else rec[field] = value;
    }
  }

  private output(model: string, rec: Rec, field: string): unknown {
    // stock.quant.warehouse_id is related to location_id.warehouse_id
    if (model === 'stock.quant' && field === 'warehouse_id')
      return this.output(
        'stock.location',
        this.table('stock.location').get(Number(rec.location_id))!,
        'warehouse_id',
      );
    const type = MODELS[model]![field] ?? 'char';
    const v = rec[field];
    if (type.startsWith('m2o:')) {
      if (v === undefined || v === null) return false;
      const target = this.table(type.slice(4)).get(Number(v));
      return [Number(v), str(target?.complete_name ?? target?.name ?? `${type.slice(4)},${str(v)}`)];
    }
    if (type.startsWith('o2m:')) {
      const [, child, inverse] = type.split(':') as [string, string, string];
      return this.all(child)
        .filter((c) => c[inverse] === rec.id)
        .map((c) => c.id);
    }
    return v ?? false;
  }

  /** The values at a dotted path (`location_id.usage`, `workorder_ids.workcenter_id.name`). */
  private values(model: string, rec: Rec, path: string[]): unknown[] {
    const [head, ...rest] = path as [string, ...string[]];
    const type = MODELS[model]![head] ?? (head === 'id' ? 'int' : undefined);
    if (!type)
      throw new OdooException('builtins.ValueError', `Invalid field '${head}' on model '${model}'`, 422);
    if (rest.length === 0)
      return type.startsWith('o2m:') ? (this.output(model, rec, head) as unknown[]) : [rec[head] ?? false];
    const target = type.split(':')[1]!;
    const linked = type.startsWith('o2m:')
      ? (this.output(model, rec, head) as number[])
      : rec[head]
        ? [Number(rec[head])]
        : [];
    return linked.flatMap((id) => {
      const r = this.table(target).get(id);
      return r ? this.values(target, r, rest) : [];
    });
  }

  private leaf(model: string, rec: Rec, leaf: unknown): boolean {
    if (!Array.isArray(leaf) || leaf.length !== 3)
      throw new OdooException('builtins.ValueError', `Invalid leaf ${JSON.stringify(leaf)}`, 422);
    const [path, op, value] = leaf as [string, string, unknown];
    const vals = this.values(model, rec, path.split('.'));
    const test = (v: unknown): boolean => {
      switch (op) {
        case '=':
          return v === value || (value === false && (v === null || v === false));
        case '!=':
          return v !== value;
        case '>':
          return cmp(v, value) > 0;
        case '<':
          return cmp(v, value) < 0;
        case 'in':
          return (value as unknown[]).includes(v);
        case 'not in':
          return !(value as unknown[]).includes(v);
        case 'ilike':
          return str(v).toLowerCase().includes(str(value).replace(/%/g, '').toLowerCase());
        default:
          throw new OdooException('builtins.ValueError', `Invalid operator ${op}`, 422);
      }
    };
    return op === 'not in' || op === '!=' ? vals.every(test) : vals.some(test);
  }

  private movesOf(picking: Rec): Rec[] {
    return this.all('stock.move').filter((m) => m.picking_id === picking.id);
  }

  private confirm(p: Rec): void {
    if (p.state !== 'draft') return;
    if (this.movesOf(p).length === 0) userError('Please add some items to move.');
    for (const m of this.movesOf(p)) m.state = 'confirmed';
    p.state = 'confirmed';
  }

  private validate(p: Rec, context: Record<string, unknown>): Record<string, unknown> | null {
    if (p.state === 'done') userError(`${str(p.name)}: this transfer is already done`);
    if (p.state === 'draft') this.confirm(p);
    const moves = this.movesOf(p);
    for (const m of moves) {
      const product = this.table('product.product').get(Number(m.product_id))!;
      const lines = this.all('stock.move.line').filter((l) => l.move_id === m.id);
      const picked =
        lines.length > 0 ? lines.reduce((s, l) => s + Number(l.quantity), 0) : Number(m.quantity ?? 0);
      if (!m.picked || picked <= 0)
        userError('You cannot validate a transfer if no quantities are reserved nor done.');
      if (product.tracking === 'lot' && lines.some((l) => !l.lot_id))
        userError(`You need to supply a Lot/Serial number for product: ${str(product.name)}`);
      if (product.tracking === 'lot' && lines.length === 0)
        userError(`You need to supply a Lot/Serial number for product: ${str(product.name)}`);
      if (picked < Number(m.product_uom_qty) && !context.skip_backorder)
        return {
          type: 'ir.actions.act_window',
          res_model: 'stock.backorder.confirmation',
          name: 'Create Backorder?',
        };
    }
    for (const m of moves) {
      const lines = this.all('stock.move.line').filter((l) => l.move_id === m.id);
      const parts =
        lines.length > 0
          ? lines.map((l) => ({ qty: Number(l.quantity), lot: (l.lot_id as number | null) ?? null }))
          : [{ qty: Number(m.quantity), lot: null }];
      for (const part of parts) {
        this.addQuant(Number(m.product_id), Number(m.location_id), part.lot, -part.qty);
        this.addQuant(Number(m.product_id), Number(m.location_dest_id), part.lot, part.qty);
      }
      m.state = 'done';
    }
    p.state = 'done';
    return null;
  }

  private scrap(s: Rec): void {
    if (s.state === 'done') return;
    const scrapLocation = this.all('stock.location').find((l) => l.usage === 'inventory')!;
    this.addQuant(
      Number(s.product_id),
      Number(s.location_id),
      (s.lot_id as number | null) ?? null,
      -Number(s.scrap_qty),
    );
    this.addQuant(
      Number(s.product_id),
      scrapLocation.id,
      (s.lot_id as number | null) ?? null,
      Number(s.scrap_qty),
    );
    s.state = 'done';
  }

  addQuant(productId: number, locationId: number, lotId: number | null, qty: number): void {
    const quant = this.all('stock.quant').find(
      (q) => q.product_id === productId && q.location_id === locationId && (q.lot_id ?? null) === lotId,
    );
    if (quant) quant.quantity = Number(quant.quantity) + qty;
    else
      this.seed('stock.quant', {
        product_id: productId,
        location_id: locationId,
        lot_id: lotId,
        quantity: qty,
        reserved_quantity: 0,
      });
  }

  private messagePost(model: string, rec: Rec, params: Record<string, unknown>): number {
    for (const key of Object.keys(params))
      if (!['body', 'message_type', 'subtype_xmlid', 'partner_ids', 'subject'].includes(key))
        throw new OdooException(
          'builtins.TypeError',
          `message_post() got an unexpected keyword argument '${key}'`,
          422,
        );
    const id = this.create('mail.message', {
      model,
      res_id: rec.id,
      body: params.body,
      message_type: params.message_type ?? 'notification',
      subtype_xmlid: params.subtype_xmlid ?? 'mail.mt_note',
      date: odooTime(this.nextId + 1),
    });
    const message = this.table('mail.message').get(id)!;
    message.partner_ids = params.partner_ids ?? [];
    if (
      params.subtype_xmlid === 'mail.mt_comment' &&
      Array.isArray(params.partner_ids) &&
      params.partner_ids.length > 0
    )
      this.outbox.push(message);
    return id;
  }
}

function cmp(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return str(a ?? '').localeCompare(str(b ?? ''));
}

/** A creation time that grows with the record id, in Odoo's `YYYY-MM-DD HH:MM:SS` (UTC). */
const odooTime = (id: number): string =>
  new Date(Date.UTC(2026, 11, 6, 10) + id * 1000).toISOString().slice(0, 19).replace('T', ' ');
