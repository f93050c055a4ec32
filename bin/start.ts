/**
 * `npm start` — Andon in one process with embedded defaults:
 *   Temporal: $TEMPORAL_ADDRESS, else a local dev server (CLI found or built by scripts/temporal-cli.ts),
 *             or with `--cluster` (`npm run start:cluster`) a real Temporal server on the same
 *             PostgreSQL (built by scripts/temporal-server.ts, run by lib/temporal-server.ts)
 *   Database: $DATABASE_URL, else an embedded PostgreSQL under $ANDON_DATA_DIR (default .data/)
 *   Mail:     $SMTP_URL, else an in-process mail catcher (see GET /api/v1/dev/mail)
 * then migrates, seeds a demo plant, and runs the worker and the API. Ctrl-C stops everything.
 * A failure to start ends in one sentence saying what to do (lib/startup-errors.ts).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Runtime, DefaultLogger } from '@temporalio/worker';
import { seedErpSimulator } from '../activities/erp/demo-data.js';
import { applyPlantTimeZone } from '../db/plant-zone.js';

import { createSmtpMailer } from '../activities/notify/mailer.js';
import { smsFromConfig } from '../lib/recording-sms.js';
import { ensureDemoKeys, ensureDemoLogins } from '../db/demo-keys.js';

import { probeDatabase } from '../db/index.js';
import { seedDemoPlant } from '../db/seed.js';
import { loadConfig } from '../lib/config.js';
import { workerTuningOf } from '../lib/worker-tuning.js';
import { integrationOptions, localSecretsKey } from '../lib/integrations.js';
import { redactActionLinks } from '../lib/links.js';
import { MailCatcher } from '../lib/mail-catcher.js';
import { startEmbeddedPostgres } from '../lib/embedded-postgres.js';
import { startLocalTemporal } from '../lib/local-temporal.js';
import { freePort } from '../lib/temporal-dev-server.js';
import { createLogger } from '../lib/logger.js';
import { startAndon } from '../lib/services.js';
import { explainStartupError } from '../lib/startup-errors.js';
import { erpSettingsOrExit } from './common.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    console.error(`Andon could not start: ${explainStartupError(err)}`);
    process.exit(2);
  }
  const erpSettings = erpSettingsOrExit(config);
  const logger = createLogger(config.LOG_LEVEL);
  const cluster = process.argv.includes('--cluster');
  // The SDK's own metrics (workflow task latency, …) are served with Andon's at /metrics.
  const runtimeMetricsPort = await freePort();
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    shutdownSignals: [],
    telemetryOptions: {
      metrics: {
        prometheus: {
          bindAddress: `127.0.0.1:${runtimeMetricsPort}`,
          useSecondsForDurations: true,
          unitSuffix: true,
          countersTotalSuffix: true,
        },
      },
    },
  });
  const dataDir = resolve(config.ANDON_DATA_DIR);
  const cleanups: Array<() => void | Promise<void>> = [];
  let databaseUrlInUse: string | undefined;
  /** Stops what started, newest first; a last word (why start-up failed) is the final line. */
  let stopping: Promise<never> | null = null;
  const shutdown = (code: number, lastWord?: string): Promise<never> =>
    (stopping ??= (async () => {
      for (const c of cleanups.reverse()) {
        try {
          await c();
        } catch (err) {
          logger.warn({ err }, 'shutdown step failed');
        }
      }
      if (lastWord) console.error(lastWord);
      process.exit(code);
    })());
  // From the start: Ctrl-C while still starting stops what has started (not just the node process).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      logger.info({ signal }, 'stopping');
      void shutdown(0);
    });
  }

  try {
    mkdirSync(dataDir, { recursive: true });
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      logger.info({ dataDir }, 'DATABASE_URL not set: starting embedded PostgreSQL');
      const pg = await startEmbeddedPostgres({ dataDir, port: config.ANDON_EMBEDDED_PG_PORT });
      cleanups.push(() => pg.stop());
      databaseUrl = pg.url;
    }
    databaseUrlInUse = databaseUrl;
    await probeDatabase(databaseUrl);

    let temporalAddress = config.TEMPORAL_ADDRESS;
    let temporalWhat = '';
    if (!temporalAddress) {
      logger.info(
        cluster
          ? 'TEMPORAL_ADDRESS not set: starting a Temporal server on PostgreSQL'
          : 'TEMPORAL_ADDRESS not set: starting a local Temporal dev server',
      );
      const local = await startLocalTemporal({
        mode: cluster ? 'cluster' : 'dev',
        dataDir,
        port: config.ANDON_TEMPORAL_PORT,
        uiPort: config.ANDON_TEMPORAL_UI_PORT,
        namespace: config.TEMPORAL_NAMESPACE,
        databaseUrl,
        log: (m) => logger.info(m),
      });
      cleanups.push(() => local.stop());
      temporalAddress = local.address;
      temporalWhat = `   (${local.description})`;
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
      runtimeMetricsUrl: `http://127.0.0.1:${runtimeMetricsPort}/metrics`,
      shutdownGraceMs: config.ANDON_SHUTDOWN_GRACE_SECONDS * 1000,
      dbPoolMax: config.ANDON_DB_POOL_MAX,
      workerTuning: workerTuningOf(config),
      eagerStart: config.ANDON_EAGER_START,
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
      `  Temporal:     ${temporalAddress}${temporalWhat}`,
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
    logger.debug({ err }, 'start-up failure');
    const sentence = explainStartupError(err, {
      ...(databaseUrlInUse ? { databaseUrl: databaseUrlInUse } : {}),
    });
    await shutdown(1, `Andon could not start: ${sentence}`);
  }
}

void main();
