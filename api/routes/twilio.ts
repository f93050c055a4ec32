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
import { z } from 'zod';
import { personByPhone, type Contact } from '../../db/people.js';
import type { Db } from '../../db/index.js';
import { applySmsStatus, wasPaged } from '../../db/outbox.js';
import {
  claimInboundSms,
  finishInboundSms,
  forgetInboundSms,
  priorReply,
  recordSmsReceived,
} from '../../db/sms-inbound.js';
import { textProblem } from '../../domain/contracts/rules.js';
import type { Locale } from '../../domain/model.js';
import { asLocale } from '../../lib/locale.js';
import type { Logger } from '../../lib/logger.js';
import type { CaseClient } from '../case-client.js';
import { runAction, type ActionName, type ActionOutcome } from '../run-action.js';
import { bilingual, refusalText, t } from '../web/i18n.js';
import { etaMinutes, personActor } from './actions.js';

export interface TwilioRouteDeps {
  db: Db;
  cases: CaseClient;
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

/** A field of Twilio's form: text Andon can store (no NUL or other control characters). */
const twilioText = (max: number, multiline = false) =>
  z
    .string()
    .max(max)
    .superRefine((s, ctx) => {
      const problem = textProblem(s, { multiline });
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: s });
    });

const inboundSms = z.object({
  sid: z.string().regex(/^[A-Za-z0-9]{2,64}$/),
  from: twilioText(64),
  body: twilioText(1600, true),
});

function twiml(res: Response, message: string): void {
  const r = new twilio.twiml.MessagingResponse();
  r.message(message);
  res.type('text/xml').send(r.toString());
}

export function twilioRoutes(deps: TwilioRouteDeps): Router {
  const { db, cases, logger } = deps;
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
    const fields = req.body as Record<string, unknown>;
    const sid = fields.MessageSid ?? fields.SmsSid;
    if (typeof sid !== 'string' || sid === '' || typeof fields.From !== 'string' || fields.From === '') {
      res.status(400).type('text/plain').send('MessageSid and From are required');
      return;
    }
    const parsed = inboundSms.safeParse({ sid, from: fields.From, body: fields.Body ?? '' });
    if (!parsed.success) {
      // Genuine, but not storable (e.g. a NUL in the text): say so politely, record nothing.
      const issue = parsed.error.issues[0]!;
      logger.warn({ field: issue.path.join('.'), problem: issue.message }, 'SMS reply refused');
      return twiml(res, bilingual('smsBadText', { message: `${issue.path.join('.')}: ${issue.message}` }));
    }
    const { from, body: text } = parsed.data;
    // Once per message: Twilio may post the same message again.
    if (!(await claimInboundSms(db, { sid, from, body: text })))
      return twiml(res, (await priorReply(db, sid)) || t('en', 'smsUnavailable'));

    const finish = async (
      outcome: string,
      reply: string,
      extra: { person?: Contact; caseId?: number; command?: SmsCommand } = {},
    ): Promise<void> => {
      await finishInboundSms(db, sid, {
        outcome,
        reply,
        personId: extra.person?.id ?? null,
        caseId: extra.caseId ?? null,
      });
      if (extra.caseId !== undefined && extra.person)
        await recordSmsReceived(db, {
          caseId: extra.caseId,
          sid,
          person: extra.person,
          from,
          text,
          command: extra.command?.kind ?? 'unknown',
          outcome,
        });
      twiml(res, reply);
    };

    const person = await personByPhone(db, from);
    if (!person) return finish('unknown_sender', bilingual('smsUnknownSender', {}, '\n'));
    const locale = asLocale(person.locale);
    const command = parseSms(text);
    if (command.kind === 'help' || command.kind === 'unknown')
      return finish(command.kind, t(locale, 'smsHelp'), { person });

    const code = command.caseId;
    if (!(await wasPaged(db, code, person.id)))
      return finish('unknown_case', t(locale, 'smsUnknownCase', { code }), { person });
    const done = { person, caseId: code, command };

    const planned = await plan(cases, code, person, command, locale);
    if ('reply' in planned) return finish(planned.outcome, planned.reply, done);
    const outcome = await runAction(
      { db, cases },
      {
        caseId: code,
        action: planned.action,
        body: planned.body,
        actor: personActor(person),
        asAssignee: true,
      },
    );
    if (outcome.ok)
      return finish(command.kind === 'decide' ? 'decided' : `${command.kind}_done`, planned.okReply, done);
    if (outcome.kind === 'unavailable' && outcome.changed === 'no') {
      // Not recorded as handled: Twilio (or the person) may send it again.
      await forgetInboundSms(db, sid);
      return twiml(res, t(locale, 'smsUnavailable'));
    }
    if (outcome.kind === 'unavailable')
      return finish('unconfirmed', t(locale, 'smsUnconfirmed', { code }), done);
    if (outcome.kind === 'not_found')
      return finish('unknown_case', t(locale, 'smsUnknownCase', { code }), { person });
    return finish('refused', t(locale, 'smsRefused', { code, message: smsReason(locale, outcome) }), done);
  });

  r.post('/webhooks/twilio/status', form, async (req, res) => {
    if (!verified(req, res)) return;
    const body = req.body as Record<string, unknown>;
    const text = (v: unknown): string => (typeof v === 'string' && textProblem(v) === null ? v : '');
    const sid = text(body.MessageSid ?? body.SmsSid);
    const status = text(body.MessageStatus ?? body.SmsStatus).toLowerCase();
    const errorCode = text(body.ErrorCode) || null;
    if (sid) await applySmsStatus(db, { sid, status, errorCode });
    res.status(204).end();
  });

  return r;
}

/** Why it was not done, for an SMS (the workflow's own reason when it gave one). */
function smsReason(locale: Locale, o: Exclude<ActionOutcome, { ok: true }>): string {
  return o.kind === 'refused' ? o.reason : refusalText(locale, o);
}

type Planned =
  { action: ActionName; body: Record<string, unknown>; okReply: string } | { outcome: string; reply: string };

/** Turns a command into the REST body of its action (picking the person's task), or a reply at once. */
async function plan(
  cases: CaseClient,
  code: number,
  person: Contact,
  command: Exclude<SmsCommand, { kind: 'help' | 'unknown' }>,
  locale: Locale,
): Promise<Planned> {
  const live = await cases.state(code);
  const active = (live?.tasks ?? []).filter((x) => x.status === 'open' || x.status === 'acked');
  const mine = active.filter((x) => x.assignees.some((a) => a.personId === person.id));
  const pick = (pred: (k: (typeof mine)[number]) => boolean): string | undefined => {
    const fits = mine.filter(pred);
    return fits.length === 1 ? fits[0]!.key : undefined;
  };
  const withTask = (taskKey: string | undefined) => (taskKey ? { taskKey } : {});
  switch (command.kind) {
    case 'ack':
      return {
        action: 'ack',
        body: { note: 'by SMS reply', ...withTask(pick((x) => x.status === 'open')) },
        okReply: t(locale, 'smsAcked', { code }),
      };
    case 'resolve':
      return {
        action: 'resolve',
        body: { resolution: command.text },
        okReply: t(locale, 'smsResolved', { code }),
      };
    case 'eta': {
      const minutes = etaMinutes.safeParse(command.minutes);
      if (!minutes.success)
        return {
          outcome: 'refused',
          reply: t(locale, 'smsRefused', { code, message: `minutes: ${minutes.error.issues[0]!.message}` }),
        };
      const eta = new Date(Date.now() + minutes.data * 60_000).toISOString();
      return {
        action: 'eta',
        body: { eta, ...withTask(pick(() => true)) },
        okReply: t(locale, 'smsEta', { code }),
      };
    }
    case 'decide': {
      const deciding = active.filter((x) => x.options.length > 0);
      const candidates = deciding.length > 1 ? deciding.filter((x) => mine.includes(x)) : deciding;
      const task = candidates.length === 1 ? candidates[0]! : null;
      if (!task) return { outcome: 'no_decision', reply: t(locale, 'smsNoDecision', { code }) };
      const option = task.options[command.option - 1];
      if (!option)
        return {
          outcome: 'bad_option',
          reply: t(locale, 'smsBadOption', {
            code,
            n: task.options.length,
            options: task.options.map((o, i) => `${i + 1}=${o.label}`).join(', '),
          }),
        };
      if ((option.fields ?? []).length > 0)
        return {
          outcome: 'needs_fields',
          reply: t(locale, 'smsNeedsFields', {
            label: option.label,
            fields: option.fields!.map((f) => f.label).join(', '),
          }),
        };
      return {
        action: 'decide',
        body: { taskKey: task.key, option: option.id, note: 'by SMS reply' },
        okReply: t(locale, 'smsDecided', { code, label: option.label }),
      };
    }
  }
}
