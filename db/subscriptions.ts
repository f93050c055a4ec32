/**
 * Stakeholder subscriptions: who hears of which events of which cases, and which timeline events
 * their subscribers have been told of (`subscription_dispatches`), so each is told once.
 */
import type { SubscriptionBody, SubscriptionTarget } from '../domain/contracts/notify.js';
import {
  SUBSCRIPTION_EVENT_TYPES,
  type ExceptionType,
  type JobRole,
  type Severity,
  type SubscriptionEvent,
} from '../domain/model.js';
import type { Db } from './index.js';
import { CONTACT_COLUMNS, type Contact } from './people.js';

interface Row {
  id: number;
  name: string;
  target: 'person' | 'role' | 'group';
  person_id: number | null;
  role: JobRole | null;
  role_line: string | null;
  group_channel_id: number | null;
  events: SubscriptionEvent[];
  types: ExceptionType[];
  lines: string[];
  severities: Severity[];
  active: boolean;
  created_at: Date;
}

export interface SubscriptionRecord {
  id: number;
  name: string;
  target: SubscriptionTarget;
  events: SubscriptionEvent[];
  types: ExceptionType[];
  lines: string[];
  severities: Severity[];
  active: boolean;
  createdAt: string;
}

const targetOf = (r: Row): SubscriptionTarget =>
  r.target === 'person'
    ? { kind: 'person', personId: r.person_id! }
    : r.target === 'role'
      ? { kind: 'role', role: r.role!, line: r.role_line }
      : { kind: 'group', groupChannelId: r.group_channel_id! };

const record = (r: Row): SubscriptionRecord => ({
  id: r.id,
  name: r.name,
  target: targetOf(r),
  events: r.events,
  types: r.types,
  lines: r.lines,
  severities: r.severities,
  active: r.active,
  createdAt: new Date(r.created_at).toISOString(),
});

const columns = (b: SubscriptionBody) => ({
  name: b.name,
  target: b.target.kind,
  person_id: b.target.kind === 'person' ? b.target.personId : null,
  role: b.target.kind === 'role' ? b.target.role : null,
  role_line: b.target.kind === 'role' ? b.target.line : null,
  group_channel_id: b.target.kind === 'group' ? b.target.groupChannelId : null,
  events: JSON.stringify(b.events),
  types: JSON.stringify(b.types),
  lines: JSON.stringify(b.lines),
  severities: JSON.stringify(b.severities),
  active: b.active,
});

export async function listSubscriptions(db: Db): Promise<SubscriptionRecord[]> {
  return (await db<Row>('subscriptions').orderBy('id')).map(record);
}

export async function getSubscription(db: Db, id: number): Promise<SubscriptionRecord | null> {
  const r = await db<Row>('subscriptions').where({ id }).first();
  return r ? record(r) : null;
}

export async function createSubscription(db: Db, b: SubscriptionBody): Promise<number> {
  const [row] = await db('subscriptions').insert(columns(b)).returning<Array<{ id: number }>>('id');
  return row!.id;
}

export async function updateSubscription(db: Db, id: number, b: SubscriptionBody): Promise<boolean> {
  return (await db('subscriptions').where({ id }).update(columns(b))) > 0;
}

export async function deleteSubscription(db: Db, id: number): Promise<boolean> {
  return (await db('subscriptions').where({ id }).delete()) > 0;
}

/**
 * The active subscriptions that want `event` of a case of this type, line and severity, and that
 * existed when it happened (a new subscription does not hear of what running cases did before it).
 */
export async function matchingSubscriptions(
  db: Db,
  c: { event: SubscriptionEvent; type: ExceptionType; line: string; severity: Severity; at: Date },
): Promise<SubscriptionRecord[]> {
  const rows = await db<Row>('subscriptions')
    .where({ active: true })
    .andWhere('created_at', '<=', c.at)
    .whereRaw('events @> ?::jsonb', [JSON.stringify([c.event])])
    .whereRaw(`(types = '[]'::jsonb or types @> ?::jsonb)`, [JSON.stringify([c.type])])
    .whereRaw(`(lines = '[]'::jsonb or lines @> ?::jsonb)`, [JSON.stringify([c.line])])
    .whereRaw(`(severities = '[]'::jsonb or severities @> ?::jsonb)`, [JSON.stringify([c.severity])])
    .orderBy('id');
  return rows.map(record);
}

/** A subscribed person, with how to reach them. */
export type Subscriber = Contact;

/** Active people holding a role on a line (or plant-wide, line null on the role). */
export async function roleHolders(db: Db, role: JobRole, line: string): Promise<Subscriber[]> {
  return db('people as p')
    .join('person_roles as r', 'r.person_id', 'p.id')
    .where('p.active', true)
    .andWhere('r.role', role)
    .andWhere((q) => {
      q.where('r.line', line).orWhereNull('r.line');
    })
    .distinct<Subscriber[]>(...CONTACT_COLUMNS)
    .orderBy('p.id');
}

export async function activeSubscriber(db: Db, personId: number): Promise<Subscriber | null> {
  const r = await db('people as p')
    .where('p.id', personId)
    .andWhere('p.active', true)
    .first<Subscriber | undefined>(...CONTACT_COLUMNS);
  return r ?? null;
}

/** A timeline event subscribers may hear of. */
export interface DispatchableEvent {
  id: number;
  idempotency_key: string;
  type: string;
  actor: string;
  data: Record<string, unknown>;
  occurred_at: Date;
}

const EVENT_TYPES = Object.values(SUBSCRIPTION_EVENT_TYPES);

/** The case's events of a subscribable type whose subscribers have not all been served yet. */
export async function undispatchedEvents(db: Db, caseId: number): Promise<DispatchableEvent[]> {
  return db('case_events as e')
    .where('e.case_id', caseId)
    .whereIn('e.type', EVENT_TYPES)
    .whereNotExists(db('subscription_dispatches as d').whereRaw('d.event_id = e.id').select(db.raw('1')))
    .orderBy('e.id')
    .select('e.id', 'e.idempotency_key', 'e.type', 'e.actor', 'e.data', 'e.occurred_at');
}

export async function markDispatched(db: Db, eventId: number): Promise<void> {
  await db('subscription_dispatches').insert({ event_id: eventId }).onConflict('event_id').ignore();
}

/** Whether a person was already sent an FYI about this event (by any path: paged, subscribed). */
export async function fyiSentTo(
  db: Db,
  eventKey: string,
  personId: number,
  exceptKey: string,
): Promise<boolean> {
  const row = await db<{ id: number }>('notifications')
    .where('person_id', personId)
    .whereNot('idempotency_key', exceptKey)
    .andWhere('idempotency_key', 'like', `fyi:${eventKey.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`)
    .first<{ id: number } | undefined>('id');
  return row !== undefined;
}
