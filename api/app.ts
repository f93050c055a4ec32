/** createApp(deps): the Express application — REST API, health endpoints, problem+json errors. */
import express, { type Express } from 'express';
import type { MailCatcher } from '../activities/notify/mail-catcher.js';
import type { RecordingSms } from '../activities/notify/sms.js';
import type { LinkSigner } from '../lib/links.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../lib/logger.js';
import { authenticate, requireRole } from './auth.js';
import { createMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';

import type { CaseEngine } from './engine.js';
import { HttpProblem, problemHandler, sendProblem } from './problem.js';
import { caseRoutes } from './routes/cases.js';
import { actionLinkRoutes } from './routes/actions.js';
import { catalogRoutes } from './routes/catalog.js';
import { peopleRoutes } from './routes/people.js';
import { twilioRoutes } from './routes/twilio.js';
import { reportRoutes } from './routes/reports.js';
import type { CaseEventBus } from './web/live.js';
import { webRoutes } from './web/routes.js';

export interface AppDeps {
  db: Db;
  engine: CaseEngine;
  logger: Logger;
  /** Extra readiness check (e.g. Temporal reachable); resolves true when ready. */
  temporalReady?: () => Promise<boolean>;
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
  /** The web UI (sign-in, board, case pages, reports); absent: API only. */
  web?: { sessionSecret: string; events?: CaseEventBus };
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const metrics = createMetrics(deps.db);
  app.use(metrics.middleware);
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  const openapi = JSON.stringify(openApiDocument());
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openapi);
  });

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, 'ok' | 'failing'> = {};
    try {
      await deps.db.raw('select 1');
      checks.database = 'ok';
    } catch {
      checks.database = 'failing';
    }
    if (deps.temporalReady)
      checks.temporal = (await deps.temporalReady().catch(() => false)) ? 'ok' : 'failing';
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  // Reached from a phone or by Twilio, without an API key: signed links and signed webhooks.
  const publicUrl = deps.publicUrl ?? (() => 'http://localhost:3000');
  app.use(
    twilioRoutes({
      db: deps.db,
      engine: deps.engine,
      logger: deps.logger,
      publicUrl,
      ...(deps.twilioAuthToken ? { authToken: deps.twilioAuthToken } : {}),
    }),
  );
  if (deps.links) {
    app.use(
      actionLinkRoutes({
        db: deps.db,
        engine: deps.engine,
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
    caseRoutes({ ...deps, metrics }),
    catalogRoutes(deps),
    reportRoutes(deps),
    peopleRoutes(deps),
  );

  const devMail = deps.devMail;
  if (devMail) {
    app.get('/api/v1/dev/mail', requireRole('supervisor'), (_req, res) => {
      res.json({ messages: devMail.messages.slice(-200).reverse() });
    });
  }

  const devSms = deps.devSms;
  if (devSms) {
    app.get('/api/v1/dev/sms', requireRole('supervisor'), (_req, res) => {
      res.json({ messages: devSms.messages.slice(-200).reverse() });
    });
  }

  if (deps.web) {
    app.use(
      webRoutes({
        db: deps.db,
        engine: deps.engine,
        logger: deps.logger,
        timeZone: deps.timeZone ?? 'UTC',
        sessionSecret: deps.web.sessionSecret,
        ...(deps.web.events ? { events: deps.web.events } : {}),
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
