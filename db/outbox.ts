/** The notification outbox: one row per message, written once by its idempotency key, then sent. */
import type { Channel, ChatProvider, NotificationStatus } from '../domain/model.js';

/** A person's channel, or the chat robot of a group channel. */
export type OutboxChannel = Channel | ChatProvider;
import type { Db } from './index.js';
import { insertEvent } from './timeline.js';

export interface NotificationRecord {
  id: number;
  caseId: number;
  taskId: number | null;
  personId: number | null;
  channel: string;
  recipient: string;
  template: string;
  subject: string | null;
  status: string;
  attempts: number;
  lastError: string | null;
  providerId: string | null;
  /** Last status the provider reported (Twilio: queued, sent, delivered, undelivered…). */
  providerStatus: string | null;
  /** The notification this one replaced on another channel after it failed for good. */
  failoverOf: number | null;
  createdAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
}

/** What sending needs of a row. */
export interface OutboxRow {
  id: number;
  status: NotificationStatus;
  channel: OutboxChannel;
  recipient: string;
  idempotency_key: string;
}

/** A row of `notifications`, as pg returns it. */
interface NotificationRow {
  id: number;
  case_id: number;
  task_id: number | null;
  person_id: number | null;
  channel: Channel;
  recipient: string;
  template: string;
  subject: string | null;
  body: string;
  status: NotificationStatus;
  attempts: number;
  last_error: string | null;
  provider_id: string | null;
  provider_status: string | null;
  idempotency_key: string;
  failover_of: number | null;
  created_at: Date;
  sent_at: Date | null;
  delivered_at: Date | null;
  failed_at: Date | null;
}

export interface NewNotification {
  caseId: number;
  taskId: number | null;
  /** Null for a message to a group channel. */
  personId: number | null;
  groupChannelId?: number;
  channel: OutboxChannel;
  recipient: string;
  template: string;
  subject: string | null;
  body: string;
  key: string;
  failoverOf?: number;
}

/** Inserts an outbox row once (by key) and returns it as it now stands. */
export async function ensureNotification(db: Db, n: NewNotification): Promise<OutboxRow> {
  await db('notifications')
    .insert({
      case_id: n.caseId,
      task_id: n.taskId,
      person_id: n.personId,
      channel: n.channel,
      recipient: n.recipient,
      template: n.template,
      subject: n.subject,
      body: n.body,
      idempotency_key: n.key,
      failover_of: n.failoverOf ?? null,
      group_channel_id: n.groupChannelId ?? null,
    })
    .onConflict('idempotency_key')
    .ignore();
  const row = await db<NotificationRow>('notifications')
    .where({ idempotency_key: n.key })
    .first('id', 'status', 'channel', 'recipient', 'idempotency_key');
  // Just inserted, or already there: the key's row exists.
  return row!;
}

/** The transport took the message. */
export async function markSent(
  db: Db,
  id: number,
  provider: { providerId: string; providerStatus: string | null },
): Promise<void> {
  await db('notifications')
    .where({ id })
    .update({
      status: 'sent',
      attempts: db.raw('attempts + 1'),
      provider_id: provider.providerId,
      provider_status: provider.providerStatus,
      sent_at: db.fn.now(),
      last_error: null,
    });
}

/** A send failed: for good (`failed`), or queued again for the next attempt. */
export async function markAttemptFailed(db: Db, id: number, error: string, failed: boolean): Promise<void> {
  await db('notifications')
    .where({ id })
    .update({
      attempts: db.raw('attempts + 1'),
      last_error: error,
      status: failed ? 'failed' : 'queued',
      ...(failed ? { failed_at: db.fn.now() } : {}),
    });
}

/** A person a task of the case was delivered to, with how to reach them. */
export interface PagedPerson {
  person_id: number;
  name: string;
  channel: Channel;
  recipient: string;
  locale: string;
  email: string | null;
  phone: string | null;
}

/**
 * Everyone but `exceptPersonId` (and inactive people) a task page of the case reached, per delivered
 * message in outbox order; only pages about `taskKeys` when given.
 */
export async function pagedPeople(
  db: Db,
  caseId: number,
  exceptPersonId: number,
  taskKeys: string[] | null,
): Promise<PagedPerson[]> {
  const q = db('notifications as n')
    .join('people as p', 'p.id', 'n.person_id')
    .where('n.case_id', caseId)
    .andWhere('n.template', 'like', 'task_%')
    .whereIn('n.status', ['sent', 'delivered'])
    .andWhere('n.person_id', '<>', exceptPersonId)
    .andWhere('p.active', true)
    .select('n.person_id', 'p.name', 'n.channel', 'n.recipient', 'p.locale', 'p.email', 'p.phone')
    .orderBy('n.id');
  if (taskKeys && taskKeys.length > 0) {
    q.whereIn('n.task_id', db('tasks').where({ case_id: caseId }).whereIn('task_key', taskKeys).select('id'));
  }
  return (await q) as PagedPerson[];
}

const iso = (v: Date | null): string | null => (v === null ? null : new Date(v).toISOString());

/** A case's notifications, oldest first. */
export async function notificationsForCase(db: Db, caseId: number): Promise<NotificationRecord[]> {
  const rows = await db<NotificationRow>('notifications').where({ case_id: caseId }).orderBy('id');
  return rows.map((r) => ({
    id: r.id,
    caseId: r.case_id,
    taskId: r.task_id,
    personId: r.person_id,
    channel: r.channel,
    recipient: r.recipient,
    template: r.template,
    subject: r.subject,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    providerId: r.provider_id,
    providerStatus: r.provider_status,
    failoverOf: r.failover_of,
    createdAt: iso(r.created_at)!,
    sentAt: iso(r.sent_at),
    deliveredAt: iso(r.delivered_at),
    failedAt: iso(r.failed_at),
  }));
}

/** Whether Andon ever paged this person for this case (only they may answer it by SMS). */
export async function wasPaged(db: Db, caseId: number, personId: number): Promise<boolean> {
  return (
    (await db('notifications').where({ case_id: caseId, person_id: personId }).first('id')) !== undefined
  );
}

/**
 * Applies a delivery status Twilio reports for an SMS Andon sent: `delivered`/`read` and
 * `failed`/`undelivered` settle the outbox row (once; a late report never changes a settled row)
 * and go on the case's timeline; other statuses are only noted on the row.
 */
export async function applySmsStatus(
  db: Db,
  s: { sid: string; status: string; errorCode: string | null },
): Promise<void> {
  const row = await db<NotificationRow>('notifications')
    .where({ provider_id: s.sid, channel: 'sms' })
    .first();
  if (!row) return;
  const id = row.id;
  const base = {
    notificationId: id,
    channel: 'sms',
    to: row.recipient,
    personId: row.person_id,
    providerId: s.sid,
  };
  const unsettled = () => db('notifications').where({ id }).whereIn('status', ['queued', 'sent']);
  const event = (
    type: 'notification_delivered' | 'notification_failed',
    data: Record<string, unknown>,
    key: string,
  ) => insertEvent(db, { caseId: row.case_id, type, actor: 'system', data, idempotencyKey: key });
  if (s.status === 'delivered' || s.status === 'read') {
    const n = await unsettled().update({
      status: 'delivered',
      delivered_at: db.fn.now(),
      provider_status: s.status,
    });
    if (n > 0 || row.status === 'delivered')
      await event('notification_delivered', base, `notification:${id}:delivered`);
  } else if (s.status === 'failed' || s.status === 'undelivered') {
    const n = await unsettled().update({
      status: 'failed',
      failed_at: db.fn.now(),
      provider_status: s.status,
      last_error: `Twilio reports ${s.status}${s.errorCode ? ` (error ${s.errorCode})` : ''}`,
    });
    if (n > 0 || row.status === 'failed')
      await event(
        'notification_failed',
        { ...base, status: s.status, ...(s.errorCode ? { errorCode: s.errorCode } : {}) },
        `notification:${id}:failed`,
      );
  } else if (s.status) {
    await unsettled().update({ provider_status: s.status });
  }
}
