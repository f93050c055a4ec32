/**
 * Twilio webhooks, signature-checked (X-Twilio-Signature over the public URL and the form fields;
 * anything else is answered 403 and changes nothing):
 *   POST /webhooks/twilio/sms     — replies to our SMS (TwiML answer);
 *   POST /webhooks/twilio/status  — delivery status of the SMS we sent (updates the outbox row).
 *
 * Replies (case-insensitive; <code> is the case number from the message, `#` optional):
 *   A <code>             acknowledge (the sender's open task on the case, else every open task)
 *   E <code> <minutes>   report an ETA, minutes from now
 *   D <code> <n>         choose option n of the case's one task waiting for a decision
 *   <code> <n>           the same
 *   R <code> <text>      resolve the case, <text> saying what was done
 *   HELP                 these instructions
 * The sender is matched to an active person by phone number, and must have been paged for the case.
 */
import express, { Router, type Request, type Response } from 'express';
import twilio from 'twilio';
import { insertEvent } from '../../db/timeline.js';
import { personByPhone, type Contact } from '../../db/people.js';
import type { Db } from '../../db/index.js';
import type { Locale } from '../../domain/model.js';
import { asLocale } from '../../activities/notify/render.js';
import type { Logger } from '../../lib/logger.js';
import type { CaseEngine } from '../engine.js';
import { actAs, personActor, type ActOutcome } from './actions.js';

export interface TwilioRouteDeps {
  db: Db;
  engine: CaseEngine;
  logger: Logger;
  /** TWILIO_AUTH_TOKEN; without it every webhook is refused. */
  authToken?: string;
  /** Base URL Twilio calls us at (the webhook URL configured at Twilio is this + the path). */
  publicUrl: () => string;
}

export type SmsCommand =
  | { kind: 'ack'; caseId: number }
  | { kind: 'resolve'; caseId: number; text: string }
  | { kind: 'decide'; caseId: number; option: number }
  | { kind: 'eta'; caseId: number; minutes: number }
  | { kind: 'help' }
  | { kind: 'unknown' };

/** Parses an SMS reply (see the file comment). Full-width characters (Chinese keyboards) are accepted. */
export function parseSms(body: string): SmsCommand {
  const s = body.normalize('NFKC').trim().replace(/\s+/g, ' ');
  let m: RegExpExecArray | null;
  if (/^(help|\?|帮助)$/i.test(s)) return { kind: 'help' };
  if ((m = /^(?:a|ack|ok|确认) #?(\d{1,12})$/i.exec(s))) return { kind: 'ack', caseId: Number(m[1]) };
  if ((m = /^(?:r|resolve|解决) #?(\d{1,12}) (.{1,2000})$/i.exec(s)))
    return { kind: 'resolve', caseId: Number(m[1]), text: m[2]!.trim() };
  if (/^(?:r|resolve|解决) #?(\d{1,12})$/i.test(s)) return { kind: 'unknown' }; // a resolve needs its text
  if ((m = /^(?:e|eta) #?(\d{1,12}) (\d{1,5})$/i.exec(s)))
    return { kind: 'eta', caseId: Number(m[1]), minutes: Number(m[2]) };
  if ((m = /^(?:d |decide )?#?(\d{1,12}) (\d{1,2})$/i.exec(s)))
    return { kind: 'decide', caseId: Number(m[1]), option: Number(m[2]) };
  return { kind: 'unknown' };
}

const R = {
  help: {
    en: 'Andon: reply A <case> to acknowledge, E <case> <minutes> to give an ETA, D <case> <n> to choose option n, R <case> <what you did> to resolve.',
    'zh-CN':
      'Andon：回复 A <单号> 确认，E <单号> <分钟> 报告预计完成时间，D <单号> <序号> 选择决定，R <单号> <处理说明> 解决。',
  },
  unknownSender: {
    en: 'Andon: this phone number is not registered. Ask your supervisor to add it to your profile. Nothing was changed.',
    'zh-CN': 'Andon：此手机号未登记，请联系主管添加到您的资料中。未做任何更改。',
  },
  unknownCase: {
    en: 'Andon: case {code} was not found, or you were not paged for it. Reply with the number from the message you got. Nothing was changed.',
    'zh-CN': 'Andon：未找到异常单 {code}，或您不是其负责人。请使用收到的消息中的单号回复。未做任何更改。',
  },
  acked: {
    en: 'Andon: case {code} acknowledged. Thank you.',
    'zh-CN': 'Andon：异常单 {code} 已确认，谢谢。',
  },
  resolved: { en: 'Andon: case {code} resolved. Thank you.', 'zh-CN': 'Andon：异常单 {code} 已解决，谢谢。' },
  eta: { en: 'Andon: ETA for case {code} recorded.', 'zh-CN': 'Andon：异常单 {code} 的预计完成时间已记录。' },
  decided: {
    en: 'Andon: case {code}: "{label}" recorded.',
    'zh-CN': 'Andon：异常单 {code}：已记录“{label}”。',
  },
  noDecision: {
    en: 'Andon: case {code} has no single task waiting for a decision by SMS. Use the link in the message. Nothing was changed.',
    'zh-CN': 'Andon：异常单 {code} 没有可通过短信决定的任务，请使用消息中的链接。未做任何更改。',
  },
  badOption: {
    en: 'Andon: case {code}: choose 1 to {n}: {options}. Nothing was changed.',
    'zh-CN': 'Andon：异常单 {code}：请选择 1 到 {n}：{options}。未做任何更改。',
  },
  needsFields: {
    en: 'Andon: "{label}" needs details ({fields}); use the link in the message. Nothing was changed.',
    'zh-CN': 'Andon：“{label}”需要填写详细信息（{fields}），请使用消息中的链接。未做任何更改。',
  },
  refused: {
    en: 'Andon: case {code}: not done: {message}',
    'zh-CN': 'Andon：异常单 {code}：无法执行：{message}',
  },
  unavailable: {
    en: 'Andon is busy; nothing was changed. Please send it again in a minute.',
    'zh-CN': 'Andon 暂时繁忙，未做任何更改，请稍后重发。',
  },
} satisfies Record<string, Record<Locale, string>>;

const say = (key: keyof typeof R, locale: Locale, vars: Record<string, string | number> = {}): string =>
  R[key][locale].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));

function twiml(res: Response, message: string): void {
  const r = new twilio.twiml.MessagingResponse();
  r.message(message);
  res.type('text/xml').send(r.toString());
}

export function twilioRoutes(deps: TwilioRouteDeps): Router {
  const { db, engine, logger } = deps;
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });

  /** Twilio's signature over our public URL and the posted fields; 403 when it does not match. */
  const verified = (req: Request, res: Response): boolean => {
    const signature = req.get('x-twilio-signature');
    const url = `${deps.publicUrl()}${req.originalUrl}`;
    const params = (req.body ?? {}) as Record<string, string>;
    if (!deps.authToken || !signature || !twilio.validateRequest(deps.authToken, signature, url, params)) {
      logger.warn({ url, hasSignature: Boolean(signature) }, 'Twilio webhook with a bad signature refused');
      res.status(403).type('text/plain').send('Twilio signature check failed');
      return false;
    }
    return true;
  };

  r.post('/webhooks/twilio/sms', form, async (req, res) => {
    if (!verified(req, res)) return;
    const body = req.body as Record<string, string | undefined>;
    const sid = body.MessageSid ?? body.SmsSid ?? '';
    const from = body.From ?? '';
    const text = body.Body ?? '';
    if (!sid || !from) {
      res.status(400).type('text/plain').send('MessageSid and From are required');
      return;
    }
    // Once per message: Twilio may post the same message again.
    const inserted = await db('sms_inbound')
      .insert({ message_sid: sid, from_number: from, body: text, outcome: 'processing', reply: '' })
      .onConflict('message_sid')
      .ignore()
      .returning('id');
    if (inserted.length === 0) {
      const prior = (await db('sms_inbound').where({ message_sid: sid }).first('reply')) as { reply: string };
      twiml(res, prior.reply || say('unavailable', 'en'));
      return;
    }
    const finish = async (
      outcome: string,
      reply: string,
      extra: { person?: Contact; caseId?: number; command?: SmsCommand } = {},
    ): Promise<void> => {
      await db('sms_inbound')
        .where({ message_sid: sid })
        .update({ outcome, reply, person_id: extra.person?.id ?? null, case_id: extra.caseId ?? null });
      if (extra.caseId !== undefined && extra.person) {
        await insertEvent(db, {
          caseId: extra.caseId,
          type: 'sms_received',
          actor: `person:${extra.person.id}`,
          data: { by: extra.person.name, from, text, command: extra.command?.kind ?? 'unknown', outcome },
          idempotencyKey: `sms:${sid}`,
        });
      }
      twiml(res, reply);
    };

    const person = await personByPhone(db, from);
    if (!person)
      return finish('unknown_sender', `${say('unknownSender', 'en')}\n${say('unknownSender', 'zh-CN')}`);
    const locale = asLocale(person.locale);
    const command = parseSms(text);
    if (command.kind === 'help' || command.kind === 'unknown')
      return finish(command.kind, say('help', locale), { person });

    const code = command.caseId;
    const paged = await db('notifications').where({ case_id: code, person_id: person.id }).first('id');
    if (!paged) return finish('unknown_case', say('unknownCase', locale, { code }), { person });

    const actor = personActor(person);
    const live = await engine.state(code);
    const mine = (live?.tasks ?? []).filter(
      (x) =>
        (x.status === 'open' || x.status === 'acked') && x.assignees.some((a) => a.personId === person.id),
    );
    const pick = (pred: (k: (typeof mine)[number]) => boolean): string | undefined => {
      const fits = mine.filter(pred);
      return fits.length === 1 ? fits[0]!.key : undefined;
    };

    let outcome: ActOutcome;
    let okReply: string;
    if (command.kind === 'ack') {
      const taskKey = pick((x) => x.status === 'open');
      outcome = await actAs(engine, code, 'ack', {
        actor,
        note: 'by SMS reply',
        ...(taskKey ? { taskKey } : {}),
      });
      okReply = say('acked', locale, { code });
    } else if (command.kind === 'resolve') {
      outcome = await actAs(engine, code, 'resolve', { actor, resolution: command.text });
      okReply = say('resolved', locale, { code });
    } else if (command.kind === 'eta') {
      const taskKey = pick(() => true);
      const eta = new Date(Date.now() + Math.max(1, command.minutes) * 60_000).toISOString();
      outcome = await actAs(engine, code, 'eta', { actor, eta, ...(taskKey ? { taskKey } : {}) });
      okReply = say('eta', locale, { code });
    } else {
      const deciding = (live?.tasks ?? []).filter(
        (x) => (x.status === 'open' || x.status === 'acked') && x.options.length > 0,
      );
      const candidates = deciding.length > 1 ? deciding.filter((x) => mine.includes(x)) : deciding;
      const task = candidates.length === 1 ? candidates[0]! : null;
      if (!task)
        return finish('no_decision', say('noDecision', locale, { code }), { person, caseId: code, command });
      const option = task.options[command.option - 1];
      if (!option)
        return finish(
          'bad_option',
          say('badOption', locale, {
            code,
            n: task.options.length,
            options: task.options.map((o, i) => `${i + 1}=${o.label}`).join(', '),
          }),
          { person, caseId: code, command },
        );
      if ((option.fields ?? []).length > 0)
        return finish(
          'needs_fields',
          say('needsFields', locale, {
            label: option.label,
            fields: option.fields!.map((f) => f.label).join(', '),
          }),
          { person, caseId: code, command },
        );
      outcome = await actAs(engine, code, 'decide', {
        actor,
        taskKey: task.key,
        option: option.id,
        note: 'by SMS reply',
      });
      okReply = say('decided', locale, { code, label: option.label });
    }
    if (outcome.ok)
      return finish(command.kind === 'decide' ? 'decided' : `${command.kind}_done`, okReply, {
        person,
        caseId: code,
        command,
      });
    if (outcome.kind === 'unavailable') {
      // Not recorded as handled: Twilio (or the person) may send it again.
      await db('sms_inbound').where({ message_sid: sid }).delete();
      twiml(res, say('unavailable', locale));
      return;
    }
    return finish('refused', say('refused', locale, { code, message: outcome.message }), {
      person,
      caseId: code,
      command,
    });
  });

  r.post('/webhooks/twilio/status', form, async (req, res) => {
    if (!verified(req, res)) return;
    const body = req.body as Record<string, string | undefined>;
    const sid = body.MessageSid ?? body.SmsSid ?? '';
    const status = (body.MessageStatus ?? body.SmsStatus ?? '').toLowerCase();
    const row = sid
      ? ((await db('notifications').where({ provider_id: sid, channel: 'sms' }).first()) as
          Record<string, unknown> | undefined)
      : undefined;
    if (!row) {
      res.status(204).end();
      return;
    }
    const id = row.id as number;
    const caseId = row.case_id as number;
    const errorCode = body.ErrorCode ?? null;
    if (status === 'delivered' || status === 'read') {
      const n = await db('notifications')
        .where({ id })
        .whereIn('status', ['queued', 'sent'])
        .update({ status: 'delivered', delivered_at: db.fn.now(), provider_status: status });
      if (n > 0 || row.status === 'delivered')
        await insertEvent(db, {
          caseId,
          type: 'notification_delivered',
          actor: 'system',
          data: {
            notificationId: id,
            channel: 'sms',
            to: row.recipient,
            personId: row.person_id,
            providerId: sid,
          },
          idempotencyKey: `notification:${id}:delivered`,
        });
    } else if (status === 'failed' || status === 'undelivered') {
      const n = await db('notifications')
        .where({ id })
        .whereIn('status', ['queued', 'sent'])
        .update({
          status: 'failed',
          failed_at: db.fn.now(),
          provider_status: status,
          last_error: `Twilio reports ${status}${errorCode ? ` (error ${errorCode})` : ''}`,
        });
      if (n > 0 || row.status === 'failed')
        await insertEvent(db, {
          caseId,
          type: 'notification_failed',
          actor: 'system',
          data: {
            notificationId: id,
            channel: 'sms',
            to: row.recipient,
            personId: row.person_id,
            providerId: sid,
            status,
            ...(errorCode ? { errorCode } : {}),
          },
          idempotencyKey: `notification:${id}:failed`,
        });
    } else if (status) {
      await db('notifications')
        .where({ id })
        .whereIn('status', ['queued', 'sent'])
        .update({ provider_status: status });
    }
    res.status(204).end();
  });

  return r;
}
