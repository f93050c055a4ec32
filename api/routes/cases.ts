/** /api/v1/cases and /api/v1/notifications */
import { Router, type Request, type Response } from 'express';
import {
  caseWorkflowId,
  getCase,
  markStarted,
  notificationsForCase,
  openCase,
  timeline,
  type CaseRecord,
} from '../../db/cases.js';
import type { Db } from '../../db/index.js';
import { findPolicy } from '../../db/policies.js';
import { EXCEPTION_TYPE_LABELS } from '../../domain/model.js';
import type { Logger } from '../../lib/logger.js';
import { actorRef, type CaseState } from '../../workflows/messages.js';
import { actorOf, requireRole } from '../auth.js';
import { ActionRefused, EngineUnavailable, type CaseEngine } from '../engine.js';
import { conflict, HttpProblem, notFound, parse } from '../problem.js';
import {
  ackBody,
  caseIdParams,
  closeBody,
  createCaseBody,
  notificationsQuery,
  resolveBody,
  type CreateCaseBody,
} from '../schemas.js';

export interface CaseRoutesDeps {
  db: Db;
  engine: CaseEngine;
  logger: Logger;
}

const detailsOf = (b: CreateCaseBody): Record<string, unknown> => {
  switch (b.type) {
    case 'material_shortage':
      return b.material;
    case 'equipment_fault':
      return b.equipment;
    case 'quality_failure':
      return b.quality;
    case 'order_delay':
      return b.order;
  }
};

const defaultTitle = (b: CreateCaseBody): string => {
  const label = EXCEPTION_TYPE_LABELS[b.type].en;
  switch (b.type) {
    case 'material_shortage':
      return `${label}: ${b.material.itemCode} (${b.material.requiredQty} ${b.material.uom}) on ${b.line}`;
    case 'equipment_fault':
      return `${label}: ${b.equipment.equipmentId} fault ${b.equipment.faultCode} on ${b.line}`;
    case 'quality_failure':
      return `${label}: lot ${b.quality.lot} (${b.quality.defectCode}) on ${b.line}`;
    case 'order_delay':
      return `${label}: order ${b.order.orderId} now ${b.order.projectedDate} (promised ${b.order.promisedDate})`;
  }
};

/** A body, when sent, must be JSON (an empty body is fine for actions without fields). */
function requireJsonBody(req: Request): void {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is(['application/json', 'application/*+json'])) {
    throw new HttpProblem(415, 'Unsupported Media Type', 'send the body as application/json');
  }
}

export function caseRoutes({ db, engine, logger }: CaseRoutesDeps): Router {
  const r = Router();

  const loadCase = async (req: Request): Promise<CaseRecord> => {
    const { id } = parse(caseIdParams, req.params, 'path');
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
    const policy = await findPolicy(db, body.type, body.severity, body.line);
    const { created, record } = await openCase(
      db,
      {
        source: body.source,
        externalId: body.externalId,
        type: body.type,
        severity: body.severity,
        line: body.line,
        station: body.station ?? null,
        title: body.title ?? defaultTitle(body),
        description: body.description ?? null,
        reasonCode: body.reasonCode ?? null,
        details: detailsOf(body),
        occurredAt: body.occurredAt ? new Date(body.occurredAt) : new Date(),
        policy,
      },
      actorRef(actorOf(req)),
    );
    let current = record;
    if (record.status === 'pending_start') {
      try {
        await engine.start(record);
        await markStarted(db, record.id);
        current = (await getCase(db, record.id)) ?? record;
      } catch (err) {
        if (!(err instanceof EngineUnavailable)) throw err;
        // Accepted all the same: the reconciler starts it once Temporal is reachable again.
        logger.warn({ caseId: record.id, err: err.message }, 'case accepted; workflow start deferred');
      }
    }
    const status = !created ? 200 : current.status === 'pending_start' ? 202 : 201;
    res.status(status).location(`/api/v1/cases/${record.id}`).json(withLive(current, null));
  });

  r.get('/cases/:id', requireRole('staff'), async (req, res) => {
    const record = await loadCase(req);
    const live = record.status === 'pending_start' ? null : await engine.state(record.id);
    res.json(withLive(record, live));
  });

  r.get('/cases/:id/timeline', requireRole('staff'), async (req, res) => {
    const record = await loadCase(req);
    res.json({ caseId: record.id, events: await timeline(db, record.id) });
  });

  /** Runs a human action through the workflow and answers with the case as it now stands. */
  const action =
    (run: (record: CaseRecord, req: Request) => Promise<CaseState>) =>
    async (req: Request, res: Response) => {
      requireJsonBody(req);
      const record = await loadCase(req);
      if (record.status === 'pending_start') {
        throw new HttpProblem(
          503,
          'Service Unavailable',
          `case ${record.id} is accepted but its workflow has not started yet; retry shortly`,
        );
      }
      let live: CaseState;
      try {
        live = await run(record, req);
      } catch (err) {
        if (err instanceof ActionRefused) throw conflict(err.message);
        if (err instanceof EngineUnavailable) {
          throw new HttpProblem(
            503,
            'Service Unavailable',
            'the workflow engine is unreachable; retry shortly',
          );
        }
        throw err;
      }
      res.json(withLive((await getCase(db, record.id)) ?? record, live));
    };

  r.post(
    '/cases/:id/ack',
    requireRole('staff'),
    action((c, req) => {
      const b = parse(ackBody, req.body ?? {}, 'body');
      return engine.ack(c.id, { actor: actorOf(req), ...(b.note ? { note: b.note } : {}) });
    }),
  );
  r.post(
    '/cases/:id/resolve',
    requireRole('staff'),
    action((c, req) => {
      const b = parse(resolveBody, req.body ?? {}, 'body');
      return engine.resolve(c.id, {
        actor: actorOf(req),
        resolution: b.resolution,
        ...(b.rootCause ? { rootCause: b.rootCause } : {}),
      });
    }),
  );
  r.post(
    '/cases/:id/close',
    requireRole('supervisor'),
    action((c, req) => {
      const b = parse(closeBody, req.body ?? {}, 'body');
      return engine.close(c.id, { actor: actorOf(req), ...(b.note ? { note: b.note } : {}) });
    }),
  );

  r.get('/notifications', requireRole('supervisor'), async (req, res) => {
    const { caseId } = parse(notificationsQuery, req.query, 'query');
    if (!(await getCase(db, caseId))) throw notFound(`case ${caseId}`);
    res.json({ caseId, notifications: await notificationsForCase(db, caseId) });
  });

  return r;
}
