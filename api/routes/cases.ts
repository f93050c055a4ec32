/** /api/v1/cases and /api/v1/notifications */
import { Router, type Request, type Response } from 'express';
import { caseWorkflowId } from '../../workflows/case/input.js';
import { caseIdByKey } from '../../db/case-reports.js';
import { getCase, listCases, markStarted, openRecurrence, type CaseRecord } from '../../db/cases.js';
import { notificationsForCase } from '../../db/outbox.js';
import { timeline } from '../../db/timeline.js';
import type { Db } from '../../db/index.js';
import { actorRef, reopenBody, type Actor } from '../../domain/contracts/actions.js';
import {
  caseIdParams,
  createCaseBody,
  externalKeyParams,
  listCasesQuery,
  notificationsQuery,
} from '../../domain/contracts/case.js';
import type { StormKeys } from '../../domain/storm.js';
import type { Logger } from '../../lib/logger.js';
import type { CaseState } from '../../workflows/case/messages.js';
import type { Metrics } from '../metrics.js';
import { actorOf, requireRole } from '../auth.js';
import { TemporalUnavailable, type CaseClient } from '../case-client.js';
import { conflict, HttpProblem, notFound, parse } from '../problem.js';
import { redactEvent, seesContacts } from '../redact.js';
import { reportCase } from '../report-case.js';
import { problemOf, runAction, type ActionName } from '../run-action.js';

export interface CaseRoutesDeps {
  db: Db;
  cases: CaseClient;
  logger: Logger;
  /** IANA time zone of the plant: shifts are local. */
  timeZone?: string;
  metrics?: Metrics;
  /** Business keys of alarm storms per type (default: domain/storm.ts). */
  storm?: StormKeys;
}

/** A body, when sent, must be JSON (an empty body is fine for actions without fields). */
function requireJsonBody(req: Request): void {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is(['application/json', 'application/*+json'])) {
    throw new HttpProblem(415, 'Unsupported Media Type', 'send the body as application/json');
  }
}

export function caseRoutes({ db, cases, logger, timeZone = 'UTC', metrics, storm }: CaseRoutesDeps): Router {
  const r = Router();

  const caseIdOf = (req: Request): number => parse(caseIdParams, req.params, 'path').id;
  const loadCase = async (req: Request): Promise<CaseRecord> => {
    const id = caseIdOf(req);
    const record = await getCase(db, id);
    if (!record) throw notFound(`case ${id}`);
    return record;
  };

  const withLive = (record: CaseRecord, live: CaseState | null) => ({
    ...record,
    workflowId: caseWorkflowId(record.id),
    live,
  });

  r.post('/cases', requireRole('mes', 'supervisor'), async (req, res) => {
    requireJsonBody(req);
    const body = parse(createCaseBody, req.body ?? {}, 'body');
    const { status, record } = await reportCase(
      { db, cases, logger, timeZone, metrics, ...(storm ? { storm } : {}) },
      body,
      actorOf(req),
    );
    res.status(status).location(`/api/v1/cases/${record.id}`).json(withLive(record, null));
  });

  r.get('/cases/:id', requireRole('staff'), async (req, res) => {
    const record = await loadCase(req);
    const live = record.status === 'pending_start' ? null : await cases.state(record.id);
    res.json(withLive(record, live));
  });

  r.get('/cases/:id/timeline', requireRole('staff'), async (req, res) => {
    const record = await loadCase(req);
    const events = await timeline(db, record.id);
    // Staff keys do not see people's phone numbers and addresses (supervisors and admins do).
    res.json({
      caseId: record.id,
      events: seesContacts(req.apiKey!.role) ? events : events.map(redactEvent),
    });
  });

  /** Runs an action through runAction() and answers with the case as it now stands. */
  const act =
    (
      action: ActionName,
      actor: (req: Request) => Actor = actorOf,
      caseOf: (req: Request) => Promise<number> = (req) => Promise.resolve(caseIdOf(req)),
    ) =>
    async (req: Request, res: Response): Promise<void> => {
      requireJsonBody(req);
      const caseId = await caseOf(req);
      const outcome = await runAction(
        { db, cases },
        { caseId, action, body: req.body ?? {}, actor: actor(req) },
      );
      if (!outcome.ok) throw problemOf(outcome);
      res.json(withLive(outcome.record, outcome.state));
    };
  /** MES events are the MES's, whichever key sent them. */
  const mesActor = (req: Request): Actor => {
    const a = actorOf(req);
    return { ...a, kind: a.kind === 'api_key' ? 'mes' : a.kind };
  };

  r.post('/cases/:id/ack', requireRole('staff'), act('ack'));
  r.post('/cases/:id/comments', requireRole('staff'), act('comment'));
  r.post('/cases/:id/decisions', requireRole('staff'), act('decide'));
  r.post('/cases/:id/eta', requireRole('staff'), act('eta'));
  r.post('/cases/:id/reassign', requireRole('supervisor'), act('reassign'));
  r.post('/cases/:id/resolve', requireRole('staff'), act('resolve'));
  r.post('/cases/:id/close', requireRole('supervisor'), act('close'));
  r.post('/cases/:id/cancel', requireRole('supervisor'), act('cancel'));
  r.post('/cases/:id/events', requireRole('mes'), act('mesEvent', mesActor));

  /** The case a system reported under `externalId` (its own report or a repeat folded into it). */
  const byExternalKey = async (req: Request): Promise<number> => {
    const { source, externalId } = parse(externalKeyParams, req.params, 'path');
    const id = await caseIdByKey(db, source, externalId);
    if (id === null) throw notFound(`a case reported by ${source} as ${externalId}`);
    return id;
  };
  r.get('/cases/by-external/:source/:externalId', requireRole('staff'), async (req, res) => {
    const record = await getCase(db, await byExternalKey(req));
    if (!record) throw notFound('the case');
    const live = record.status === 'pending_start' ? null : await cases.state(record.id);
    res.json(withLive(record, live));
  });
  r.post(
    '/cases/by-external/:source/:externalId/events',
    requireRole('mes'),
    act('mesEvent', mesActor, byExternalKey),
  );

  /** Reopen: the same case within the policy's window; later, a new case linked as a recurrence. */
  r.post('/cases/:id/reopen', requireRole('supervisor'), async (req, res) => {
    requireJsonBody(req);
    const record = await loadCase(req);
    const body = parse(reopenBody, req.body ?? {}, 'body');
    if (record.status !== 'resolved' && record.status !== 'closed')
      throw conflict(`case is ${record.status}; only a resolved or closed case can be reopened`);
    const since = Date.parse(record.closedAt ?? record.resolvedAt ?? record.openedAt);
    const windowMs = (record.policy.reopenWindowSeconds ?? 7 * 24 * 3600) * 1000;
    if (Date.now() - since <= windowMs) {
      const outcome = await runAction(
        { db, cases },
        { caseId: record.id, action: 'reopen', body, actor: actorOf(req), record },
      );
      if (outcome.ok) return void res.json(withLive(outcome.record, outcome.state));
      // The workflow has let the window go (or ended): fall through to a recurrence.
      const lapsed =
        outcome.kind === 'finished' || (outcome.kind === 'refused' && /window/.test(outcome.reason));
      if (!lapsed) throw problemOf(outcome);
    }
    const recurrence = await openRecurrence(db, record, body.reason, actorRef(actorOf(req)));
    try {
      await cases.start(recurrence);
      await markStarted(db, recurrence.id);
    } catch (err) {
      if (!(err instanceof TemporalUnavailable)) throw err;
    }
    const current = (await getCase(db, recurrence.id)) ?? recurrence;
    res
      .status(current.status === 'pending_start' ? 202 : 201)
      .location(`/api/v1/cases/${current.id}`)
      .json(withLive(current, null));
  });

  r.get('/cases', requireRole('staff'), async (req, res) => {
    const q = parse(listCasesQuery, req.query, 'query');
    if (q.from && q.to && q.from > q.to) {
      throw new HttpProblem(400, 'Invalid request', 'from: must not be after to', [
        { field: 'from', message: 'must not be after to' },
      ]);
    }
    const page = await listCases(db, q);
    res.json(page);
  });

  r.get('/notifications', requireRole('supervisor'), async (req, res) => {
    const { caseId } = parse(notificationsQuery, req.query, 'query');
    if (!(await getCase(db, caseId))) throw notFound(`case ${caseId}`);
    res.json({ caseId, notifications: await notificationsForCase(db, caseId) });
  });

  return r;
}
