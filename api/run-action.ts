/**
 * runAction(): the one way anything acts on a case — REST routes, web forms, action links and SMS
 * replies. It parses the body with the action's contract (domain/contracts/actions.ts; forms, links
 * and SMS build the same body object from their fields), checks what can be checked at the edge,
 * sends the update through the case client and maps every refusal and outage to one outcome. REST
 * turns an outcome into problem+json (`problemOf`); pages and SMS turn it into words (api/web/i18n.ts).
 */
import type { z } from 'zod';
import { taskReassigned } from '../db/action-links.js';
import { getCase, type CaseRecord } from '../db/cases.js';
import type { Db } from '../db/index.js';
import { getPerson } from '../db/people.js';
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
  type Actor,
  type CaseUpdates,
} from '../domain/contracts/actions.js';
import type { CaseState, TaskView } from '../workflows/case/messages.js';
import { mesEventAllowed } from '../workflows/sop/index.js';
import { ActionRefused, CaseFinished, TemporalUnavailable, type CaseClient } from './case-client.js';
import { conflict, fieldErrors, HttpProblem, invalid, notFound, type FieldError } from './problem.js';

export type ActionName = keyof CaseUpdates;

export type ActionOutcome =
  | { ok: true; record: CaseRecord; state: CaseState }
  /** The body breaks its contract: 400, naming each field. */
  | { ok: false; kind: 'invalid'; errors: FieldError[] }
  /** No such case: 404. */
  | { ok: false; kind: 'not_found'; caseId: number }
  /** Accepted while Temporal was down; its workflow has not started yet: 503, nothing changed. */
  | { ok: false; kind: 'not_started'; record: CaseRecord }
  /** The person acting from a message is not (or no longer) assigned the task: 409. */
  | { ok: false; kind: 'not_assignee'; record: CaseRecord }
  /** The workflow said no, with a reason for people: 409. */
  | { ok: false; kind: 'refused'; record: CaseRecord; reason: string }
  /** The case's workflow has ended: 409. */
  | { ok: false; kind: 'finished'; record: CaseRecord }
  /** Temporal did not answer: 503; `changed: 'no'` when it cannot have arrived. */
  | { ok: false; kind: 'unavailable'; changed: 'no' | 'unknown' };

export type Refusal = Exclude<ActionOutcome, { ok: true }>;

export interface RunActionDeps {
  db: Db;
  cases: CaseClient;
}

export interface ActionRequest<K extends ActionName> {
  caseId: number;
  action: K;
  /** The body as sent (REST) or as built from form fields, a link or an SMS: parsed here. */
  body: unknown;
  actor: Actor;
  /**
   * Acting from a message (action link, SMS reply): only a current assignee of the task may do it.
   * Sets the workflow's `onlyAsAssignee` on ack/decide/eta/resolve and checks it here first.
   */
  asAssignee?: boolean;
  /** The case, when the caller has it loaded already. */
  record?: CaseRecord;
}

type Built<K extends ActionName> = CaseUpdates[K] | FieldError[];
type Builder<K extends ActionName> = (
  body: unknown,
  c: { db: Db; record: CaseRecord; actor: Actor; asAssignee: boolean },
) => Promise<Built<K>> | Built<K>;

/** Parses `body` with `schema`; the errors name fields of the body. */
function parsed<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> | FieldError[] {
  const r = schema.safeParse(body ?? {});
  return r.success ? r.data : fieldErrors(r.error.issues, 'body');
}

const asAssigneeFlag = (on: boolean): { onlyAsAssignee?: true } => (on ? { onlyAsAssignee: true } : {});

const BUILDERS: { [K in ActionName]: Builder<K> } = {
  ack: (body, c) => {
    const b = parsed(ackBody, body);
    return Array.isArray(b) ? b : { actor: c.actor, ...b, ...asAssigneeFlag(c.asAssignee) };
  },
  comment: (body, c) => {
    const b = parsed(commentBody, body);
    return Array.isArray(b) ? b : { actor: c.actor, ...b };
  },
  decide: (body, c) => {
    const b = parsed(decisionBody, body);
    return Array.isArray(b) ? b : { actor: c.actor, ...b, ...asAssigneeFlag(c.asAssignee) };
  },
  eta: (body, c) => {
    const b = parsed(etaBody, body);
    if (Array.isArray(b)) return b;
    return {
      actor: c.actor,
      ...b,
      eta: new Date(b.eta).toISOString(),
      ...asAssigneeFlag(c.asAssignee),
    };
  },
  reassign: async (body, c) => {
    const b = parsed(reassignBody, body);
    if (Array.isArray(b)) return b;
    const { personId, ...rest } = b;
    if (personId === undefined) return { actor: c.actor, ...rest };
    const person = await getPerson(c.db, personId);
    if (!person?.active) return [{ field: 'personId', message: `no active person ${personId}` }];
    return { actor: c.actor, ...rest, person: { id: person.id, name: person.name } };
  },
  resolve: (body, c) => {
    const b = parsed(resolveBody, body);
    return Array.isArray(b) ? b : { actor: c.actor, ...b, ...asAssigneeFlag(c.asAssignee) };
  },
  close: (body, c) => {
    const b = parsed(closeBody, body);
    return Array.isArray(b) ? b : { actor: c.actor, ...b };
  },
  cancel: (body, c) => {
    const b = parsed(cancelBody, body);
    return Array.isArray(b) ? b : { actor: c.actor, ...b };
  },
  reopen: (body, c) => {
    const b = parsed(reopenBody, body);
    return Array.isArray(b) ? b : { actor: c.actor, ...b };
  },
  mesEvent: (body, c) => {
    const b = parsed(mesEventBody, body);
    if (Array.isArray(b)) return b;
    if (!mesEventAllowed(c.record.type, b.kind))
      return [{ field: 'kind', message: `a ${c.record.type} case does not take ${b.kind}` }];
    return { actor: c.actor, ...b };
  },
};

const active = (t: TaskView): boolean => t.status === 'open' || t.status === 'acked';

/**
 * Whether `personId` may act on the case from a message, as far as the live state shows: on the
 * named task, they must be among its assignees; without one (an SMS "A 12"), on some active task.
 * A resolve needs them assigned to a task of the case that was not moved away from them. The
 * workflow decides in the end (`onlyAsAssignee`); this gives the person a clear answer first.
 */
export function mayActAsAssignee(
  state: CaseState,
  personId: number,
  action: ActionName,
  taskKey: string | undefined,
): boolean {
  const mine = (t: TaskView): boolean => t.assignees.some((a) => a.personId === personId);
  if (taskKey !== undefined) {
    const task = state.tasks.find((t) => t.key === taskKey);
    return task !== undefined && mine(task);
  }
  if (action === 'resolve') return state.tasks.some((t) => t.status !== 'cancelled' && mine(t));
  return state.tasks.some((t) => active(t) && mine(t));
}

/**
 * Whether a person may act from a message, as far as Andon can tell before the workflow decides:
 * not when the live state shows them off the task *and* it was reassigned. (Right after a page goes
 * out, the live state may not list its recipient yet: that is not a reason to refuse.)
 */
export async function mayAct(
  db: Db,
  state: CaseState,
  personId: number,
  action: ActionName,
  taskKey: string | undefined,
): Promise<boolean> {
  if (mayActAsAssignee(state, personId, action, taskKey)) return true;
  return !(await taskReassigned(db, state.caseId, taskKey));
}

export async function runAction<K extends ActionName>(
  deps: RunActionDeps,
  req: ActionRequest<K>,
): Promise<ActionOutcome> {
  const record = req.record ?? (await getCase(deps.db, req.caseId));
  if (!record) return { ok: false, kind: 'not_found', caseId: req.caseId };
  const asAssignee = req.asAssignee === true;
  const built = await (BUILDERS[req.action] as Builder<K>)(req.body, {
    db: deps.db,
    record,
    actor: req.actor,
    asAssignee,
  });
  if (Array.isArray(built)) return { ok: false, kind: 'invalid', errors: built };
  if (record.status === 'pending_start') return { ok: false, kind: 'not_started', record };

  if (asAssignee && req.actor.kind === 'person') {
    const state = await deps.cases.state(record.id);
    const taskKey = (built as { taskKey?: string }).taskKey;
    if (state && !(await mayAct(deps.db, state, Number(req.actor.id), req.action, taskKey)))
      return { ok: false, kind: 'not_assignee', record };
  }

  try {
    const state = await deps.cases.update(record.id, req.action, built);
    return { ok: true, record: (await getCase(deps.db, record.id)) ?? record, state };
  } catch (err) {
    if (err instanceof ActionRefused) return { ok: false, kind: 'refused', record, reason: err.message };
    if (err instanceof CaseFinished) return { ok: false, kind: 'finished', record };
    if (err instanceof TemporalUnavailable) return { ok: false, kind: 'unavailable', changed: err.changed };
    throw err;
  }
}

/** The REST answer to a refusal: problem+json with the reason. */
export function problemOf(o: Refusal): HttpProblem {
  switch (o.kind) {
    case 'invalid':
      return invalid(o.errors);
    case 'not_found':
      return notFound(`case ${o.caseId}`);
    case 'not_started':
      return new HttpProblem(
        503,
        'Service Unavailable',
        `case ${o.record.id} is accepted but its workflow has not started yet; nothing was changed; retry shortly`,
      );
    case 'not_assignee':
      return conflict('only a current assignee of the task may do this; nothing was changed');
    case 'refused':
      return conflict(o.reason);
    case 'finished':
      return conflict(
        `case ${o.record.id} is ${o.record.status} and its workflow has finished; nothing more can be done to it`,
      );
    case 'unavailable':
      return new HttpProblem(
        503,
        'Service Unavailable',
        o.changed === 'no'
          ? 'the workflow engine is unreachable; nothing was changed; retry shortly'
          : 'the case did not confirm the change in time; it may still take effect: read the case before retrying',
      );
  }
}
