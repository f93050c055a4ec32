/**
 * Paging one level of the escalation ladder: find who holds the role on the line, open the task,
 * write one outbox row per recipient and channel, and send. Idempotent: a retry re-sends only
 * what has not gone out yet, and the timeline events are written once.
 */
import { Context } from '@temporalio/activity';
import type { Db } from '../db/index.js';
import type { Channel, JobRole } from '../domain/model.js';
import type { Logger } from '../lib/logger.js';
import { onDuty, type Contact } from '../db/people.js';
import { CHANNELS } from '../domain/model.js';
import type { LinkSigner } from '../lib/links.js';
import type { Mailer } from './notify/mailer.js';
import { SendError, type SmsSender } from './notify/sms.js';
import { asLocale, taskMail, taskSms } from './notify/templates.js';
import { insertEvent } from './timeline.js';
import type { PageLevelInput, PageLevelResult } from './types.js';

export interface PagingDeps {
  db: Db;
  mailer: Mailer;
  sms: SmsSender;
  publicUrl: string;
  logger: Logger;
  /** The clock rosters are read with. */
  now: () => Date;
  /** IANA time zone of the plant (shift patterns without their own zone). */
  timeZone: string;
  /** Signs the one-time action links in messages; without it, messages carry no action link. */
  links: LinkSigner | null;
}

interface Recipient {
  person: Contact;
  channel: Channel;
  address: string;
}

/** Who holds `role` on `line` now (rosters first, see db/people.ts). */
export async function peopleOnDuty(
  db: Db,
  role: JobRole,
  line: string,
  at: Date = new Date(),
  timeZone = 'UTC',
): Promise<Contact[]> {
  return (await onDuty(db, role, line, at, timeZone)).people;
}

const addressOf = (p: Contact, channel: Channel): string | null => (channel === 'email' ? p.email : p.phone);
const otherChannel = (c: Channel): Channel => (c === 'email' ? 'sms' : 'email');

/** What a message carries, rendered for one recipient on one channel. */
interface Rendered {
  subject: string | null;
  text: string;
  html: string | null;
}

type Delivery = 'sent' | 'delivered' | 'failed' | 'retry';

/**
 * Sends one outbox row (unless it already went out or failed for good). A transient error before
 * the last attempt leaves it queued and answers 'retry'; a permanent one, or any on the last attempt,
 * marks it failed.
 */
export async function deliverRow(
  deps: Pick<PagingDeps, 'db' | 'mailer' | 'sms' | 'publicUrl' | 'logger'>,
  row: { id: number; status: string; channel: Channel; recipient: string; idempotency_key: string },
  content: Rendered,
  lastAttempt: boolean,
): Promise<{ outcome: Delivery; error?: string }> {
  const { db } = deps;
  if (row.status === 'sent' || row.status === 'delivered' || row.status === 'failed')
    return { outcome: row.status };
  try {
    let providerId: string;
    let providerStatus: string | null = null;
    if (row.channel === 'email') {
      ({ providerId } = await deps.mailer.send({
        to: row.recipient,
        subject: content.subject ?? '',
        text: content.text,
        html: content.html ?? content.text,
        messageId: `<${row.idempotency_key.replace(/[^A-Za-z0-9.-]/g, '.')}@andon>`,
      }));
    } else {
      const r = await deps.sms.send({
        to: row.recipient,
        body: content.text,
        statusCallback: `${deps.publicUrl}/webhooks/twilio/status`,
      });
      providerId = r.providerId;
      providerStatus = r.status;
    }
    await db('notifications')
      .where({ id: row.id })
      .update({
        status: 'sent',
        attempts: db.raw('attempts + 1'),
        provider_id: providerId,
        provider_status: providerStatus,
        sent_at: db.fn.now(),
        last_error: null,
      });
    return { outcome: 'sent' };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const permanent = isPermanent(err);
    deps.logger.warn(
      { to: row.recipient, channel: row.channel, permanent, err: message },
      'notification failed',
    );
    const failed = permanent || lastAttempt;
    await db('notifications')
      .where({ id: row.id })
      .update({
        attempts: db.raw('attempts + 1'),
        last_error: message,
        status: failed ? 'failed' : 'queued',
        ...(failed ? { failed_at: db.fn.now() } : {}),
      });
    return { outcome: failed ? 'failed' : 'retry', error: `${row.channel} to ${row.recipient}: ${message}` };
  }
}

/** Errors retrying cannot fix: Twilio 4xx, SMTP 5xx. */
function isPermanent(err: unknown): boolean {
  if (err instanceof SendError) return err.permanent;
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** Inserts an outbox row once (by key) and returns it as it now stands. */
export async function ensureRow(
  db: Db,
  fields: {
    caseId: number;
    taskId: number | null;
    personId: number;
    channel: Channel;
    recipient: string;
    template: string;
    subject: string | null;
    body: string;
    key: string;
    failoverOf?: number;
  },
): Promise<{ id: number; status: string; channel: Channel; recipient: string; idempotency_key: string }> {
  await db('notifications')
    .insert({
      case_id: fields.caseId,
      task_id: fields.taskId,
      person_id: fields.personId,
      channel: fields.channel,
      recipient: fields.recipient,
      template: fields.template,
      subject: fields.subject,
      body: fields.body,
      idempotency_key: fields.key,
      failover_of: fields.failoverOf ?? null,
    })
    .onConflict('idempotency_key')
    .ignore();
  return db('notifications').where({ idempotency_key: fields.key }).first();
}

export async function pageLevel(deps: PagingDeps, input: PageLevelInput): Promise<PageLevelResult> {
  const { db } = deps;
  const { level, caseId, idempotencyKey: key } = input;
  const attempt = Context.current().info.attempt;
  const lastAttempt = attempt >= input.maxAttempts;

  const skip = async (reason: string): Promise<PageLevelResult> => {
    await insertEvent(db, {
      caseId,
      type: 'escalation_skipped',
      actor: 'system',
      data: { level: level.level, role: level.targetRole, reason },
      idempotencyKey: `${key}:skipped`,
    });
    return { sent: 0, failed: 0, skippedReason: reason };
  };

  if (input.recordEscalation) {
    await insertEvent(db, {
      caseId,
      type: 'escalated',
      actor: 'system',
      data: {
        toLevel: level.level,
        role: level.targetRole,
        reason: input.reason,
        ...(input.taskKey ? { task: input.taskKey } : {}),
      },
      idempotencyKey: `${key}:escalated`,
    });
  }

  let people: Contact[];
  let nobodyReason: string;
  if (input.personId != null) {
    people = await db('people')
      .where({ id: input.personId, active: true })
      .select('id', 'name', 'email', 'phone', 'locale');
    nobodyReason = `person ${input.personId} is not active`;
  } else {
    const duty = await onDuty(db, level.targetRole, input.line, deps.now(), deps.timeZone);
    people = duty.people;
    nobodyReason = duty.reason ?? `nobody holds role ${level.targetRole} on line ${input.line}`;
  }
  if (people.length === 0) return skip(nobodyReason);

  // Each person on the level's channels they can be reached on; when they have none of those, their other one.
  const recipients: Recipient[] = [];
  const unreachable: string[] = [];
  for (const person of people) {
    const mine: Recipient[] = [];
    for (const channel of level.channels) {
      const address = addressOf(person, channel);
      if (address) mine.push({ person, channel, address });
    }
    if (mine.length === 0) {
      for (const channel of CHANNELS) {
        const address = addressOf(person, channel);
        if (address) {
          mine.push({ person, channel, address });
          break;
        }
      }
    }
    if (mine.length === 0) unreachable.push(person.name);
    recipients.push(...mine);
  }
  if (recipients.length === 0) {
    return skip(
      `no usable contact (${level.channels.join('/')}) for anyone holding role ${level.targetRole} on line ${input.line}: ${unreachable.join(', ')} ha${unreachable.length === 1 ? 's' : 've'} no email or phone`,
    );
  }

  const caseRow = await db('cases').where({ id: caseId }).first();
  if (!caseRow) throw new Error(`case ${caseId} not found`);

  const assignees = JSON.stringify(people.map((p) => ({ personId: p.id, name: p.name })));
  let taskId: number | null;
  if (input.taskId !== undefined) {
    // The SOP's task: record who is paged for it now, and how far it has escalated.
    taskId = input.taskId;
    await db('tasks')
      .where({ id: taskId })
      .update({
        assignees,
        ack_deadline: input.ackDeadline,
        level: db.raw('greatest(level, ?)', [level.level]),
      });
  } else {
    // Cases started before the SOP engine: one task row per page.
    await db('tasks')
      .insert({
        case_id: caseId,
        level: level.level,
        role: level.targetRole,
        assignees,
        ack_deadline: input.ackDeadline,
        idempotency_key: `${key}:task`,
      })
      .onConflict('idempotency_key')
      .ignore();
    taskId =
      (
        (await db('tasks')
          .where({ idempotency_key: `${key}:task` })
          .first('id')) as { id: number } | undefined
      )?.id ?? null;
  }
  await db('cases')
    .where({ id: caseId })
    .update({
      escalation_level: db.raw('greatest(escalation_level, ?)', [level.level]),
      updated_at: db.fn.now(),
    });

  const taskRow =
    taskId !== null
      ? ((await db('tasks').where({ id: taskId }).first('options', 'task_key')) as
          { options: Array<{ id: string; label: string }> | null; task_key: string | null } | undefined)
      : undefined;
  const options = (taskRow?.options ?? []).map((o) => ({ id: o.id, label: o.label }));
  const taskKey = input.taskKey ?? taskRow?.task_key ?? '';
  const template = input.reason === 'opened' ? 'task_assigned' : `task_${input.reason}`;

  const render = (person: Contact, channel: Channel, nKey: string): Rendered => {
    const locale = asLocale(person.locale);
    const actionUrl = deps.links
      ? `${deps.publicUrl}/a/${deps.links.sign({ p: person.id, c: caseId, t: taskKey }, { nonce: deps.links.nonce(nKey) })}`
      : null;
    if (channel === 'sms') {
      return {
        subject: null,
        html: null,
        text: taskSms(locale, {
          caseId,
          type: caseRow.type,
          line: caseRow.line,
          station: caseRow.station,
          ask: input.taskTitle ?? null,
          escalated: level.level > 0,
          ackDeadline: input.ackDeadline,
          options,
          actionUrl,
        }),
      };
    }
    return taskMail(locale, {
      caseId,
      type: caseRow.type,
      severity: caseRow.severity,
      line: caseRow.line,
      station: caseRow.station,
      title: caseRow.title,
      openedAt: new Date(caseRow.opened_at).toISOString(),
      role: level.targetRole,
      level: level.level,
      escalated: level.level > 0,
      reason: input.reason,
      ask: input.taskTitle ?? null,
      ackDeadline: input.ackDeadline,
      caseUrl: `${deps.publicUrl}/api/v1/cases/${caseId}`,
      recipientName: person.name,
      actionUrl,
      options,
    });
  };

  interface Outcome {
    personId: number;
    name: string;
    channel: Channel;
    to: string;
    status: string;
    failoverFrom?: Channel;
  }
  const outcomes: Outcome[] = [];
  const errors: string[] = [];
  for (const r of recipients) {
    const nKey = `${key}:${r.person.id}:${r.channel}`;
    const content = render(r.person, r.channel, nKey);
    const row = await ensureRow(db, {
      caseId,
      taskId,
      personId: r.person.id,
      channel: r.channel,
      recipient: r.address,
      template,
      subject: content.subject,
      body: content.text,
      key: nKey,
    });
    const sent = await deliverRow(deps, row, content, lastAttempt);
    if (sent.outcome === 'retry') {
      errors.push(sent.error!);
      continue;
    }
    outcomes.push({
      personId: r.person.id,
      name: r.person.name,
      channel: r.channel,
      to: r.address,
      status: sent.outcome,
    });
    if (sent.outcome !== 'failed') continue;

    // The channel failed for good: fail over to the person's other channel, unless this page uses it anyway.
    const other = otherChannel(r.channel);
    const otherAddress = addressOf(r.person, other);
    if (!otherAddress || recipients.some((x) => x.person.id === r.person.id && x.channel === other)) continue;
    const fKey = `${nKey}:failover`;
    const fContent = render(r.person, other, fKey);
    const fRow = await ensureRow(db, {
      caseId,
      taskId,
      personId: r.person.id,
      channel: other,
      recipient: otherAddress,
      template,
      subject: fContent.subject,
      body: fContent.text,
      key: fKey,
      failoverOf: row.id,
    });
    const f = await deliverRow(deps, fRow, fContent, lastAttempt);
    if (f.outcome === 'retry') errors.push(f.error!);
    else
      outcomes.push({
        personId: r.person.id,
        name: r.person.name,
        channel: other,
        to: otherAddress,
        status: f.outcome,
        failoverFrom: r.channel,
      });
  }
  // Let Temporal retry with backoff; messages already sent are not sent again.
  if (errors.length > 0) throw new Error(`could not send ${errors.length} message(s): ${errors.join('; ')}`);

  const sent = outcomes.filter((o) => o.status === 'sent' || o.status === 'delivered').length;
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  if (failed > 0) {
    await insertEvent(db, {
      caseId,
      type: 'notification_failed',
      actor: 'system',
      data: {
        level: level.level,
        role: level.targetRole,
        recipients: outcomes.filter((o) => o.status === 'failed'),
      },
      idempotencyKey: `${key}:failed`,
    });
  }
  if (sent > 0) {
    await insertEvent(db, {
      caseId,
      type: 'notified',
      actor: 'system',
      data: {
        level: level.level,
        role: level.targetRole,
        reason: input.reason,
        recipients: outcomes.filter((o) => o.status !== 'failed'),
      },
      idempotencyKey: `${key}:notified`,
    });
  }
  return {
    sent,
    failed,
    skippedReason: sent === 0 ? `no message to role ${level.targetRole} could be delivered` : null,
    recipients: people.map((p) => ({ personId: p.id, name: p.name })),
  };
}
