/** Configuration from the environment, validated once at start-up. Secrets come only from here. */
import { z } from 'zod';
import { isValidTimeZone } from '../domain/shifts.js';
import { INTEGRATION_ENV } from './integration-env.js';
import { WORKER_TUNING_ENV, workerTuningProblems } from './worker-tuning.js';

const emptyToUndefined = (v: unknown): unknown => (v === '' ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

const schema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyToUndefined, z.string().default('127.0.0.1')),
  DATABASE_URL: optionalString,
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.preprocess(emptyToUndefined, z.string().default('default')),
  ANDON_TASK_QUEUE: z.preprocess(emptyToUndefined, z.string().default('andon')),
  SMTP_URL: optionalString,
  ANDON_MAIL_FROM: z.preprocess(emptyToUndefined, z.string().default('Andon <andon@localhost>')),
  ANDON_PUBLIC_URL: optionalString,
  ANDON_BOOTSTRAP_ADMIN_KEY: z.preprocess(
    emptyToUndefined,
    z.string().min(16, 'ANDON_BOOTSTRAP_ADMIN_KEY must be at least 16 characters').optional(),
  ),
  ANDON_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('.data')),
  ANDON_EMBEDDED_PG_PORT: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(65535).default(54329),
  ),
  ANDON_TEMPORAL_PORT: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(65535).default(7233),
  ),
  ANDON_TEMPORAL_UI_PORT: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(1).max(65535).default(8233),
  ),
  ANDON_TIMEZONE: z.preprocess(
    emptyToUndefined,
    z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Shanghai').default('UTC'),
  ),
  ANDON_ERP_SIM_LATENCY_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(0).max(600_000).default(0),
  ),
  ANDON_WORKFLOW_BUNDLE: optionalString,
  ANDON_LINK_SECRET: z.preprocess(
    emptyToUndefined,
    z.string().min(16, 'ANDON_LINK_SECRET must be at least 16 characters').optional(),
  ),
  ANDON_LINK_TTL_SECONDS: z.preprocess(
    emptyToUndefined,
    z.coerce
      .number()
      .int()
      .min(60)
      .max(30 * 24 * 3600)
      .default(24 * 3600),
  ),
  TWILIO_ACCOUNT_SID: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio account SID (AC + 32 hex digits)')
      .optional(),
  ),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_FROM: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +8613800000000')
      .optional(),
  ),
  TWILIO_API_BASE_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  ANDON_SESSION_SECRET: z.preprocess(
    emptyToUndefined,
    z.string().min(32, 'ANDON_SESSION_SECRET must be at least 32 characters').optional(),
  ),
  /** Origins (scheme://host:port, comma-separated) group-channel webhooks may use besides the providers' own. */
  ANDON_CHAT_WEBHOOK_ORIGINS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      )
      .pipe(z.array(z.url().transform((u) => new URL(u).origin)))
      .optional(),
  ),

  // ERP/WMS adapter (issue 11): which one, its address and credentials, the plant's mappings.
  ANDON_ERP: z.preprocess(
    emptyToUndefined,
    z.enum(['simulator', 'erpnext', 'odoo', 'rest']).default('simulator'),
  ),
  ANDON_ERP_CONFIG: optionalString,
  ANDON_ERP_TIMEOUT_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(100).max(600_000).default(15_000),
  ),
  ERPNEXT_URL: z.preprocess(emptyToUndefined, z.url('must be an http(s) URL').optional()),
  ERPNEXT_API_KEY: optionalString,
  ERPNEXT_API_SECRET: optionalString,
  ODOO_URL: z.preprocess(emptyToUndefined, z.url('must be an http(s) URL').optional()),
  ODOO_DB: optionalString,
  ODOO_API_KEY: optionalString,
  ODOO_USER: optionalString,
  ODOO_PASSWORD: optionalString,
  ODOO_PROTOCOL: z.preprocess(emptyToUndefined, z.enum(['json2', 'jsonrpc']).optional()),
  ANDON_ERP_REST_CONFIG: optionalString,

  /** The worker process's operations port: /healthz, /readyz, /metrics (0: any free port). */
  ANDON_WORKER_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3001)),
  /** How long requests and activities under way may finish when a process is told to stop. */
  ANDON_SHUTDOWN_GRACE_SECONDS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().min(0).max(3600).default(25),
  ),
  ...INTEGRATION_ENV,
  ...WORKER_TUNING_ENV,

  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  ),
});

export type Config = z.infer<typeof schema>;

const TWILIO_KEYS = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const;

/** Every environment variable Andon reads. */
export const CONFIG_KEYS = Object.keys(schema.shape) as Array<keyof Config>;

/** What each separate process needs set (`npm start` needs nothing: it embeds the rest). */
export const REQUIRED_ENV = {
  api: ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'ANDON_LINK_SECRET'],
  worker: ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'ANDON_PUBLIC_URL', 'ANDON_LINK_SECRET'],
  migrate: ['DATABASE_URL'],
} as const satisfies Record<string, Array<keyof Config>>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration:\n${problems}`);
  }
  const tuning = workerTuningProblems(parsed.data);
  if (tuning.length > 0) throw new Error(`invalid configuration:\n${tuning.map((p) => `  ${p}`).join('\n')}`);
  const twilioSet = TWILIO_KEYS.filter((k) => parsed.data[k] !== undefined);
  if (twilioSet.length > 0 && twilioSet.length < TWILIO_KEYS.length) {
    const missing = TWILIO_KEYS.filter((k) => parsed.data[k] === undefined);
    throw new Error(
      `invalid configuration:\n  ${missing.join(', ')}: set all of ${TWILIO_KEYS.join(', ')} to send SMS through Twilio, or none`,
    );
  }
  return parsed.data;
}
