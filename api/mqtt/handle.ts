/**
 * What one MQTT message does: a report opens (or repeats) a case through reportCase(), an event
 * acts through runAction() like POST /cases/{id}/events, a mapped machine alarm becomes an
 * equipment-fault report or its clearing event. A message that cannot be taken is answered with a
 * rejection naming the field (the intake dead-letters it); a failure that may pass (database or
 * Temporal away) is thrown, and the intake tries again before it acknowledges anything.
 */
import { randomUUID } from 'node:crypto';
import { caseIdByKey, openCasesByFacts } from '../../db/case-reports.js';
import type { Actor } from '../../domain/contracts/actions.js';
import { createCaseBody } from '../../domain/contracts/case.js';
import {
  machineAlarm,
  mqttEventBody,
  type AlarmMapping,
  type MachineAlarm,
} from '../../domain/contracts/mqtt.js';
import { line } from '../../domain/contracts/rules.js';
import { fieldErrors, HttpProblem, type FieldError } from '../problem.js';
import { reportCase, type ReportDeps } from '../report-case.js';
import { problemOf, runAction } from '../run-action.js';
import { routeOf, type TopicRoute } from './topics.js';

export interface HandleDeps extends ReportDeps {
  prefix: string;
  alarms: readonly AlarmMapping[];
}

export interface Rejection {
  /** The source the problem goes back to (`<prefix>/<source>/rejected`); null: nowhere to say it. */
  source: string | null;
  detail: string;
  errors: FieldError[];
}

export type Handled = { ok: true; caseId: number | null } | { ok: false; rejection: Rejection };

/** A failure that may pass: the message is not acknowledged and is tried again. */
export class TryAgain extends Error {}

const reject = (source: string | null, errors: FieldError[]): Handled => ({
  ok: false,
  rejection: { source, errors, detail: errors.map((e) => `${e.field}: ${e.message}`).join('; ') },
});

const actorFor = (source: string): Actor => ({ kind: 'mes', id: `mqtt:${source}`, name: `MQTT ${source}` });

/** The payload as a JSON object, or the problem with it. */
function jsonObjectOf(payload: Buffer): Record<string, unknown> | FieldError {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return { field: 'payload', message: 'is not UTF-8 text' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { field: 'payload', message: 'is not JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { field: 'payload', message: 'must be a JSON object' };
  return value as Record<string, unknown>;
}

const isProblem = (v: unknown): v is FieldError =>
  typeof v === 'object' && v !== null && 'field' in v && 'message' in v && Object.keys(v).length === 2;

export async function handleMqttMessage(deps: HandleDeps, topic: string, payload: Buffer): Promise<Handled> {
  const route = routeOf(topic, deps.prefix, deps.alarms);
  if (!route) return reject(null, [{ field: 'topic', message: `${topic} is not a topic Andon takes` }]);
  if (route.kind !== 'alarm') {
    const source = line(64).safeParse(route.source);
    if (!source.success)
      return reject(null, [
        { field: 'topic', message: `the source level ${source.error.issues[0]!.message}` },
      ]);
  }
  const json = jsonObjectOf(payload);
  const replyTo = route.kind === 'alarm' ? route.mapping.source : route.source;
  if (isProblem(json)) return reject(replyTo, [json]);
  try {
    if (route.kind === 'report') return await report(deps, route, json);
    if (route.kind === 'event') return await event(deps, route, json);
    return await alarm(deps, route.mapping, json);
  } catch (err) {
    if (err instanceof HttpProblem && err.status < 500)
      return reject(replyTo, err.errors ?? [{ field: 'payload', message: err.detail }]);
    throw err;
  }
}

/** The topic names the source; a payload that names another is refused, one that names none takes it. */
function withSource(json: Record<string, unknown>, source: string): Record<string, unknown> | FieldError {
  if (json.source === undefined) return { ...json, source };
  if (json.source !== source)
    return { field: 'source', message: `must be ${source}, the source in the topic` };
  return json;
}

async function report(
  deps: HandleDeps,
  route: Extract<TopicRoute, { kind: 'report' }>,
  json: Record<string, unknown>,
): Promise<Handled> {
  const body = withSource(json, route.source);
  if (isProblem(body)) return reject(route.source, [body]);
  const parsed = createCaseBody.safeParse(body);
  if (!parsed.success) return reject(route.source, fieldErrors(parsed.error.issues, 'payload'));
  // QoS 1 delivers at least once (a publisher's resend after a broker restart comes as a new message):
  // a report whose key Andon already has is that duplicate, not a repeat. Repeats come with new keys.
  const { record } = await reportCase(deps, parsed.data, actorFor(route.source), { duplicateKey: true });
  return { ok: true, caseId: record.id };
}

async function event(
  deps: HandleDeps,
  route: Extract<TopicRoute, { kind: 'event' }>,
  json: Record<string, unknown>,
): Promise<Handled> {
  const body = withSource(json, route.source);
  if (isProblem(body)) return reject(route.source, [body]);
  const parsed = mqttEventBody.safeParse(body);
  if (!parsed.success) return reject(route.source, fieldErrors(parsed.error.issues, 'payload'));
  const { source, externalId, kind, data } = parsed.data;
  const caseId = await caseIdByKey(deps.db, source, externalId);
  if (caseId === null)
    return reject(source, [
      { field: 'externalId', message: `no case was reported by ${source} as ${externalId}` },
    ]);
  return act(deps, source, caseId, { kind, ...(data ? { data } : {}) });
}

async function act(
  deps: HandleDeps,
  source: string,
  caseId: number,
  body: Record<string, unknown>,
): Promise<Handled> {
  const outcome = await runAction(
    { db: deps.db, cases: deps.cases },
    { caseId, action: 'mesEvent', body, actor: actorFor(source) },
  );
  if (outcome.ok) return { ok: true, caseId };
  if (outcome.kind === 'not_started' || outcome.kind === 'unavailable')
    throw new TryAgain(problemOf(outcome).detail);
  if (outcome.kind === 'invalid') return reject(source, outcome.errors);
  const problem = problemOf(outcome);
  return reject(source, [{ field: 'kind', message: problem.detail }]);
}

async function alarm(
  deps: HandleDeps,
  mapping: AlarmMapping,
  json: Record<string, unknown>,
): Promise<Handled> {
  const parsed = machineAlarm.safeParse(json);
  if (!parsed.success) return reject(mapping.source, fieldErrors(parsed.error.issues, 'payload'));
  const a: MachineAlarm = parsed.data;
  const lineCode = a.line ?? mapping.line;
  if (a.state === 'ALARM') {
    const body = createCaseBody.safeParse({
      type: 'equipment_fault',
      source: mapping.source,
      // One key per alarm message: each is counted as a repeat while the fault's case is open.
      externalId: a.alarmId ?? `${a.equipmentId}:${a.faultCode}:${randomUUID()}`,
      severity: a.severity ?? mapping.severity,
      line: lineCode,
      ...((a.station ?? mapping.station) ? { station: a.station ?? mapping.station } : {}),
      ...(a.description ? { description: a.description } : {}),
      ...(a.occurredAt ? { occurredAt: a.occurredAt } : {}),
      equipment: { equipmentId: a.equipmentId, faultCode: a.faultCode },
    });
    if (!body.success) return reject(mapping.source, fieldErrors(body.error.issues, 'payload'));
    const { record } = await reportCase(deps, body.data, actorFor(mapping.source));
    return { ok: true, caseId: record.id };
  }
  const found = await openCasesByFacts(deps.db, {
    type: 'equipment_fault',
    line: lineCode,
    facts: { equipmentId: a.equipmentId, faultCode: a.faultCode },
  });
  // Cleared after a person resolved it: nothing left to clear.
  if (found.open.length === 0 && found.everMatched) return { ok: true, caseId: null };
  if (found.open.length === 0)
    return reject(mapping.source, [
      {
        field: 'equipmentId',
        message: `no case of ${a.equipmentId} fault ${a.faultCode} on line ${lineCode} to clear`,
      },
    ]);
  for (const caseId of found.open) {
    const done = await act(deps, mapping.source, caseId, {
      kind: 'cleared',
      data: { equipmentId: a.equipmentId, faultCode: a.faultCode, state: 'CLEARED' },
    });
    if (!done.ok && found.open.length === 1) return done;
  }
  return { ok: true, caseId: found.open[0]! };
}
