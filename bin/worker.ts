/** The worker process (scale out freely): `DATABASE_URL=… TEMPORAL_ADDRESS=… SMTP_URL=… npm run worker`. */
import { readFileSync } from 'node:fs';
import { createSmtpMailer } from '../activities/notify/mailer.js';
import { smsFromConfig } from '../lib/recording-sms.js';
import { startAndon } from '../lib/services.js';
import { REQUIRED_ENV } from '../lib/config.js';
import { integrationOptions } from '../lib/integrations.js';
import { boot, onShutdown } from './common.js';

const { config, logger, erpSettings } = boot('worker', REQUIRED_ENV.worker);
const mailer = createSmtpMailer(config.SMTP_URL!, config.ANDON_MAIL_FROM);
const { sms, recording } = smsFromConfig(config);
if (recording) logger.warn('Twilio is not configured (TWILIO_*): SMS are recorded in memory, not sent');
try {
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
  });
  logger.info(
    { taskQueue: config.ANDON_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE },
    'Andon worker running',
  );
  onShutdown(logger, async () => {
    await andon.stop();
    mailer.close();
  });
} catch (err) {
  logger.fatal({ err }, 'Andon worker failed to start');
  process.exit(1);
}
