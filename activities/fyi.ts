/**
 * For-your-information messages: when a person acknowledges a task or resolves the case, everyone
 * else who was paged for it (the earlier levels of the ladder and colleagues on the same level)
 * learns that someone has it, so they stop looking. One message per person, on the channel they
 * were paged on (email first), once: each has an idempotency key derived from the timeline event.
 * Best effort: a failure is recorded in the outbox (and fails over once), never retried forever.
 */
import type { Channel, ExceptionType } from '../domain/model.js';
import { deliverRow, ensureRow, type PagingDeps } from './paging.js';
import { asLocale, fyiMessage } from './notify/templates.js';
import type { TimelineEventInput } from './types.js';

type FyiDeps = Pick<PagingDeps, 'db' | 'mailer' | 'sms' | 'publicUrl' | 'logger'>;

interface Paged {
  person_id: number;
  channel: Channel;
  recipient: string;
  locale: string;
  email: string | null;
  phone: string | null;
}

/** Sends the FYI messages an `acked` or `resolved` event by a person calls for. */
export async function sendFyi(
  deps: FyiDeps,
  event: Omit<TimelineEventInput, 'caseId'>,
  caseId: number,
): Promise<void> {
  if (event.type !== 'acked' && event.type !== 'resolved') return;
  const m = /^person:(\d+)$/.exec(event.actor);
  if (!m) return; // only when a person we paged (or know) acts: "X has it"
  const actorId = Number(m[1]);
  try {
    await send(deps, event, caseId, actorId);
  } catch (err) {
    deps.logger.warn(
      { caseId, err: err instanceof Error ? err.message : String(err) },
      'FYI messages failed',
    );
  }
}

async function send(
  deps: FyiDeps,
  event: Omit<TimelineEventInput, 'caseId'>,
  caseId: number,
  actorId: number,
): Promise<void> {
  const { db } = deps;
  const caseRow = (await db('cases').where({ id: caseId }).first('type', 'line')) as
    { type: ExceptionType; line: string } | undefined;
  if (!caseRow) return;
  const what = event.type === 'acked' ? 'acked' : 'resolved';
  const taskKeys =
    what === 'acked' && Array.isArray(event.data.tasks) ? (event.data.tasks as string[]) : null;

  const q = db('notifications as n')
    .join('people as p', 'p.id', 'n.person_id')
    .where('n.case_id', caseId)
    .andWhere('n.template', 'like', 'task_%')
    .whereIn('n.status', ['sent', 'delivered'])
    .andWhere('n.person_id', '<>', actorId)
    .andWhere('p.active', true)
    .select('n.person_id', 'n.channel', 'n.recipient', 'p.locale', 'p.email', 'p.phone')
    .orderBy('n.id');
  if (taskKeys && taskKeys.length > 0) {
    q.whereIn('n.task_id', db('tasks').where({ case_id: caseId }).whereIn('task_key', taskKeys).select('id'));
  }
  const rows: Paged[] = await q;
  const byPerson = new Map<number, Paged>();
  for (const r of rows) {
    const seen = byPerson.get(r.person_id);
    if (!seen || (seen.channel !== 'email' && r.channel === 'email')) byPerson.set(r.person_id, r);
  }
  if (byPerson.size === 0) return;

  const by = typeof event.data.by === 'string' ? event.data.by : 'someone';
  const text =
    what === 'resolved' && typeof event.data.resolution === 'string' ? event.data.resolution : null;
  for (const r of byPerson.values()) {
    const msg = fyiMessage(asLocale(r.locale), {
      caseId,
      type: caseRow.type,
      line: caseRow.line,
      what,
      by,
      text,
    });
    const key = `fyi:${event.idempotencyKey}:${r.person_id}:${r.channel}`;
    const content =
      r.channel === 'email'
        ? { subject: msg.subject, text: msg.text, html: msg.html }
        : { subject: null, text: msg.sms, html: null };
    const row = await ensureRow(db, {
      caseId,
      taskId: null,
      personId: r.person_id,
      channel: r.channel,
      recipient: r.recipient,
      template: `fyi_${what}`,
      subject: content.subject,
      body: content.text,
      key,
    });
    const result = await deliverRow(deps, row, content, true);
    if (result.outcome !== 'failed') continue;
    const other: Channel = r.channel === 'email' ? 'sms' : 'email';
    const address = other === 'email' ? r.email : r.phone;
    if (!address) continue;
    const fContent =
      other === 'email'
        ? { subject: msg.subject, text: msg.text, html: msg.html }
        : { subject: null, text: msg.sms, html: null };
    const fRow = await ensureRow(db, {
      caseId,
      taskId: null,
      personId: r.person_id,
      channel: other,
      recipient: address,
      template: `fyi_${what}`,
      subject: fContent.subject,
      body: fContent.text,
      key: `${key}:failover`,
      failoverOf: row.id,
    });
    await deliverRow(deps, fRow, fContent, true);
  }
}
