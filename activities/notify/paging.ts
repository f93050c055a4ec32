/**
 * Paging one level of the escalation ladder: find who holds the role on the line, record them on
 * the task, write one outbox row per recipient and channel, and send. Idempotent: a retry re-sends
 * only what has not gone out yet, and the timeline events are written once.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { getCase, raiseEscalationLevel } from '../../db/cases.js';
import type { Db } from '../../db/index.js';
import type { Contact } from '../../db/people.js';
import { openPageTask, recordTaskPage, setAckDeadline, taskForPage } from '../../db/tasks.js';
import { insertEvent } from '../../db/timeline.js';
import type { Channel } from '../../domain/model.js';
import type { LinkSigner } from '../../lib/links.js';
import type { PageLevelInput, PageLevelResult } from '../types.js';
import { deliverWithFailover, type DeliverDeps, type GroupOutcome, type Outcome } from './deliver.js';
import { pageGroups } from './group-page.js';
import { notifySubscribers } from './subscribers.js';
import { findRecipients } from './recipients.js';
import {
  asLocale,
  caseUrlOf,
  loadTemplates,
  pageView,
  renderMail,
  renderSms,
  type PageFacts,
  type Rendered,
} from './render.js';

/** The longest wait a rate limit may put between two tries of a page (the ladder goes on meanwhile). */
const MAX_ADVISED_WAIT_MS = 10 * 60_000;

export interface PagingDeps extends DeliverDeps {
  /** The clock rosters are read with. */
  now: () => Date;
  /** IANA time zone of the plant (shift patterns without their own zone). */
  timeZone: string;
  /** Signs the one-time action links in messages; without it, messages carry no action link. */
  links: LinkSigner | null;
}

export async function pageLevel(deps: PagingDeps, input: PageLevelInput): Promise<PageLevelResult> {
  const { db } = deps;
  const { level, caseId, idempotencyKey: key } = input;
  const fromSend = input.deadlineFromSend === true;
  /** The deadline a message shows: with `deadlineFromSend`, counted from just before it is sent. */
  const deadlineNow = (): string | null =>
    fromSend ? new Date(Date.now() + level.ackTimeoutSeconds * 1000).toISOString() : input.ackDeadline;
  const lastAttempt = Context.current().info.attempt >= input.maxAttempts;

  const caseRow = await getCase(db, caseId);
  if (!caseRow) throw new Error(`case ${caseId} not found`);
  // Cancelled or closed while this page waited its turn: nobody is to be called about it any more.
  if (caseRow.status === 'cancelled' || caseRow.status === 'closed')
    return { sent: 0, failed: 0, skippedReason: `case ${caseId} is ${caseRow.status}` };

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

  const paged = await findRecipients(deps, { level, line: input.line, personId: input.personId });
  if (paged.nobody !== null) {
    await insertEvent(db, {
      caseId,
      type: 'escalation_skipped',
      actor: 'system',
      data: { level: level.level, role: level.targetRole, reason: paged.nobody },
      idempotencyKey: `${key}:skipped`,
    });
    return { sent: 0, failed: 0, skippedReason: paged.nobody };
  }
  const { people, recipients } = paged;

  const taskId = await recordOnTask(db, input, people);
  await raiseEscalationLevel(db, caseId, level.level);

  const task = taskId !== null ? await taskForPage(db, taskId) : null;
  const taskKey = input.taskKey ?? task?.taskKey ?? '';
  const template = input.reason === 'opened' ? 'task_assigned' : `task_${input.reason}`;
  const templates = await loadTemplates(db);
  const link = (personId: number, nKey: string): string | null =>
    deps.links
      ? `${deps.publicUrl}/a/${deps.links.sign({ p: personId, c: caseId, t: taskKey }, { nonce: deps.links.nonce(nKey) })}`
      : null;
  const facts = (recipientName: string, actionUrl: string | null): PageFacts => ({
    caseId,
    type: caseRow.type,
    severity: caseRow.severity,
    line: caseRow.line,
    station: caseRow.station,
    title: caseRow.title,
    details: caseRow.details,
    openedAt: caseRow.openedAt,
    caseUrl: caseUrlOf(deps.publicUrl, caseId),
    role: level.targetRole,
    level: level.level,
    escalated: level.level > 0,
    reason: input.reason,
    ask: input.taskTitle ?? task?.title ?? null,
    askRef: task?.titleRef ?? null,
    ackDeadline: deadlineNow(),
    recipientName,
    actionUrl,
    options: task?.options ?? [],
    people: people.map((p) => p.name),
  });
  const render = (person: Contact, channel: Channel, nKey: string): Rendered => {
    const locale = asLocale(person.locale);
    const f = facts(person.name, link(person.id, nKey));
    const view = pageView(locale, f);
    return channel === 'email'
      ? renderMail(templates['page.mail'][locale], view, locale, f.actionUrl)
      : renderSms(templates['page.sms'][locale], view);
  };

  const outcomes: Array<Outcome | GroupOutcome> = [];
  const errors: string[] = [];
  let retryAfterMs: number | undefined;

  // Group channels first: when one fails for good, the people it was for get their own channels.
  const groups = await pageGroups(deps, {
    caseId,
    taskId,
    template,
    key,
    groupIds: level.groupChannelIds ?? [],
    people,
    templates,
    facts,
    link,
    lastAttempt,
  });
  outcomes.push(...groups.outcomes);
  errors.push(...groups.errors);
  if (groups.retryAfterMs !== undefined) retryAfterMs = groups.retryAfterMs;
  // A level paged through groups only reaches people on their own channels when a group failed.
  const personal = level.channels.length > 0 ? recipients : groups.failedOver ? recipients : [];

  for (const r of personal) {
    const sent = await deliverWithFailover(
      deps,
      {
        caseId,
        taskId,
        template,
        person: r.person,
        channel: r.channel,
        to: r.address,
        key:
          level.channels.length > 0
            ? `${key}:${r.person.id}:${r.channel}`
            : `${key}:${r.person.id}:${r.channel}:group-failover`,
        render: (channel, nKey) => render(r.person, channel, nKey),
        // No failover onto a channel this page uses for the person anyway.
        failover: !recipients.some((x) => x.person.id === r.person.id && x.channel !== r.channel),
      },
      lastAttempt,
    );
    outcomes.push(...sent.outcomes);
    errors.push(...sent.errors);
  }
  // Let Temporal retry with backoff (after the wait a rate limit advised); messages already sent
  // are not sent again.
  if (errors.length > 0) {
    const message = `could not send ${errors.length} message(s): ${errors.join('; ')}`;
    if (retryAfterMs !== undefined)
      throw ApplicationFailure.create({
        message,
        type: 'RateLimited',
        nextRetryDelay: Math.min(retryAfterMs, MAX_ADVISED_WAIT_MS),
      });
    throw new Error(message);
  }

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
  // Counted from now, when every message of this page has been handed over: never before it went out.
  const ackDeadline = fromSend && sent > 0 ? deadlineNow() : null;
  if (fromSend && taskId !== null) await setAckDeadline(db, taskId, ackDeadline);
  // Subscribers of `escalated` (and of anything recorded before this page) hear of it now.
  await notifySubscribers(deps, caseId);
  return {
    ...(fromSend ? { ackDeadline } : {}),
    sent,
    failed,
    skippedReason: sent === 0 ? `no message to role ${level.targetRole} could be delivered` : null,
    recipients: people.map((p) => ({ personId: p.id, name: p.name })),
  };
}

/** Records who is paged on the task row; cases started before the SOP engine get a row per page. */
async function recordOnTask(db: Db, input: PageLevelInput, people: Contact[]): Promise<number | null> {
  const assignees = people.map((p) => ({ personId: p.id, name: p.name }));
  if (input.taskId !== undefined) {
    await recordTaskPage(db, input.taskId, {
      assignees,
      ackDeadline: input.ackDeadline,
      level: input.level.level,
    });
    return input.taskId;
  }
  return openPageTask(db, {
    caseId: input.caseId,
    level: input.level.level,
    role: input.level.targetRole,
    assignees,
    ackDeadline: input.ackDeadline,
    idempotencyKey: `${input.idempotencyKey}:task`,
  });
}
