/**
 * Which ERP Andon drives and how, from the environment (secrets only there) and the plant's
 * mapping file (`ANDON_ERP_CONFIG`, JSON). Validated once at start-up: a missing setting or
 * mapping refuses to start with a message naming it, instead of failing a case in the night.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Config } from '../../lib/config.js';
import { ErpConfigError } from './config-error.js';
import { loadRestConfig, type RestConfig } from './rest/config.js';

export { ErpConfigError } from './config-error.js';

export const ERP_KINDS = ['simulator', 'erpnext', 'odoo', 'rest'] as const;
export type ErpKind = (typeof ERP_KINDS)[number];

/** A mapping value: non-empty text; its message says what the mapping is for when it is missing. */
const mapped = (what: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `missing: ${what}` : `must be text (${what})`) })
    .trim()
    .min(1, `must not be empty (${what})`);

const plantSchema = z.object({
  company: mapped('the company documents are made for (ERPNext Company name, Odoo res.company name)'),
  locations: z.record(z.string().min(1), mapped('ERP warehouse (ERPNext) or location (Odoo)'), {
    error: (i) =>
      i.input === undefined
        ? 'missing: the line-side locations Andon names, e.g. {"LINE-L1": "Line L1 - ADC"}'
        : 'must map Andon location names to ERP warehouses/locations',
  }),
  quarantine: mapped('where a quality hold moves a lot (warehouse or location)'),
  rework: mapped('where a lot goes for rework'),
  release: mapped('where a lot used under concession is released to'),
  supplierReturns: mapped('where a lot returned to its supplier goes').optional(),
  receiving: mapped('the warehouse purchased material is requested into (ERPNext)').optional(),
  lines: z.record(
    z.string().min(1),
    z.object({
      workCenters: z
        .array(mapped('work center'))
        .min(1, 'name at least one work center (ERPNext Workstation, Odoo mrp.workcenter)'),
    }),
    {
      error: (i) =>
        i.input === undefined
          ? 'missing: the work centers of each line, e.g. {"L1": {"workCenters": ["PRESS-3"]}}'
          : 'must map lines to {"workCenters": [...]}',
    },
  ),
  equipmentIdField: mapped(
    'the field of the ERPNext Asset / Odoo maintenance.equipment that holds the MES equipment id',
  ),
  maintenanceTeam: mapped('the Odoo maintenance team requests go to').optional(),
  maintenanceDoctype: mapped('ERPNext maintenance doctype').default('Asset Repair'),
  stampField: mapped('ERPNext custom field holding the Andon stamp').default('andon_ref'),
  /** Base address of the ERP's web UI for links, when it differs from the API address. */
  uiUrl: z.url('must be an http(s) URL').optional(),
});
export type PlantMapping = z.infer<typeof plantSchema>;

export interface ErpnextSettings {
  kind: 'erpnext';
  url: string;
  apiKey: string;
  apiSecret: string;
  plant: PlantMapping;
  timeoutMs: number;
}
export interface OdooSettings {
  kind: 'odoo';
  url: string;
  db: string;
  protocol: 'json2' | 'jsonrpc';
  apiKey?: string;
  user?: string;
  password?: string;
  plant: PlantMapping;
  timeoutMs: number;
}
export interface RestSettings {
  kind: 'rest';
  configFile: string;
  config: RestConfig;
  timeoutMs: number;
}
export type ErpSettings = { kind: 'simulator' } | ErpnextSettings | OdooSettings | RestSettings;

/** The environment variables this module reads (all in lib/config.ts). */
export type ErpEnv = Pick<
  Config,
  | 'ANDON_ERP'
  | 'ANDON_ERP_CONFIG'
  | 'ANDON_ERP_TIMEOUT_MS'
  | 'ERPNEXT_URL'
  | 'ERPNEXT_API_KEY'
  | 'ERPNEXT_API_SECRET'
  | 'ODOO_URL'
  | 'ODOO_DB'
  | 'ODOO_API_KEY'
  | 'ODOO_USER'
  | 'ODOO_PASSWORD'
  | 'ODOO_PROTOCOL'
  | 'ANDON_ERP_REST_CONFIG'
>;

export function loadErpSettings(env: ErpEnv): ErpSettings {
  const kind = env.ANDON_ERP ?? 'simulator';
  const timeoutMs = env.ANDON_ERP_TIMEOUT_MS ?? 15_000;
  if (kind === 'simulator') return { kind };
  if (kind === 'rest') {
    if (!env.ANDON_ERP_REST_CONFIG)
      throw new ErpConfigError([
        'ANDON_ERP_REST_CONFIG: missing: the file mapping each operation (ANDON_ERP=rest)',
      ]);
    return {
      kind,
      configFile: env.ANDON_ERP_REST_CONFIG,
      config: loadRestConfig(env.ANDON_ERP_REST_CONFIG),
      timeoutMs,
    };
  }
  const problems: string[] = [];
  const need = (key: keyof ErpEnv, what: string): string => {
    const v = env[key];
    if (typeof v !== 'string' || v === '') problems.push(`${key}: missing: ${what} (ANDON_ERP=${kind})`);
    return typeof v === 'string' ? v : '';
  };
  let plant: PlantMapping | null = null;
  const file = need('ANDON_ERP_CONFIG', 'the JSON file with the plant mappings');
  if (file) {
    try {
      plant = parsePlantMapping(JSON.parse(readFileSync(file, 'utf8')) as unknown, kind, file);
    } catch (err) {
      problems.push(
        ...(err instanceof ErpConfigError
          ? problemsOf(err)
          : [`ANDON_ERP_CONFIG (${file}): ${(err as Error).message}`]),
      );
    }
  }
  if (kind === 'erpnext') {
    const url = need('ERPNEXT_URL', 'the ERPNext site address, e.g. https://erp.plant.example');
    const apiKey = need('ERPNEXT_API_KEY', "the API user's API key");
    const apiSecret = need('ERPNEXT_API_SECRET', "the API user's API secret");
    if (problems.length > 0 || !plant) throw new ErpConfigError(problems);
    return { kind, url: trimSlash(url), apiKey, apiSecret, plant, timeoutMs };
  }
  const url = need('ODOO_URL', 'the Odoo address, e.g. https://odoo.plant.example');
  const db = need('ODOO_DB', 'the Odoo database name');
  const protocol = env.ODOO_PROTOCOL ?? (env.ODOO_USER ? 'jsonrpc' : 'json2');
  if (protocol === 'json2')
    need('ODOO_API_KEY', 'an API key of the Odoo integration user (JSON-2, Odoo 19+)');
  else {
    need('ODOO_USER', 'the login of the Odoo integration user (JSON-RPC)');
    if (!env.ODOO_PASSWORD && !env.ODOO_API_KEY)
      problems.push('ODOO_PASSWORD: missing: the password (or an API key) of ODOO_USER (JSON-RPC)');
  }
  if (problems.length > 0 || !plant) throw new ErpConfigError(problems);
  return {
    kind: 'odoo',
    url: trimSlash(url),
    db,
    protocol,
    ...(env.ODOO_API_KEY ? { apiKey: env.ODOO_API_KEY } : {}),
    ...(env.ODOO_USER ? { user: env.ODOO_USER } : {}),
    ...(env.ODOO_PASSWORD ? { password: env.ODOO_PASSWORD } : {}),
    plant,
    timeoutMs,
  };
}

/** Validates the plant mapping for an adapter; an ErpConfigError names each missing mapping. */
export function parsePlantMapping(
  raw: unknown,
  kind: 'erpnext' | 'odoo',
  source = 'ANDON_ERP_CONFIG',
): PlantMapping {
  const parsed = plantSchema.safeParse(raw);
  const label = (path: PropertyKey[]): string => `${source}: ${path.map(String).join('.') || '(file)'}`;
  if (!parsed.success)
    throw new ErpConfigError(parsed.error.issues.map((i) => `${label(i.path)}: ${i.message}`));
  const p = parsed.data;
  const problems: string[] = [];
  if (Object.keys(p.locations).length === 0)
    problems.push(
      `${label(['locations'])}: map at least one line-side location, e.g. {"LINE-L1": "Line L1 - ADC"}`,
    );
  if (Object.keys(p.lines).length === 0)
    problems.push(`${label(['lines'])}: map at least one line, e.g. {"L1": {"workCenters": ["PRESS-3"]}}`);
  if (kind === 'odoo' && !p.maintenanceTeam)
    problems.push(`${label(['maintenanceTeam'])}: missing: the Odoo maintenance team requests go to`);
  if (kind === 'erpnext' && !p.receiving)
    problems.push(`${label(['receiving'])}: missing: the warehouse a material request asks material into`);
  if (kind === 'erpnext' && !p.supplierReturns)
    problems.push(
      `${label(['supplierReturns'])}: missing: the warehouse a lot returned to its supplier goes to`,
    );
  if (problems.length > 0) throw new ErpConfigError(problems);
  return p;
}

const problemsOf = (err: ErpConfigError): string[] =>
  err.message
    .split('\n')
    .slice(1)
    .map((l) => l.trim());

const trimSlash = (url: string): string => url.replace(/\/+$/, '');
