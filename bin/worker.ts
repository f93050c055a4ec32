/**
 * The worker process (scale out freely): `DATABASE_URL=… TEMPORAL_ADDRESS=… SMTP_URL=… npm run worker`.
 * Serves /healthz, /readyz and /metrics on HOST:ANDON_WORKER_PORT (default 3001). On SIGTERM it
 * stops polling, lets activities under way finish (ANDON_SHUTDOWN_GRACE_SECONDS), then exits.
 */
import { readFileSync } from 'node:fs';
import { createSmtpMailer } from '../activities/notify/mailer.js';
import { probeDatabase } from '../db/index.js';
import { smsFromConfig } from '../lib/recording-sms.js';
import { startAndon } from '../lib/services.js';
import { workerTuningOf } from '../lib/worker-tuning.js';
import { REQUIRED_ENV } from '../lib/config.js';
import { integrationOptions } from '../lib/integrations.js';
import { freePort } from '../lib/temporal-dev-server.js';
import { boot, failedToStart, onShutdown } from './common.js';

const runtimeMetricsPort = await freePort();
const { config, logger, erpSettings } = boot('worker', REQUIRED_ENV.worker, { runtimeMetricsPort });
const mailer = createSmtpMailer(config.SMTP_URL!, config.ANDON_MAIL_FROM);
const { sms, recording } = smsFromConfig(config);
if (recording) logger.warn('Twilio is not configured (TWILIO_*): SMS are recorded in memory, not sent');
try {
  await probeDatabase(config.DATABASE_URL!);
  const andon = await startAndon({
    databaseUrl: config.DATABASE_URL!,
    temporalAddress: config.TEMPORAL_ADDRESS!,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.ANDON_TASK_QUEUE,
    mailer,
    sms,
    timeZone: config.ANDON_TIMEZONE,
    linkTtlSeconds: config.ANDON_LINK_TTL_SECONDS,
    linkSecret: config.ANDON_LINK_SECRET!,
    logger,
    ...integrationOptions(config),
    runWorker: true,
    erpLatencyMs: config.ANDON_ERP_SIM_LATENCY_MS,
    ...(config.ANDON_WORKFLOW_BUNDLE
      ? { workflowBundleCode: readFileSync(config.ANDON_WORKFLOW_BUNDLE, 'utf8') }
      : {}),
    erpSettings,
    runApi: false,
    publicUrl: config.ANDON_PUBLIC_URL!,
    opsHost: config.HOST,
    opsPort: config.ANDON_WORKER_PORT,
    runtimeMetricsUrl: `http://127.0.0.1:${runtimeMetricsPort}/metrics`,
    shutdownGraceMs: config.ANDON_SHUTDOWN_GRACE_SECONDS * 1000,
    dbPoolMax: config.ANDON_DB_POOL_MAX,
    workerTuning: workerTuningOf(config),
  });
  logger.info(
    {
      taskQueue: config.ANDON_TASK_QUEUE,
      namespace: config.TEMPORAL_NAMESPACE,
      identity: andon.workerIdentity,
      ops: andon.opsUrl,
    },
    'Andon worker running',
  );
  onShutdown(logger, async () => {
    await andon.stop();
    mailer.close();
  });
} catch (err) {
  failedToStart('worker', logger, config, err);
}
