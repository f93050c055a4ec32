/** Configuration from the environment, validated once at start-up. Secrets come only from here. */
import { z } from 'zod';
import { isValidTimeZone } from '../domain/shifts.js';

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
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  ),
});

export type Config = z.infer<typeof schema>;

/** Every environment variable Andon reads. */
export const CONFIG_KEYS = Object.keys(schema.shape) as Array<keyof Config>;

/** What each separate process needs set (`npm start` needs nothing: it embeds the rest). */
export const REQUIRED_ENV = {
  api: ['DATABASE_URL', 'TEMPORAL_ADDRESS'],
  worker: ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'ANDON_PUBLIC_URL'],
  migrate: ['DATABASE_URL'],
} as const satisfies Record<string, Array<keyof Config>>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`invalid configuration:\n${problems}`);
  }
  return parsed.data;
}
