/**
 * The generic REST adapter's mapping file (`ANDON_ERP_REST_CONFIG`, JSON): for each operation a
 * method, a URL template, headers and a JSON body template, and where the document number (and
 * status) is in the answer. Templates name the operation's fields as `{{itemCode}}` — a string
 * that is exactly one placeholder keeps the value's type — plus `{{stamp}}`, `{{caseRef}}`,
 * `{{stepKey}}`; headers take secrets from the environment as `${NAME}`, resolved at start-up.
 * Exactly once: every create operation has a `find` request that looks for the stamp first, or
 * names the header carrying an idempotency key the remote system honours.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ErpConfigError } from '../config-error.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH'] as const;

const request = z.object({
  method: z.enum(METHODS).default('POST'),
  /** Relative to `baseUrl`, or absolute. */
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.json().optional(),
});

const createOperation = request.extend({
  /** Dot path of the document number in the answer, e.g. `data.name` or `items.0.number`. */
  docId: z.string().min(1, 'name the path of the document number in the answer'),
  status: z.string().optional(),
  /** Looks for the stamp before creating; an answer with a document number at `docId` is the document. */
  find: request
    .extend({
      method: z.enum(METHODS).default('GET'),
      docId: z.string().min(1),
      status: z.string().optional(),
    })
    .optional(),
  /** Or: the header that carries `{{stepKey}}` as an idempotency key the remote system honours. */
  idempotencyHeader: z.string().min(1).optional(),
});

export const CREATE_OPERATIONS = [
  'createStockTransfer',
  'createMaterialRequest',
  'placeQualityHold',
  'executeDisposition',
  'createMaintenanceRequest',
  'rescheduleWorkOrders',
  'updateWorkOrderDates',
  'sendCustomerNotice',
] as const;
export type CreateOperation = (typeof CREATE_OPERATIONS)[number];

const schema = z.object({
  baseUrl: z.url('must be an http(s) URL'),
  headers: z.record(z.string(), z.string()).default({}),
  /** Link to a document in the remote UI, e.g. `https://wms.example/docs/{{docId}}`. */
  documentUrl: z.string().optional(),
  health: request.extend({ method: z.enum(METHODS).default('GET') }).optional(),
  stockElsewhere: request
    .extend({
      method: z.enum(METHODS).default('GET'),
      /** Dot path of the list of levels; each has the fields named in `fields`. */
      levels: z.string().default(''),
      fields: z
        .object({ warehouse: z.string(), location: z.string(), qty: z.string() })
        .default({ warehouse: 'warehouse', location: 'location', qty: 'qty' }),
    })
    .optional(),
  operations: z.partialRecord(z.enum(CREATE_OPERATIONS), createOperation),
});
export type RestConfig = z.infer<typeof schema>;
export type RestCreateOperation = z.infer<typeof createOperation>;
export type RestRequest = z.infer<typeof request>;

/** Reads, validates and resolves `${ENV}` references; an ErpConfigError names each problem. */
export function loadRestConfig(file: string, env: NodeJS.ProcessEnv = process.env): RestConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ErpConfigError([`ANDON_ERP_REST_CONFIG (${file}): ${(err as Error).message}`]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new ErpConfigError(
      parsed.error.issues.map((i) => `ANDON_ERP_REST_CONFIG: ${i.path.map(String).join('.')}: ${i.message}`),
    );
  const config = parsed.data;
  const problems: string[] = [];
  for (const [op, o] of Object.entries(config.operations)) {
    if (o && !o.find && !o.idempotencyHeader)
      problems.push(
        `ANDON_ERP_REST_CONFIG: operations.${op}: add "find" (a search for {{stamp}}) or "idempotencyHeader", so a retry never makes a second document`,
      );
  }
  const resolve = (headers: Record<string, string>, where: string): Record<string, string> =>
    Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [
        k,
        v.replace(/\$\{([A-Z0-9_]+)\}/g, (_m, name: string) => {
          const value = env[name];
          if (value === undefined || value === '')
            problems.push(`${name}: missing: used by header ${k} of ${where} in ANDON_ERP_REST_CONFIG`);
          return value ?? '';
        }),
      ]),
    );
  config.headers = resolve(config.headers, 'the file');
  for (const [op, o] of Object.entries(config.operations)) {
    if (!o) continue;
    o.headers = resolve(o.headers, `operations.${op}`);
    if (o.find) o.find.headers = resolve(o.find.headers, `operations.${op}.find`);
  }
  if (config.stockElsewhere)
    config.stockElsewhere.headers = resolve(config.stockElsewhere.headers, 'stockElsewhere');
  if (config.health) config.health.headers = resolve(config.health.headers, 'health');
  if (problems.length > 0) throw new ErpConfigError(problems);
  return config;
}

/** Fills `{{name}}` placeholders: a string that is one placeholder takes the value as it is. */
export function fill(
  template: unknown,
  vars: Record<string, unknown>,
  encode?: (s: string) => string,
): unknown {
  if (typeof template === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(template);
    if (whole && !encode) return vars[whole[1]!] ?? null;
    return template.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
      const v = vars[name];
      const s = v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v);
      return encode ? encode(s) : s;
    });
  }
  if (Array.isArray(template)) return template.map((t) => fill(t, vars, encode));
  if (template && typeof template === 'object')
    return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fill(v, vars, encode)]));
  return template;
}

/** The value at a dot path (`data.items.0.name`); the whole value for an empty path. */
export function at(value: unknown, path: string): unknown {
  if (!path) return value;
  let cur: unknown = value;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
