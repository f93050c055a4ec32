/**
 * reportCase(): a report from outside (REST `POST /api/v1/cases`, MQTT `andon/<source>/report`,
 * mapped machine alarms) becomes a case — or, when it repeats a problem still open, a repeat counted
 * on that case (db/case-reports.ts, domain/storm.ts) — and the case's workflow is started.
 */
import { getCase, markStarted, openCase, type CaseRecord } from '../db/cases.js';
import type { Db } from '../db/index.js';
import { findPolicy } from '../db/policies.js';
import { actorRef, type Actor } from '../domain/contracts/actions.js';
import { factsOf, type CreateCaseBody } from '../domain/contracts/case.js';
import { renderRef, type MessageRef } from '../domain/messages.js';
import { shiftAt } from '../domain/shifts.js';
import { DEFAULT_STORM_KEYS, fingerprintOf, type StormKeys } from '../domain/storm.js';
import type { Logger } from '../lib/logger.js';
import { SOPS } from '../workflows/sop/index.js';
import { TemporalUnavailable, type CaseClient } from './case-client.js';
import type { Metrics } from './metrics.js';
import { HttpProblem } from './problem.js';

export interface ReportDeps {
  db: Db;
  cases: CaseClient;
  logger: Logger;
  /** IANA time zone of the plant: shifts are local. */
  timeZone?: string;
  /** Business keys of alarm storms per type (default: domain/storm.ts). */
  storm?: StormKeys;
  metrics?: Metrics;
}

export interface Reported {
  /** 201 opened, 202 accepted (its workflow starts once Temporal is back), 200 an earlier case. */
  status: 200 | 201 | 202;
  record: CaseRecord;
  created: boolean;
  /** Counted as a repeat on an open case. */
  repeat: boolean;
}

/** The title the report gave, else the SOP's default for its facts. */
const titleOf = (b: CreateCaseBody): string =>
  b.title ??
  renderRef(
    (SOPS[b.type].defaultTitle as (f: unknown, line: string) => MessageRef)(factsOf(b), b.line),
    'en',
  );

export async function reportCase(
  deps: ReportDeps,
  body: CreateCaseBody,
  actor: Actor,
  /** A report of a key already known is a duplicate delivery, not a repeat (MQTT). */
  o: { duplicateKey?: boolean } = {},
): Promise<Reported> {
  const { db, cases, logger } = deps;
  const facts = factsOf(body);
  const opened = await openCase(
    db,
    {
      source: body.source,
      externalId: body.externalId,
      type: body.type,
      severity: body.severity,
      line: body.line,
      station: body.station ?? null,
      title: () => titleOf(body),
      description: body.description ?? null,
      reasonCode: body.reasonCode ?? null,
      details: facts,
      occurredAt: body.occurredAt ? new Date(body.occurredAt) : new Date(),
      policy: () => findPolicy(db, body.type, body.severity, body.line),
      shift: () => shiftAt(new Date(), deps.timeZone ?? 'UTC'),
      repeats: {
        fingerprint: fingerprintOf(deps.storm ?? DEFAULT_STORM_KEYS, body.type, facts),
        ...(o.duplicateKey ? { countSameKey: false } : {}),
      },
    },
    actorRef(actor),
  );
  const { created, repeat, record } = opened;
  if (!created && record.type !== body.type) {
    // The same report cannot be two different problems: say so instead of answering the old case.
    const message = `${body.source}/${body.externalId} already reported case ${record.id} as ${record.type}`;
    throw new HttpProblem(409, 'Conflict', `type: ${message}`, [{ field: 'type', message }]);
  }
  let current = record;
  // A repeat leaves the start to whoever opened the case (or the reconciler): storms stay cheap.
  if (record.status === 'pending_start' && !repeat) {
    try {
      await cases.start(record);
      current = (await markStarted(db, record.id)) ?? (await getCase(db, record.id)) ?? record;
    } catch (err) {
      if (!(err instanceof TemporalUnavailable)) throw err;
      // Accepted all the same: the reconciler starts it once Temporal is reachable again.
      logger.warn({ caseId: record.id, err: err.message }, 'case accepted; workflow start deferred');
    }
  }
  if (created) deps.metrics?.casesOpened.inc({ type: record.type });
  const status = !created ? 200 : current.status === 'pending_start' ? 202 : 201;
  return { status, record: current, created, repeat };
}
