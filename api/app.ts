/** createApp(deps): the Express application — REST API, web UI, webhooks, health, problem+json errors. */
import { randomBytes } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Db } from '../db/index.js';
import { databaseReady } from '../db/web-admin.js';
import type { LinkSigner } from '../lib/links.js';
import { logContext } from '../lib/log-context.js';
import type { Logger } from '../lib/logger.js';
import type { MailCatcher } from '../lib/mail-catcher.js';
import type { RecordingSms } from '../lib/recording-sms.js';
import { createSecretBox, type SecretBox } from '../lib/secret-box.js';
import type { StormKeys } from '../domain/storm.js';
import { authenticate } from './auth.js';
import { keepRawBody, requireSignatures } from './inbound-signature.js';
import type { CaseClient } from './case-client.js';
import { createMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { HttpProblem, problemHandler, sendProblem } from './problem.js';
import { accountRoutes } from './routes/accounts.js';
import { actionLinkRoutes } from './routes/actions.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { auditRoutes } from './routes/audit.js';
import { caseRoutes } from './routes/cases.js';
import { catalogRoutes } from './routes/catalog.js';
import { notifyAdminRoutes, type SendChat } from './routes/notify-admin.js';
import { devRoutes } from './routes/dev.js';
import { peopleRoutes } from './routes/people.js';
import { displayTokenRoutes } from './routes/display-tokens.js';
import { reportRoutes } from './routes/reports.js';
import { mqttRoutes } from './routes/mqtt.js';
import { signingRoutes } from './routes/signing.js';
import { twilioRoutes } from './routes/twilio.js';
import { userRoutes } from './routes/users.js';
import { webhookRoutes } from './routes/webhooks.js';
import type { CaseEventBus } from './web/live.js';
import { webRoutes, type WebDeps } from './web/router.js';

export interface AppDeps {
  db: Db;
  cases: CaseClient;
  logger: Logger;
  /** Extra readiness check (e.g. Temporal reachable); resolves true when ready. */
  temporalReady?: () => Promise<boolean>;
  /** The ERP answers (reported by /readyz; informational: a down ERP does not stop intake). */
  erpReady?: () => Promise<boolean>;
  /** IANA time zone of the plant (shifts, report periods). */
  timeZone?: string;
  /** In-process mail catcher (no SMTP_URL): its messages are listed at GET /api/v1/dev/mail. */
  devMail?: MailCatcher;
  /** Recording SMS transport (Twilio unset): its messages are listed at GET /api/v1/dev/sms. */
  devSms?: RecordingSms;
  /** Signs and checks the one-time action links (GET/POST /a/{token}); absent: no action pages. */
  links?: LinkSigner;
  /** TWILIO_AUTH_TOKEN, to check Twilio's webhook signatures; absent: the webhooks answer 403. */
  twilioAuthToken?: string;
  /** Base URL people and Twilio reach the API at (links, webhook signatures). */
  publicUrl?: () => string;
  /** The clock (rosters, links); default real time. */
  now?: () => Date;
  /** True once the process is stopping: /readyz answers 503 so load balancers send no more. */
  draining?: () => boolean;
  /** More exposition text for /metrics (the worker's, when it runs in the same process). */
  extraMetrics?: () => Promise<string>;
  /** Seals and opens the signing secrets of webhooks and MES keys (lib/secret-box.ts); default: a key for this process only. */
  secrets?: SecretBox;
  /** Business keys of alarm storms per type (default: domain/storm.ts). */
  storm?: StormKeys;
  /** Outgoing webhooks: plain http beyond loopback allowed, and how long one POST may take. */
  webhooks?: { allowHttp?: boolean; timeoutMs?: number };
  /** Origins group-channel webhooks may use besides the providers' own (ANDON_CHAT_WEBHOOK_ORIGINS). */
  chatWebhookOrigins?: readonly string[];
  /** Posts a chat card to a group channel (the group channels' "send test message"). */
  sendChat?: SendChat;
  /** The web UI (sign-in, board, case pages, reports); absent: API only. */
  web?: { sessionSecret: string; events?: CaseEventBus } & Pick<
    WebDeps,
    'loginLimit' | 'lockout' | 'maxStreamsPerSession'
  >;
}

/**
 * Headers for every answer: a strict CSP (scripts and styles from this site only, no framing,
 * forms posting here only), X-Frame-Options DENY, nosniff. No upgrade-insecure-requests: plants
 * run Andon on plain http inside their network too.
 */
const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      styleSrc: ["'self'"],
      scriptSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  // Not no-referrer: browsers then send `Origin: null` on form posts, and the web's own forms
  // are told from cross-site ones by their Origin.
  referrerPolicy: { policy: 'same-origin' },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
});

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const metrics = createMetrics(deps.db);
  const secrets = deps.secrets ?? createSecretBox(randomBytes(32).toString('base64url'));
  app.use(metrics.middleware);
  app.use(securityHeaders);
  // API answers are about one moment and one caller: never kept by a cache.
  app.use(['/api', '/healthz', '/readyz'], (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use(
    express.json({ limit: '1mb', type: ['application/json', 'application/*+json'], verify: keepRawBody }),
  );
  // Log lines written while serving a case carry its id.
  app.use((req, _res, next) => {
    const m = /^\/(?:api\/v1\/)?cases\/(\d{1,15})(?:\/|$)/.exec(req.path);
    if (m) logContext.run({ caseId: Number(m[1]) }, next);
    else next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  const openapi = JSON.stringify(openApiDocument());
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openapi);
  });

  app.get('/metrics', async (_req, res) => {
    const extra = deps.extraMetrics ? `\n${await deps.extraMetrics()}` : '';
    res.type(metrics.registry.contentType).send(`${await metrics.registry.metrics()}${extra}`);
  });

  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, 'ok' | 'failing'> = {};
    // Named only while stopping, so the answer of a running API stays what monitors expect.
    if (deps.draining?.()) checks.accepting = 'failing';
    checks.database = (await databaseReady(deps.db)) ? 'ok' : 'failing';
    if (deps.temporalReady)
      checks.temporal = (await deps.temporalReady().catch(() => false)) ? 'ok' : 'failing';
    const ready = Object.values(checks).every((v) => v === 'ok');
    // Cases still open and their ERP steps retry until the ERP is back: reported, not gating.
    if (deps.erpReady) checks.erp = (await deps.erpReady().catch(() => false)) ? 'ok' : 'failing';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  // Reached from a phone or by Twilio, without an API key: signed links and signed webhooks.
  const publicUrl = deps.publicUrl ?? (() => 'http://localhost:3000');
  app.use(
    twilioRoutes({
      db: deps.db,
      cases: deps.cases,
      logger: deps.logger,
      publicUrl,
      ...(deps.twilioAuthToken ? { authToken: deps.twilioAuthToken } : {}),
    }),
  );
  if (deps.links) {
    app.use(
      actionLinkRoutes({
        db: deps.db,
        cases: deps.cases,
        logger: deps.logger,
        links: deps.links,
        publicUrl,
        ...(deps.timeZone ? { timeZone: deps.timeZone } : {}),
      }),
    );
  }

  app.use(
    '/api/v1',
    authenticate(deps.db),
    requireSignatures(deps.db, secrets, deps.now),
    caseRoutes({ ...deps, metrics }),
    catalogRoutes(deps),
    reportRoutes(deps),
    peopleRoutes(deps),
    accountRoutes(deps),
    userRoutes({ db: deps.db, publicUrl }),
    apiKeyRoutes(deps),
    auditRoutes(deps),
    devRoutes(deps),
    webhookRoutes({ db: deps.db, secrets, publicUrl, ...deps.webhooks }),
    signingRoutes({ db: deps.db, secrets }),
    mqttRoutes(deps),
    notifyAdminRoutes({
      db: deps.db,
      secrets,
      publicUrl,
      ...(deps.chatWebhookOrigins ? { chatWebhookOrigins: deps.chatWebhookOrigins } : {}),
      ...(deps.sendChat ? { sendChat: deps.sendChat } : {}),
    }),
    displayTokenRoutes(deps),
  );

  if (deps.web) {
    const { sessionSecret, events, ...limits } = deps.web;
    app.use(
      webRoutes({
        db: deps.db,
        cases: deps.cases,
        logger: deps.logger,
        timeZone: deps.timeZone ?? 'UTC',
        sessionSecret,
        ...limits,
        ...(events ? { events } : {}),
        ...(deps.devMail ? { devMail: deps.devMail } : {}),
        ...(deps.devSms ? { devSms: deps.devSms } : {}),
      }),
    );
  }

  app.use((req, res) => {
    sendProblem(
      res,
      new HttpProblem(404, 'Not Found', `no route for ${req.method} ${req.path}`),
      req.originalUrl,
    );
  });
  app.use(problemHandler(deps.logger));
  return app;
}
