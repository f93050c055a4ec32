/** createApp(deps): the Express application — REST API, health endpoints, problem+json errors. */
import express, { type Express } from 'express';
import type { MailCatcher } from '../activities/notify/mail-catcher.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../lib/logger.js';
import { authenticate, requireRole } from './auth.js';
import type { CaseEngine } from './engine.js';
import { HttpProblem, problemHandler, sendProblem } from './problem.js';
import { caseRoutes } from './routes/cases.js';
import { catalogRoutes } from './routes/catalog.js';
import { reportRoutes } from './routes/reports.js';

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
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(express.json({ limit: '1mb', type: ['application/json', 'application/*+json'] }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
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

  app.use('/api/v1', authenticate(deps.db), caseRoutes(deps), catalogRoutes(deps), reportRoutes(deps));

  const devMail = deps.devMail;
  if (devMail) {
    app.get('/api/v1/dev/mail', requireRole('supervisor'), (_req, res) => {
      res.json({ messages: devMail.messages.slice(-200).reverse() });
    });
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
