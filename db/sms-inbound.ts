/** SMS replies from Twilio's webhook: once each (Twilio posts a message again when it got no answer). */
import type { Db } from './index.js';
import { insertEvent } from './timeline.js';

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
  const row = await db<{ message_sid: string; reply: string }>('sms_inbound')
    .where({ message_sid: sid })
    .first('reply');
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
  await insertEvent(db, {
    caseId: e.caseId,
    type: 'sms_received',
    actor: `person:${e.person.id}`,
    data: { by: e.person.name, from: e.from, text: e.text, command: e.command, outcome: e.outcome },
    idempotencyKey: `sms:${e.sid}`,
  });
}
