/**
 * Twilio's webhooks: SMS replies (once each: Twilio posts a message again when it got no answer)
 * and the delivery status of the SMS Andon sent, on the outbox row and the case's timeline.
 */
import type { Db } from './index.js';

/** Records an incoming message as being handled; false when it was seen before. */
export async function claimInboundSms(
  db: Db,
  m: { sid: string; from: string; body: string },
): Promise<boolean> {
  const rows = await db('sms_inbound')
    .insert({ message_sid: m.sid, from_number: m.from, body: m.body, outcome: 'processing', reply: '' })
    .onConflict('message_sid')
    .ignore()
    .returning('id');
  return rows.length > 0;
}

/** The reply given to a message seen before ('' while it is still being handled). */
export async function priorReply(db: Db, sid: string): Promise<string> {
  const row = (await db('sms_inbound').where({ message_sid: sid }).first('reply')) as
    { reply: string } | undefined;
  return row?.reply ?? '';
}

export async function finishInboundSms(
  db: Db,
  sid: string,
  r: { outcome: string; reply: string; personId: number | null; caseId: number | null },
): Promise<void> {
  await db('sms_inbound')
    .where({ message_sid: sid })
    .update({ outcome: r.outcome, reply: r.reply, person_id: r.personId, case_id: r.caseId });
}

/** Forgets a message that could not be handled now, so a resend is handled afresh. */
export async function forgetInboundSms(db: Db, sid: string): Promise<void> {
  await db('sms_inbound').where({ message_sid: sid }).delete();
}

/** Whether Andon ever paged this person for this case (only they may answer it by SMS). */
export async function wasPaged(db: Db, caseId: number, personId: number): Promise<boolean> {
  return (
    (await db('notifications').where({ case_id: caseId, person_id: personId }).first('id')) !== undefined
  );
}

/** The `sms_received` event on the case's timeline (once per message). */
export async function recordSmsReceived(
  db: Db,
  e: {
    caseId: number;
    sid: string;
    person: { id: number; name: string };
    from: string;
    text: string;
    command: string;
    outcome: string;
  },
): Promise<void> {
  await db('case_events')
    .insert({
      case_id: e.caseId,
      type: 'sms_received',
      actor: `person:${e.person.id}`,
      data: JSON.stringify({
        by: e.person.name,
        from: e.from,
        text: e.text,
        command: e.command,
        outcome: e.outcome,
      }),
      idempotency_key: `sms:${e.sid}`,
    })
    .onConflict('idempotency_key')
    .ignore();
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
  const row = (await db('notifications').where({ provider_id: s.sid, channel: 'sms' }).first()) as
    Record<string, unknown> | undefined;
  if (!row) return;
  const id = row.id as number;
  const base = {
    notificationId: id,
    channel: 'sms',
    to: row.recipient,
    personId: row.person_id,
    providerId: s.sid,
  };
  const unsettled = () => db('notifications').where({ id }).whereIn('status', ['queued', 'sent']);
  const event = (type: string, data: Record<string, unknown>, key: string) =>
    db('case_events')
      .insert({
        case_id: row.case_id,
        type,
        actor: 'system',
        data: JSON.stringify(data),
        idempotency_key: key,
      })
      .onConflict('idempotency_key')
      .ignore();
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
