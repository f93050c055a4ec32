/** /api/v1/cases and /api/v1/notifications */
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { caseWorkflowId } from '../../workflows/case/input.js';
import {
  getCase,
  listCases,
  markStarted,
  openRecurrence,
  openCase,
  type CaseRecord,
} from '../../db/cases.js';
import { notificationsForCase } from '../../db/outbox.js';
import { timeline } from '../../db/timeline.js';
import type { Db } from '../../db/index.js';
import { findPolicy } from '../../db/policies.js';
import {
  ackBody,
  cancelBody,
  closeBody,
  commentBody,
  decisionBody,
  etaBody,
  mesEventBody,
  reassignBody,
  reopenBody,
  resolveBody,
  type CaseUpdates,
} from '../../domain/contracts/actions.js';
import {
  caseIdParams,
  createCaseBody,
  factsOf,
  listCasesQuery,
  notificationsQuery,
  type CreateCaseBody,
} from '../../domain/contracts/case.js';
import { shiftAt } from '../../domain/shifts.js';
import { mesEventAllowed, SOPS } from '../../workflows/sop/index.js';
import type { Logger } from '../../lib/logger.js';
import type { Metrics } from '../metrics.js';

import { actorRef, type CaseState } from '../../workflows/messages.js';
import { actorOf, requireRole } from '../auth.js';
import { ActionRefused, CaseFinished, EngineUnavailable, type CaseEngine } from '../engine.js';
import { conflict, HttpProblem, notFound, parse } from '../problem.js';

export interface CaseRoutesDeps {
  db: Db;
  engine: CaseEngine;
  logger: Logger;
  /** IANA time zone of the plant: shifts are local. */
  timeZone?: string;
  metrics?: Metrics;
}

/** The title the report gave, else the SOP's default for its facts. */
const titleOf = (b: CreateCaseBody): string =>
  b.title ?? (SOPS[b.type].defaultTitle as (f: unknown, line: string) => string)(factsOf(b), b.line);

/** Drops undefined properties (the workflow inputs use optional, not undefined, fields). */
function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** A body, when sent, must be JSON (an empty body is fine for actions without fields). */
function requireJsonBody(req: Request): void {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is(['application/json', 'application/*+json'])) {
    throw new HttpProblem(415, 'Unsupported Media Type', 'send the body as application/json');
  }
}

export function caseRoutes({ db, engine, logger, timeZone = 'UTC', metrics }: CaseRoutesDeps): Router {
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
        title: titleOf(body),
        description: body.description ?? null,
        reasonCode: body.reasonCode ?? null,
        details: factsOf(body),
        occurredAt: body.occurredAt ? new Date(body.occurredAt) : new Date(),
        policy,
        shift: shiftAt(new Date(), timeZone),
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
    if (created) metrics?.casesOpened.inc({ type: record.type });
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

  /** Runs an action through the case's workflow and answers with the case as it now stands. */
  const act = async <K extends keyof CaseUpdates>(
    req: Request,
    res: Response,
    action: K,
    input: (record: CaseRecord) => Promise<CaseUpdates[K]> | CaseUpdates[K],
  ): Promise<void> => {
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
      live = await engine.update(record.id, action, await input(record));
    } catch (err) {
      if (err instanceof ActionRefused) throw conflict(err.message);
      if (err instanceof CaseFinished)
        throw conflict(`case ${record.id} is ${record.status} and finished; nothing more can be done to it`);
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
  const body = <T extends z.ZodType>(schema: T, req: Request): z.infer<T> =>
    parse(schema, req.body ?? {}, 'body');

  r.post('/cases/:id/ack', requireRole('staff'), (req, res) =>
    act(req, res, 'ack', () => {
      const b = body(ackBody, req);
      return { actor: actorOf(req), ...defined({ taskKey: b.taskKey, note: b.note }) };
    }),
  );
  r.post('/cases/:id/comments', requireRole('staff'), (req, res) =>
    act(req, res, 'comment', () => ({ actor: actorOf(req), text: body(commentBody, req).text })),
  );
  r.post('/cases/:id/decisions', requireRole('staff'), (req, res) =>
    act(req, res, 'decide', () => {
      const b = body(decisionBody, req);
      return {
        actor: actorOf(req),
        option: b.option,
        ...defined({ taskKey: b.taskKey, data: b.data, note: b.note }),
      };
    }),
  );
  r.post('/cases/:id/eta', requireRole('staff'), (req, res) =>
    act(req, res, 'eta', () => {
      const b = body(etaBody, req);
      return { actor: actorOf(req), eta: new Date(b.eta).toISOString(), ...defined({ taskKey: b.taskKey }) };
    }),
  );
  r.post('/cases/:id/reassign', requireRole('supervisor'), (req, res) =>
    act(req, res, 'reassign', async () => {
      const b = body(reassignBody, req);
      let person: { id: number; name: string } | undefined;
      if (b.personId !== undefined) {
        const row = await db('people').where({ id: b.personId, active: true }).first('id', 'name');
        if (!row)
          throw new HttpProblem(400, 'Invalid request', `personId: no active person ${b.personId}`, [
            { field: 'personId', message: 'no such active person' },
          ]);
        person = { id: row.id as number, name: row.name as string };
      }
      return {
        actor: actorOf(req),
        ...defined({ taskKey: b.taskKey, role: b.role, person, reason: b.reason }),
      };
    }),
  );
  r.post('/cases/:id/resolve', requireRole('staff'), (req, res) =>
    act(req, res, 'resolve', () => {
      const b = body(resolveBody, req);
      return {
        actor: actorOf(req),
        resolution: b.resolution,
        ...defined({
          rootCause: b.rootCause,
          correctiveAction: b.correctiveAction,
          downtimeMinutes: b.downtimeMinutes,
        }),
      };
    }),
  );
  r.post('/cases/:id/close', requireRole('supervisor'), (req, res) =>
    act(req, res, 'close', () => {
      const b = body(closeBody, req);
      return {
        actor: actorOf(req),
        ...defined({
          note: b.note,
          rootCause: b.rootCause,
          correctiveAction: b.correctiveAction,
          downtimeMinutes: b.downtimeMinutes,
        }),
      };
    }),
  );
  r.post('/cases/:id/cancel', requireRole('supervisor'), (req, res) =>
    act(req, res, 'cancel', () => ({ actor: actorOf(req), reason: body(cancelBody, req).reason })),
  );
  r.post('/cases/:id/events', requireRole('mes'), (req, res) =>
    act(req, res, 'mesEvent', (record) => {
      const b = body(mesEventBody, req);
      if (!mesEventAllowed(record.type, b.kind)) {
        throw new HttpProblem(400, 'Invalid request', `kind: a ${record.type} case does not take ${b.kind}`, [
          { field: 'kind', message: `not an event of a ${record.type} case` },
        ]);
      }
      const actor = actorOf(req);
      return {
        actor: { ...actor, kind: actor.kind === 'api_key' ? 'mes' : actor.kind },
        kind: b.kind,
        ...defined({ data: b.data }),
      };
    }),
  );

  /** Reopen: the same case within the policy's window; later, a new case linked as a recurrence. */
  r.post('/cases/:id/reopen', requireRole('supervisor'), async (req, res) => {
    requireJsonBody(req);
    const record = await loadCase(req);
    const b = body(reopenBody, req);
    if (record.status !== 'resolved' && record.status !== 'closed') {
      throw conflict(`case is ${record.status}; only a resolved or closed case can be reopened`);
    }
    const since = Date.parse(record.closedAt ?? record.resolvedAt ?? record.openedAt);
    const windowMs = (record.policy.reopenWindowSeconds ?? 7 * 24 * 3600) * 1000;
    if (Date.now() - since <= windowMs) {
      try {
        const live = await engine.update(record.id, 'reopen', { actor: actorOf(req), reason: b.reason });
        res.json(withLive((await getCase(db, record.id)) ?? record, live));
        return;
      } catch (err) {
        if (err instanceof ActionRefused && !/window/.test(err.message)) throw conflict(err.message);
        if (err instanceof EngineUnavailable)
          throw new HttpProblem(
            503,
            'Service Unavailable',
            'the workflow engine is unreachable; retry shortly',
          );
        if (!(err instanceof ActionRefused) && !(err instanceof CaseFinished)) throw err;
        // The workflow has let the window go: fall through to a recurrence.
      }
    }
    const recurrence = await openRecurrence(db, record, b.reason, actorRef(actorOf(req)));
    try {
      await engine.start(recurrence);
      await markStarted(db, recurrence.id);
    } catch (err) {
      if (!(err instanceof EngineUnavailable)) throw err;
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
