/**
 * The API process (scale out freely): `DATABASE_URL=… TEMPORAL_ADDRESS=… npm run api`. On SIGTERM
 * /readyz turns 503, requests under way finish (ANDON_SHUTDOWN_GRACE_SECONDS), live streams end.
 */
import { probeDatabase } from '../db/index.js';
import { startAndon } from '../lib/services.js';
import { REQUIRED_ENV } from '../lib/config.js';
import { integrationOptions } from '../lib/integrations.js';
import { boot, failedToStart, onShutdown } from './common.js';

const { config, logger, erpSettings } = boot('api', REQUIRED_ENV.api);
try {
  await probeDatabase(config.DATABASE_URL!);
  const andon = await startAndon({
    databaseUrl: config.DATABASE_URL!,
    temporalAddress: config.TEMPORAL_ADDRESS!,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.ANDON_TASK_QUEUE,
    logger,
    ...integrationOptions(config),
    runWorker: false,
    erpSettings,
    runApi: true,
    linkTtlSeconds: config.ANDON_LINK_TTL_SECONDS,
    linkSecret: config.ANDON_LINK_SECRET!,
    ...(config.TWILIO_AUTH_TOKEN ? { twilioAuthToken: config.TWILIO_AUTH_TOKEN } : {}),
    ...(config.ANDON_CHAT_WEBHOOK_ORIGINS ? { chatWebhookOrigins: config.ANDON_CHAT_WEBHOOK_ORIGINS } : {}),
    timeZone: config.ANDON_TIMEZONE,
    ...(config.ANDON_SESSION_SECRET ? { sessionSecret: config.ANDON_SESSION_SECRET } : {}),

    port: config.PORT,
    host: config.HOST,
    ...(config.ANDON_PUBLIC_URL ? { publicUrl: config.ANDON_PUBLIC_URL } : {}),
    ...(config.ANDON_BOOTSTRAP_ADMIN_KEY ? { bootstrapAdminKey: config.ANDON_BOOTSTRAP_ADMIN_KEY } : {}),
    shutdownGraceMs: config.ANDON_SHUTDOWN_GRACE_SECONDS * 1000,
    dbPoolMax: config.ANDON_DB_POOL_MAX,
  });
  logger.info({ url: andon.url }, 'Andon API listening');
  onShutdown(logger, () => andon.stop());
} catch (err) {
  failedToStart('api', logger, config, err);
}
