/**
 * `npm start` — Andon in one process with embedded defaults:
 *   Temporal: $TEMPORAL_ADDRESS, else a local dev server (CLI found or built by scripts/temporal-cli.ts)
 *   Database: $DATABASE_URL, else an embedded PostgreSQL under $ANDON_DATA_DIR (default .data/)
 *   Mail:     $SMTP_URL, else an in-process mail catcher (see GET /api/v1/dev/mail)
 * then migrates, seeds a demo plant, and runs the worker and the API. Ctrl-C stops everything.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { seedErpSimulator } from '../activities/erp/demo-data.js';
import { applyPlantTimeZone } from '../db/plant-zone.js';

import { createSmtpMailer } from '../activities/notify/mailer.js';
import { smsFromConfig } from '../lib/recording-sms.js';
import { ensureDemoKeys, ensureDemoLogins } from '../db/demo-keys.js';

import { seedDemoPlant } from '../db/seed.js';
import { loadConfig } from '../lib/config.js';
import { integrationOptions, localSecretsKey } from '../lib/integrations.js';
import { redactActionLinks } from '../lib/links.js';
import { MailCatcher } from '../lib/mail-catcher.js';
import { startEmbeddedPostgres } from '../lib/embedded-postgres.js';
import { createLogger } from '../lib/logger.js';
import { startAndon } from '../lib/services.js';
import { erpSettingsOrExit } from './common.js';
import { startDevServer } from '../lib/temporal-dev-server.js';
import { ensureTemporalCli } from '../scripts/temporal-cli.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const erpSettings = erpSettingsOrExit(config);
  const logger = createLogger(config.LOG_LEVEL);
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const dataDir = resolve(config.ANDON_DATA_DIR);
  const cleanups: Array<() => void | Promise<void>> = [];
  const shutdown = async (code: number): Promise<never> => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch (err) {
        logger.warn({ err }, 'shutdown step failed');
      }
    }
    process.exit(code);
  };

  try {
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      logger.info({ dataDir }, 'DATABASE_URL not set: starting embedded PostgreSQL');
      const pg = await startEmbeddedPostgres({ dataDir, port: config.ANDON_EMBEDDED_PG_PORT });
      cleanups.push(() => pg.stop());
      databaseUrl = pg.url;
    }

    let temporalAddress = config.TEMPORAL_ADDRESS;
    let temporalUi: string | null = null;
    if (!temporalAddress) {
      logger.info('TEMPORAL_ADDRESS not set: starting a local Temporal dev server');
      const cli = await ensureTemporalCli((m) => logger.info(m));
      const dev = await startDevServer({
        cli,
        port: config.ANDON_TEMPORAL_PORT,
        uiPort: config.ANDON_TEMPORAL_UI_PORT,
        dbFile: join(dataDir, 'temporal.db'),
        namespaces: config.TEMPORAL_NAMESPACE === 'default' ? [] : [config.TEMPORAL_NAMESPACE],
      });
      cleanups.push(() => dev.stop());
      temporalAddress = dev.address;
      temporalUi = dev.uiUrl;
    }

    let catcher: MailCatcher | undefined;
    let smtpUrl = config.SMTP_URL;
    if (!smtpUrl) {
      catcher = new MailCatcher();
      await catcher.listen();
      cleanups.push(() => catcher!.close());
      catcher.on('mail', (m: { to: string[]; subject: string }) =>
        logger.info({ to: m.to, subject: m.subject }, 'mail caught (no SMTP_URL configured)'),
      );
      smtpUrl = catcher.url;
    }
    const mailer = createSmtpMailer(smtpUrl, config.ANDON_MAIL_FROM);
    cleanups.push(() => mailer.close());

    const { sms, recording: devSms } = smsFromConfig(config);
    // Logged without whole action links: a link in a log lets its reader act as its person.
    devSms?.on('sms', (m: { to: string; body: string }) =>
      logger.info({ to: m.to, body: redactActionLinks(m.body) }, 'SMS recorded (Twilio not configured)'),
    );
    const andon = await startAndon({
      databaseUrl,
      temporalAddress,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.ANDON_TASK_QUEUE,
      mailer,
      sms,
      ...(devSms ? { devSms } : {}),
      ...(config.TWILIO_AUTH_TOKEN ? { twilioAuthToken: config.TWILIO_AUTH_TOKEN } : {}),
      ...(config.ANDON_CHAT_WEBHOOK_ORIGINS ? { chatWebhookOrigins: config.ANDON_CHAT_WEBHOOK_ORIGINS } : {}),
      linkTtlSeconds: config.ANDON_LINK_TTL_SECONDS,
      ...(config.ANDON_LINK_SECRET ? { linkSecret: config.ANDON_LINK_SECRET } : {}),
      logger,
      runWorker: true,
      erpLatencyMs: config.ANDON_ERP_SIM_LATENCY_MS,
      erpSettings,
      ...(config.ANDON_WORKFLOW_BUNDLE
        ? { workflowBundleCode: readFileSync(config.ANDON_WORKFLOW_BUNDLE, 'utf8') }
        : {}),
      runApi: true,
      ...integrationOptions(config, {
        secretsKey: config.ANDON_LINK_SECRET ?? localSecretsKey(dataDir),
      }),
      timeZone: config.ANDON_TIMEZONE,
      ...(config.ANDON_SESSION_SECRET ? { sessionSecret: config.ANDON_SESSION_SECRET } : {}),

      port: config.PORT,
      host: config.HOST,
      ...(config.ANDON_PUBLIC_URL ? { publicUrl: config.ANDON_PUBLIC_URL } : {}),
      ...(config.ANDON_BOOTSTRAP_ADMIN_KEY ? { bootstrapAdminKey: config.ANDON_BOOTSTRAP_ADMIN_KEY } : {}),
      ...(catcher ? { devMail: catcher } : {}),
    });
    cleanups.push(() => andon.stop());

    if (await seedDemoPlant(andon.db))
      logger.info('seeded the demo plant (people, roles, escalation policies)');
    if (erpSettings.kind === 'simulator') await seedErpSimulator(andon.db);
    else logger.info({ erp: erpSettings.kind }, 'ERP adapter configured');
    await applyPlantTimeZone(andon.db, config.ANDON_TIMEZONE, logger);
    const keys = await ensureDemoKeys(andon.db, dataDir);
    const login = await ensureDemoLogins(andon.db, dataDir);

    const lines = [
      '',
      'Andon is running.',
      `  Web UI:       ${andon.url}/   sign in as ${login.supervisor} (supervisor) or ${login.admin} (admin), password ${login.password}`,
      `  API:          ${andon.url}/api/v1   (health: ${andon.url}/healthz)`,
      `  Temporal:     ${temporalAddress}${temporalUi ? `   (web UI: ${temporalUi})` : ''}`,
      `  Mail:         ${catcher ? `caught in-process, listed at ${andon.url}/api/v1/dev/mail` : 'sent via SMTP_URL'}`,
      `  SMS:          ${devSms ? `recorded in-process, listed at ${andon.url}/api/v1/dev/sms` : 'sent via Twilio'}`,
      `  Demo API keys (kept in ${join(dataDir, 'demo-keys.json')}):`,
      ...Object.entries(keys).map(([role, key]) => `    ${role.padEnd(11)} ${key}`),
      ...(config.ANDON_BOOTSTRAP_ADMIN_KEY
        ? ['    admin key from ANDON_BOOTSTRAP_ADMIN_KEY is active too']
        : []),
      '  Press Ctrl-C to stop.',
      '',
    ];
    console.log(lines.join('\n'));
  } catch (err) {
    logger.fatal({ err }, 'Andon failed to start');
    await shutdown(1);
  }

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping');
      void shutdown(0);
    });
  }
}

void main();
