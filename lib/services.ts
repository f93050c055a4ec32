/**
 * Wires Andon's parts together: database, Temporal worker, API. Used by every entry point in bin/
 * and by the tests, so what is tested is what runs.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { CaseEventBus } from '../api/web/live.js';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createErpAdapter } from '../activities/erp/factory.js';
import type { ErpSettings } from '../activities/erp/settings.js';
import type { ErpAdapter } from '../activities/erp/types.js';
import { createActivities } from '../activities/index.js';
import { createChatSender, type ChatSender } from '../activities/notify/chat/client.js';
import type { Mailer } from '../activities/notify/mailer.js';
import type { SmsSender } from '../activities/notify/sms.js';
import { createApp } from '../api/app.js';
import { createCaseClient } from '../api/case-client.js';
import type { WebDeps } from '../api/web/router.js';
import { startReconciler } from '../api/reconciler.js';
import { startMqttIntake, type MqttIntake } from '../api/mqtt/intake.js';
import { startWebhookRelay } from '../api/webhook-relay.js';
import { ensureApiKey } from '../db/api-keys.js';
import { sealPlainGroupChannels } from '../db/group-channels.js';
import { createDb, migrate, type Db } from '../db/index.js';
import { databaseReady } from '../db/web-admin.js';
import { drainable } from './http-drain.js';
import { takeApiPort } from './api-port.js';
import { startOpsServer } from './ops-server.js';
import { DEFAULT_WEBHOOK_RETRY, type IntegrationOptions } from './integrations.js';
import { createLinkSigner } from './links.js';
import type { Logger } from './logger.js';
import type { MailCatcher } from './mail-catcher.js';
import { RecordingSms } from './recording-sms.js';
import { StartupError } from './startup-errors.js';
import { createSecretBox } from './secret-box.js';
import { createWorker } from './worker.js';
import { createWorkerMetrics } from './worker-metrics.js';
import type { WorkerTuning } from './worker-tuning.js';

export interface AndonOptions extends IntegrationOptions {
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  /** Needed by the worker (its activities send mail). */
  mailer?: Mailer;
  logger: Logger;
  runWorker: boolean;
  runApi: boolean;
  port?: number;
  host?: string;
  /** Base URL in messages; defaults to the API's own address. */
  publicUrl?: string;
  bootstrapAdminKey?: string;
  workflowBundleCode?: string;
  reconcileIntervalMs?: number;
  /** The ERP/WMS adapter; defaults to the Postgres-backed simulator. */
  erp?: ErpAdapter;
  /** Simulator only: delay after each write before answering (rehearses slow ERP responses). */
  erpLatencyMs?: number;
  /** Which ERP to drive when `erp` is not given (ANDON_ERP…, validated at start-up); default the simulator. */
  erpSettings?: ErpSettings;
  /** IANA time zone of the plant. */
  timeZone?: string;
  /** The in-process mail catcher, when no real SMTP server is configured: shown at /api/v1/dev/mail. */
  devMail?: MailCatcher;
  /** SMS transport of the worker; default: a recording one (also listed at /api/v1/dev/sms as devSms). */
  sms?: SmsSender;
  /** The recording SMS transport (Twilio unset): its messages are listed at GET /api/v1/dev/sms. */
  devSms?: RecordingSms;
  /** TWILIO_AUTH_TOKEN: checks the signatures of Twilio's webhooks (none: the webhooks answer 403). */
  twilioAuthToken?: string;
  /** Secret of the signed action links (ANDON_LINK_SECRET); without it a random one (links end at restart). */
  linkSecret?: string;
  linkTtlSeconds?: number;
  /** The clock rosters and links are read with; default real time (tests pass their own). */
  now?: () => Date;
  /** Secret signing web sessions; without it a random one is made (sessions end at restart). */
  sessionSecret?: string;
  /** Origins group-channel webhooks may use besides the providers' own (ANDON_CHAT_WEBHOOK_ORIGINS). */
  chatWebhookOrigins?: readonly string[];
  /** Posts chat cards to group channels (tests pass one with short rate-limit waits). */
  chat?: ChatSender;
  /** Sign-in throttling, lockout and live-stream limits of the web UI (defaults in api/web/context.ts). */
  webLimits?: Pick<WebDeps, 'loginLimit' | 'lockout' | 'maxStreamsPerSession'>;
  /** The worker's name to Temporal and to PostgreSQL (timeline events record it); default from host and pid. */
  workerIdentity?: string;
  /** How long requests and activities under way may finish when stopping (default 25 s). */
  shutdownGraceMs?: number;
  /** A worker without the API serves /healthz, /readyz and /metrics here (ANDON_WORKER_PORT; 0: any free port). */
  opsPort?: number;
  opsHost?: string;
  /** The Temporal SDK runtime's Prometheus endpoint, served with the worker's metrics. */
  runtimeMetricsUrl?: string;
  /** Worker slots, pollers and cache (ANDON_WORKER_*); default: lib/worker-tuning.ts's. */
  workerTuning?: WorkerTuning;
  /** Connections to PostgreSQL at most (ANDON_DB_POOL_MAX; default 20). */
  dbPoolMax?: number;
  /**
   * API and worker in one process (`npm start`): the API starts case workflows on the worker's own
   * connection and asks Temporal to hand the first workflow task straight back (eager start), one
   * round trip less per case. ANDON_EAGER_START; default on. Ignored unless both run here.
   */
  eagerStart?: boolean;
}

export interface Andon {
  db: Db;
  /** Base URL of the API, when it runs. */
  url: string | null;
  worker: Worker | null;
  /** The worker's identity (Temporal's, and `recorded_by` on the timeline events it writes). */
  workerIdentity: string | null;
  /** The worker's operations endpoints, when it serves them. */
  opsUrl: string | null;
  /** The MQTT intake, when ANDON_MQTT_URL is set and the API runs. */
  mqtt: MqttIntake | null;
  stop(): Promise<void>;
}

export async function startAndon(o: AndonOptions): Promise<Andon> {
  const stops: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | null = null;
  const graceMs = o.shutdownGraceMs ?? 25_000;
  const identity = o.workerIdentity ?? `andon-worker/${hostname()}/${process.pid}`;
  /** Stops everything once, newest first; calling it again waits for the same stop. */
  const stopAll = (): Promise<void> => (stopping ??= stopInOrder());
  const stopInOrder = async (): Promise<void> => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        o.logger.warn({ err }, 'error while stopping');
      }
    }
  };

  try {
    const db = createDb(o.databaseUrl, {
      max: o.dbPoolMax ?? 20,
      applicationName: o.runWorker ? identity : `andon-api/${hostname()}/${process.pid}`,
    });
    stops.push(() => db.destroy());
    const workerMetrics = o.runWorker
      ? createWorkerMetrics({
          processMetrics: !o.runApi,
          ...(o.runtimeMetricsUrl ? { runtimeMetricsUrl: o.runtimeMetricsUrl } : {}),
        })
      : null;
    let worker: Worker | null = null;
    const applied = await migrate(db);
    if (applied.length > 0) o.logger.info({ applied }, 'database migrated');
    if (o.bootstrapAdminKey)
      await ensureApiKey(db, { name: 'bootstrap admin', role: 'admin', plaintext: o.bootstrapAdminKey });

    let url: string | null = null;
    let intake: MqttIntake | null = null;
    if (!o.linkSecret)
      o.logger.warn(
        'ANDON_LINK_SECRET is not set: action links are signed with a random key and end at restart',
      );
    const now = o.now ?? (() => new Date());
    const links = createLinkSigner(o.linkSecret ?? randomBytes(32).toString('base64url'), {
      ttlSeconds: o.linkTtlSeconds ?? 24 * 3600,
      now,
    });
    const sms = o.sms ?? o.devSms ?? new RecordingSms();
    if (!o.secretsKey && !o.linkSecret)
      o.logger.warn(
        'neither ANDON_SECRETS_KEY nor ANDON_LINK_SECRET is set: webhook and MES signing secrets and group channel URLs made now cannot be read after a restart',
      );
    // Distinct from the link key by derivation (lib/secret-box.ts), even when derived from the same secret.
    const secrets = createSecretBox(o.secretsKey ?? o.linkSecret ?? randomBytes(32).toString('base64url'));
    // Group channels stored before their URLs were sealed; never under a key that ends at restart.
    if (o.secretsKey ?? o.linkSecret) {
      const sealed = await sealPlainGroupChannels(db, secrets);
      if (sealed > 0) o.logger.info({ groupChannels: sealed }, 'group channel URLs and secrets sealed');
    }
    const webhooks = o.webhooks ?? { retry: DEFAULT_WEBHOOK_RETRY };
    const erp =
      o.erp ??
      createErpAdapter(o.erpSettings ?? { kind: 'simulator' }, db, {
        simulatorLatencyMs: o.erpLatencyMs ?? 0,
      });
    const erpReady = erpProbe(erp);
    const publicUrl = (): string => o.publicUrl ?? url ?? 'http://localhost:3000';
    // The API's port is taken before Temporal is dialled: a port in use is then the error reported,
    // as it was before `npm start` connected to Temporal first for eager starts. Requests are served
    // once the app is attached below.
    const apiPort = o.runApi ? await takeApiPort(o.port ?? 0, o.host ?? '127.0.0.1') : null;
    if (apiPort) stops.push(() => apiPort.closeUnlessServing());
    // Eager start needs the client on the worker's native connection (SDK: supportsEagerStart).
    const eager = o.runApi && o.runWorker && (o.eagerStart ?? true);
    const native = eager ? await connectNative(o.temporalAddress) : null;
    // Closed last (stops run newest first): after the worker and after the API's drain.
    if (native) stops.push(() => native.close());
    if (o.runApi) {
      const connection = native ?? Connection.lazy({ address: o.temporalAddress });
      const temporalReady = () =>
        connection.withDeadline(Date.now() + 2000, async () => {
          await connection.workflowService.getSystemInfo({});
          return true;
        });
      const temporal = new Client({ connection, namespace: o.namespace });
      const cases = createCaseClient(temporal, {
        taskQueue: o.taskQueue,
        reachable: temporalReady,
        eagerStart: native !== null,
      });
      // Calls under way settle first: closing under a pending client retry throws uncaught.
      stops.push(async () => {
        await cases.drain();
        if (!native) await connection.close();
      });
      const reconciler = startReconciler({
        db,
        cases,
        logger: o.logger,
        ...(o.reconcileIntervalMs ? { intervalMs: o.reconcileIntervalMs } : {}),
      });
      stops.push(() => reconciler.stop());
      const relay = await startWebhookRelay({
        db,
        databaseUrl: o.databaseUrl,
        temporal,
        taskQueue: o.taskQueue,
        logger: o.logger,
        retry: webhooks.retry,
        ...(webhooks.sweepMs ? { sweepMs: webhooks.sweepMs } : {}),
        ...(webhooks.staleSeconds ? { staleSeconds: webhooks.staleSeconds } : {}),
      });
      stops.push(() => relay.stop());
      if (o.mqtt) {
        intake = startMqttIntake(
          {
            db,
            cases,
            logger: o.logger,
            ...(o.timeZone ? { timeZone: o.timeZone } : {}),
            ...(o.storm ? { storm: o.storm } : {}),
          },
          o.mqtt,
        );
        const started = intake;
        stops.push(() => started.stop());
      }
      const events = await CaseEventBus.start(o.databaseUrl, o.logger);
      stops.push(() => events.close());
      if (!o.sessionSecret)
        o.logger.warn(
          'ANDON_SESSION_SECRET is not set: web sessions are signed with a random key and end at restart',
        );
      const app = createApp({
        web: {
          sessionSecret: o.sessionSecret ?? randomBytes(32).toString('base64url'),
          events,
          ...o.webLimits,
        },
        db,
        cases,
        logger: o.logger,
        secrets,
        ...(o.storm ? { storm: o.storm } : {}),
        webhooks: {
          ...(webhooks.allowHttp ? { allowHttp: true } : {}),
          timeoutMs: webhooks.retry.attemptTimeoutMs,
        },
        ...(o.devMail ? { devMail: o.devMail } : {}),
        ...(o.devSms ? { devSms: o.devSms } : o.sms instanceof RecordingSms ? { devSms: o.sms } : {}),
        links,
        now,
        publicUrl,
        ...(o.twilioAuthToken ? { twilioAuthToken: o.twilioAuthToken } : {}),
        ...(o.timeZone ? { timeZone: o.timeZone } : {}),
        ...(o.chatWebhookOrigins ? { chatWebhookOrigins: o.chatWebhookOrigins } : {}),
        sendChat: o.chat ?? createChatSender(),
        temporalReady,
        draining: () => stopping !== null,
        ...(workerMetrics ? { extraMetrics: () => workerMetrics.text() } : {}),
        ...(erpReady ? { erpReady } : {}),
      });
      const server = apiPort!.server;
      apiPort!.serve(app);
      const drain = drainable(server);
      stops.push(() => drain(graceMs));
      const addr = server.address() as AddressInfo;
      url = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
    }

    if (o.runWorker && workerMetrics) {
      if (!o.mailer) throw new Error('the worker needs a mailer');
      const connection = native ?? (await connectNative(o.temporalAddress));
      if (!native) stops.push(() => connection.close());
      const w = await createWorker({
        connection,
        namespace: o.namespace,
        taskQueue: o.taskQueue,
        identity,
        activityInterceptors: [workerMetrics.interceptor],
        shutdownGraceMs: graceMs,
        ...(o.workerTuning ? { tuning: o.workerTuning } : {}),
        activities: createActivities({
          db,
          mailer: workerMetrics.countMail(o.mailer),
          erp,
          publicUrl: publicUrl(),
          logger: o.logger,
          sms: workerMetrics.countSms(sms),
          links,
          now,
          ...(o.timeZone ? { timeZone: o.timeZone } : {}),
          secrets,
          webhookTimeoutMs: webhooks.retry.attemptTimeoutMs,
          ...(o.chat ? { chat: o.chat } : {}),
        }),
        ...(o.workflowBundleCode ? { workflowBundleCode: o.workflowBundleCode } : {}),
      });
      const running = w.run();
      stops.push(async () => {
        if (w.getState() === 'RUNNING') w.shutdown();
        await running;
      });
      worker = w;
    }

    let opsUrl: string | null = null;
    if (worker && workerMetrics && o.opsPort !== undefined) {
      const running = worker;
      const ops = await startOpsServer({
        host: o.opsHost ?? '127.0.0.1',
        port: o.opsPort,
        checks: async () => ({
          accepting: stopping === null ? 'ok' : 'failing',
          worker: running.getState() === 'RUNNING' ? 'ok' : 'failing',
          database: (await databaseReady(db)) ? 'ok' : 'failing',
        }),
        metrics: () => workerMetrics.text(),
      });
      // Stopped last (pushed first would be wrong: stops run newest first), so /readyz says 503 while draining.
      stops.unshift(() => ops.close());
      opsUrl = ops.url;
    }

    return {
      db,
      url,
      worker,
      workerIdentity: o.runWorker ? identity : null,
      opsUrl,
      mqtt: intake,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function connectNative(address: string): Promise<NativeConnection> {
  return NativeConnection.connect({ address }).catch((err: unknown) => {
    throw new StartupError(`Temporal at ${address} does not answer: start it, or fix TEMPORAL_ADDRESS.`, {
      cause: err,
    });
  });
}

/** /readyz's ERP check: the adapter's ping within 3 s, remembered for 5 s so probes do not load the ERP. */
function erpProbe(erp: ErpAdapter): (() => Promise<boolean>) | null {
  if (!erp.ping) return null;
  const ping = erp.ping.bind(erp);
  let last: { at: number; ok: Promise<boolean> } | null = null;
  return () => {
    if (last && Date.now() - last.at < 5000) return last.ok;
    const ok = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 3000);
      ping()
        .then(
          () => resolve(true),
          () => resolve(false),
        )
        .finally(() => clearTimeout(timer));
    });
    last = { at: Date.now(), ok };
    return ok;
  };
}
