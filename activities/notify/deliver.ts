/**
 * Sending outbox rows: one row through its transport (mail, SMS, a group channel's chat robot),
 * classifying what failed as permanent or transient, and failing over to the person's other channel
 * when a channel failed for good — one implementation for pages and FYI messages.
 */
import type { SecretBox } from '../../lib/secret-box.js';
import type { Db } from '../../db/index.js';
import { ensureNotification, markAttemptFailed, markSent, type OutboxRow } from '../../db/outbox.js';
import type { Channel, ChatProvider } from '../../domain/model.js';
import { ChatSendError } from './chat/card.js';
import type { ChatSender } from './chat/client.js';
import type { Logger } from '../../lib/logger.js';
import type { Mailer } from './mailer.js';
import type { Rendered } from './render.js';
import { SendError, type SmsSender } from './sms.js';

export interface DeliverDeps {
  db: Db;
  mailer: Mailer;
  sms: SmsSender;
  /** Posts chat cards to group channels. */
  chat: ChatSender;
  /** Opens the sealed webhook URLs and secrets of group channels. */
  secrets: SecretBox;
  publicUrl: string;
  logger: Logger;
}

export type Delivery = 'sent' | 'delivered' | 'failed' | 'retry';

/** The other channel, for failover. */
export const otherChannel = (c: Channel): Channel => (c === 'email' ? 'sms' : 'email');

/** Errors retrying cannot fix: Twilio 4xx, SMTP 5xx. */
export function isPermanent(err: unknown): boolean {
  if (err instanceof SendError) return err.permanent;
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Sends one outbox row (unless it already went out or failed for good). A transient error before
 * the last attempt leaves it queued and answers 'retry'; a permanent one, or any on the last attempt,
 * marks it failed.
 */
export async function deliverRow(
  deps: DeliverDeps,
  row: OutboxRow,
  content: Rendered,
  lastAttempt: boolean,
): Promise<{ outcome: Delivery; error?: string; retryAfterMs?: number }> {
  if (row.status === 'sent' || row.status === 'delivered' || row.status === 'failed')
    return { outcome: row.status };
  let provider: { providerId: string; providerStatus: string | null };
  try {
    provider = await send(deps, row, content);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const permanent = isPermanent(err);
    deps.logger.warn(
      { to: row.recipient, channel: row.channel, permanent, err: message },
      'notification failed',
    );
    const failed = permanent || lastAttempt;
    await markAttemptFailed(deps.db, row.id, message, failed);
    const wait = err instanceof ChatSendError && err.retryAfterMs !== null ? err.retryAfterMs : undefined;
    return {
      outcome: failed ? 'failed' : 'retry',
      error: `${row.channel} to ${row.recipient}: ${message}`,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    };
  }
  // Outside the try: a database error here is not a failed send (the retry may send it again).
  await markSent(deps.db, row.id, provider);
  return { outcome: 'sent' };
}

async function send(
  deps: DeliverDeps,
  row: OutboxRow,
  content: Rendered,
): Promise<{ providerId: string; providerStatus: string | null }> {
  if (content.chat) {
    const r = await deps.chat(content.chat.target, content.chat.card);
    return { providerId: r.providerId ?? `${row.channel}:${row.id}`, providerStatus: null };
  }
  if (row.channel === 'email') {
    const { providerId } = await deps.mailer.send({
      to: row.recipient,
      subject: content.subject ?? '',
      text: content.text,
      html: content.html ?? content.text,
      messageId: `<${row.idempotency_key.replace(/[^A-Za-z0-9.-]/g, '.')}@andon>`,
    });
    return { providerId, providerStatus: null };
  }
  const r = await deps.sms.send({
    to: row.recipient,
    body: content.text,
    statusCallback: `${deps.publicUrl}/webhooks/twilio/status`,
  });
  return { providerId: r.providerId, providerStatus: r.status };
}

/** One person reached (or not) on one channel. */
export interface Outcome {
  personId: number;
  name: string;
  channel: Channel;
  to: string;
  status: 'sent' | 'delivered' | 'failed';
  /** Set on the message that replaced one on this channel. */
  failoverFrom?: Channel;
}

export interface Message {
  caseId: number;
  taskId: number | null;
  template: string;
  person: { id: number; name: string; email: string | null; phone: string | null };
  channel: Channel;
  /** Where the first message goes (a FYI goes where the page went). */
  to: string;
  /** The outbox key of the first message; its failover's key is `${key}:failover`. */
  key: string;
  /** The message for a channel; `key` is that message's outbox key (action links use it as nonce). */
  render: (channel: Channel, key: string) => Rendered;
  /** False when the other channel gets its own message anyway (a page on both channels). */
  failover: boolean;
}

/**
 * Writes and sends one message; when its channel fails for good, writes and sends it once on the
 * person's other channel (if they have one). `outcomes` lists what was settled, `errors` what should
 * be retried (only before the last attempt).
 */
export async function deliverWithFailover(
  deps: DeliverDeps,
  m: Message,
  lastAttempt: boolean,
): Promise<{ outcomes: Outcome[]; errors: string[] }> {
  const outcomes: Outcome[] = [];
  const errors: string[] = [];
  const base = { personId: m.person.id, name: m.person.name };
  const first = await sendOnce(deps, m, m.channel, m.to, m.key, undefined, lastAttempt);
  if (first.outcome === 'retry') return { outcomes, errors: [first.error!] };
  outcomes.push({ ...base, channel: m.channel, to: m.to, status: first.outcome });
  if (first.outcome !== 'failed' || !m.failover) return { outcomes, errors };

  const other = otherChannel(m.channel);
  const address = other === 'email' ? m.person.email : m.person.phone;
  if (!address) return { outcomes, errors };
  const second = await sendOnce(deps, m, other, address, `${m.key}:failover`, first.rowId, lastAttempt);
  if (second.outcome === 'retry') errors.push(second.error!);
  else
    outcomes.push({ ...base, channel: other, to: address, status: second.outcome, failoverFrom: m.channel });
  return { outcomes, errors };
}

async function sendOnce(
  deps: DeliverDeps,
  m: Message,
  channel: Channel,
  to: string,
  key: string,
  failoverOf: number | undefined,
  lastAttempt: boolean,
): Promise<{ outcome: Delivery; error?: string; rowId: number }> {
  const content = m.render(channel, key);
  const row = await ensureNotification(deps.db, {
    caseId: m.caseId,
    taskId: m.taskId,
    personId: m.person.id,
    channel,
    recipient: to,
    template: m.template,
    subject: content.subject,
    body: content.text,
    key,
    ...(failoverOf !== undefined ? { failoverOf } : {}),
  });
  return { ...(await deliverRow(deps, row, content, lastAttempt)), rowId: row.id };
}

/** A group channel reached (or not) with one message. */
export interface GroupOutcome {
  groupChannelId: number;
  name: string;
  channel: ChatProvider;
  to: string;
  status: 'sent' | 'delivered' | 'failed';
}

/** One message to a group channel, written once by its key and sent (see `deliverRow`). */
export async function deliverToGroup(
  deps: DeliverDeps,
  m: {
    caseId: number;
    taskId: number | null;
    template: string;
    group: { id: number; name: string; provider: ChatProvider };
    key: string;
    content: Rendered;
  },
  lastAttempt: boolean,
): Promise<{ outcome: Delivery; error?: string; retryAfterMs?: number; result?: GroupOutcome }> {
  const to = `group:${m.group.name}`;
  const row = await ensureNotification(deps.db, {
    caseId: m.caseId,
    taskId: m.taskId,
    personId: null,
    groupChannelId: m.group.id,
    channel: m.group.provider,
    recipient: to,
    template: m.template,
    subject: m.content.subject,
    body: m.content.text,
    key: m.key,
  });
  const r = await deliverRow(deps, row, m.content, lastAttempt);
  if (r.outcome === 'retry') return r;
  return {
    ...r,
    result: {
      groupChannelId: m.group.id,
      name: m.group.name,
      channel: m.group.provider,
      to,
      status: r.outcome,
    },
  };
}
