/**
 * The integration part of Andon's options (MQTT intake, alarm storms, outgoing webhooks, the key
 * that seals stored secrets), from the configuration: one place for every entry point in bin/.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttIntakeOptions } from '../api/mqtt/intake.js';
import type { StormKeys } from '../domain/storm.js';
import type { WebhookRetry } from '../workflows/webhooks/delivery.js';
import type { Config } from './config.js';

export interface WebhookOptions {
  retry: WebhookRetry;
  /** Plain http:// beyond loopback. */
  allowHttp?: boolean;
  /** Relay: sweep interval, and when a kicked pair still waiting is kicked again. */
  sweepMs?: number;
  staleSeconds?: number;
}

export interface IntegrationOptions {
  /** Seals stored secrets; default: derived from the link secret. */
  secretsKey?: string;
  storm?: StormKeys;
  mqtt?: MqttIntakeOptions;
  webhooks?: WebhookOptions;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetry = {
  initialIntervalMs: 5_000,
  maximumIntervalMs: 300_000,
  giveUpAfterMs: 72 * 3600_000,
  attemptTimeoutMs: 10_000,
};

export function integrationOptions(config: Config, o: { secretsKey?: string } = {}): IntegrationOptions {
  const secretsKey = config.ANDON_SECRETS_KEY ?? o.secretsKey;
  return {
    ...(secretsKey ? { secretsKey } : {}),
    storm: config.ANDON_STORM_KEYS,
    ...(config.ANDON_MQTT_URL
      ? {
          mqtt: {
            url: config.ANDON_MQTT_URL,
            clientId: config.ANDON_MQTT_CLIENT_ID,
            prefix: config.ANDON_MQTT_TOPIC_PREFIX,
            alarms: config.ANDON_MQTT_ALARM_TOPICS,
          },
        }
      : {}),
    webhooks: {
      retry: {
        initialIntervalMs: config.ANDON_WEBHOOK_RETRY_INITIAL_SECONDS * 1000,
        maximumIntervalMs: config.ANDON_WEBHOOK_RETRY_MAX_SECONDS * 1000,
        giveUpAfterMs: config.ANDON_WEBHOOK_RETRY_HOURS * 3600_000,
        attemptTimeoutMs: config.ANDON_WEBHOOK_TIMEOUT_SECONDS * 1000,
      },
      allowHttp: config.ANDON_WEBHOOK_ALLOW_HTTP,
    },
  };
}

/**
 * `npm start` without ANDON_SECRETS_KEY or ANDON_LINK_SECRET: a key kept in the data directory
 * (mode 0600), so secrets made in the demo still sign after a restart.
 */
export function localSecretsKey(dataDir: string): string {
  const file = join(dataDir, 'secrets.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
