/**
 * The environment of the MES and machine integration (issue 12) and outgoing webhooks, part of
 * lib/config.ts's schema. JSON-valued variables are parsed and checked like every other one.
 */
import { z } from 'zod';
import { alarmMappingsConfig } from '../domain/contracts/mqtt.js';
import { stormKeysConfig } from '../domain/storm.js';

const emptyToUndefined = (v: unknown): unknown => (v === '' ? undefined : v);

/** A JSON-valued variable: parsed, then checked by `schema`. */
const jsonEnv = <T extends z.ZodType>(schema: T, fallback: string) =>
  z.preprocess((v, ctx) => {
    const text = typeof v === 'string' && v !== '' ? v : fallback;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
  }, schema);

const whole = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).default(fallback));

export const INTEGRATION_ENV = {
  /** Encrypts stored signing secrets (webhooks, MES keys); default: derived from ANDON_LINK_SECRET. */
  ANDON_SECRETS_KEY: z.preprocess(
    emptyToUndefined,
    z.string().min(32, 'ANDON_SECRETS_KEY must be at least 32 characters').optional(),
  ),
  /** The MQTT broker to take reports and events from, e.g. mqtt://127.0.0.1:1883 (unset: no MQTT). */
  ANDON_MQTT_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^(mqtts?|tcp|ssl|wss?):\/\/\S+$/, 'must be a broker URL such as mqtt://127.0.0.1:1883')
      .optional(),
  ),
  /** Stable client id of the persistent session (one per intake process). */
  ANDON_MQTT_CLIENT_ID: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 letters, digits, _ . -')
      .default('andon-intake'),
  ),
  /** First level of the intake topics: <prefix>/<source>/report|event|rejected. */
  ANDON_MQTT_TOPIC_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[^+#/\s]{1,64}$/, 'must be one topic level, without + # or /')
      .default('andon'),
  ),
  /** Topics of plain machine alarms: [{"topic","source","line","station"?,"severity"?}]. */
  ANDON_MQTT_ALARM_TOPICS: jsonEnv(alarmMappingsConfig, '[]'),
  /** Business keys of alarm storms: {"<type>": ["<fact>", …]}; [] turns folding off for a type. */
  ANDON_STORM_KEYS: jsonEnv(stormKeysConfig, '{}'),
  /** Webhook retries: first wait, longest wait, and how long before a delivery is given up. */
  ANDON_WEBHOOK_RETRY_INITIAL_SECONDS: whole(1, 3600, 5),
  ANDON_WEBHOOK_RETRY_MAX_SECONDS: whole(1, 24 * 3600, 300),
  ANDON_WEBHOOK_RETRY_HOURS: whole(1, 30 * 24, 72),
  ANDON_WEBHOOK_TIMEOUT_SECONDS: whole(1, 120, 10),
  /** Allow plain http:// webhook URLs beyond this machine (a plant network without TLS). */
  ANDON_WEBHOOK_ALLOW_HTTP: z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
  ),
};
