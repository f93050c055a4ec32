/**
 * Paging one level of the escalation ladder: find who holds the role on the line, open the task,
 * write one outbox row per recipient and channel, and send. Idempotent: a retry re-sends only
 * what has not gone out yet, and the timeline events are written once.
 */
import { Context } from '@temporalio/activity';
import type { Db } from '../db/index.js';
import type { Channel, JobRole } from '../domain/model.js';
import type { Logger } from '../lib/logger.js';
import type { Mailer } from './notify/mailer.js';
import { asLocale, taskMail } from './notify/templates.js';
import { insertEvent } from './timeline.js';
import type { PageLevelInput, PageLevelResult } from './types.js';

export interface PagingDeps {
  db: Db;
  mailer: Mailer;
  publicUrl: string;
  logger: Logger;
}

interface Person {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  locale: string;
}

interface Recipient {
  person: Person;
  channel: Channel;
  address: string;
}

export async function peopleOnDuty(db: Db, role: JobRole, line: string): Promise<Person[]> {
  return db('people as p')
    .join('person_roles as r', 'r.person_id', 'p.id')
    .where('r.role', role)
    .andWhere((q) => q.where('r.line', line).orWhereNull('r.line'))
    .andWhere('p.active', true)
    .distinct('p.id', 'p.name', 'p.email', 'p.phone', 'p.locale')
    .orderBy('p.id');
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

  const people =
    input.personId != null
      ? await db('people')
          .where({ id: input.personId, active: true })
          .select('id', 'name', 'email', 'phone', 'locale')
      : await peopleOnDuty(db, level.targetRole, input.line);
  if (people.length === 0) {
    return skip(
      input.personId != null
        ? `person ${input.personId} is not active`
        : `nobody holds role ${level.targetRole} on line ${input.line}`,
    );
  }

  const recipients: Recipient[] = [];
  for (const person of people) {
    for (const channel of level.channels) {
      // SMS delivery is not wired yet: only email is paged, and people without an email are skipped.
      if (channel === 'email' && person.email) recipients.push({ person, channel, address: person.email });
    }
  }
  if (recipients.length === 0) {
    return skip(
      `no ${level.channels.join('/')} contact for anyone holding role ${level.targetRole} on line ${input.line}`,
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

  const outcomes: Array<{ personId: number; name: string; channel: Channel; to: string; status: string }> =
    [];
  const errors: string[] = [];
  for (const r of recipients) {
    const nKey = `${key}:${r.person.id}:${r.channel}`;
    const mail = taskMail(asLocale(r.person.locale), {
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
      recipientName: r.person.name,
    });
    await db('notifications')
      .insert({
        case_id: caseId,
        task_id: taskId,
        person_id: r.person.id,
        channel: r.channel,
        recipient: r.address,
        template: input.reason === 'opened' ? 'task_assigned' : `task_${input.reason}`,
        subject: mail.subject,
        body: mail.text,
        idempotency_key: nKey,
      })
      .onConflict('idempotency_key')
      .ignore();
    const row = await db('notifications').where({ idempotency_key: nKey }).first();
    if (row.status === 'sent' || row.status === 'delivered' || row.status === 'failed') {
      outcomes.push({
        personId: r.person.id,
        name: r.person.name,
        channel: r.channel,
        to: r.address,
        status: row.status,
      });
      continue;
    }
    try {
      const { providerId } = await deps.mailer.send({
        to: r.address,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: `<${nKey.replace(/[^A-Za-z0-9.-]/g, '.')}@andon>`,
      });
      await db('notifications')
        .where({ id: row.id })
        .update({
          status: 'sent',
          attempts: db.raw('attempts + 1'),
          provider_id: providerId,
          sent_at: db.fn.now(),
          last_error: null,
        });
      outcomes.push({
        personId: r.person.id,
        name: r.person.name,
        channel: r.channel,
        to: r.address,
        status: 'sent',
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      deps.logger.warn(
        { caseId, to: r.address, channel: r.channel, attempt, err: message },
        'notification failed',
      );
      await db('notifications')
        .where({ id: row.id })
        .update({
          attempts: db.raw('attempts + 1'),
          last_error: message,
          status: lastAttempt ? 'failed' : 'queued',
        });
      if (lastAttempt) {
        outcomes.push({
          personId: r.person.id,
          name: r.person.name,
          channel: r.channel,
          to: r.address,
          status: 'failed',
        });
      } else {
        errors.push(`${r.channel} to ${r.address}: ${message}`);
      }
    }
  }
  // Let Temporal retry with backoff; messages already sent are not sent again.
  if (errors.length > 0) throw new Error(`could not send ${errors.length} message(s): ${errors.join('; ')}`);

  const sent = outcomes.filter((o) => o.status === 'sent' || o.status === 'delivered').length;
  const failed = outcomes.filter((o) => o.status === 'failed').length;
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
  return {
    sent,
    failed,
    skippedReason: sent === 0 ? `no message to role ${level.targetRole} could be delivered` : null,
    recipients: people.map((p) => ({ personId: p.id, name: p.name })),
  };
}
