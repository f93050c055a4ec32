/**
 * The SMS transport used when Twilio is not configured: it keeps the messages in memory instead of
 * sending them (listed at GET /api/v1/dev/sms and on the supervisor's outbox page) and emits `sms`
 * for each, so `npm start` can log them. Keeps the newest `MAX_KEPT`.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createTwilioSms, type OutgoingSms, type SmsSender } from '../activities/notify/sms.js';

export interface RecordedSms {
  sid: string;
  to: string;
  body: string;
  statusCallback: string | null;
  sentAt: Date;
}

export const MAX_KEPT = 500;

export class RecordingSms extends EventEmitter implements SmsSender {
  readonly messages: RecordedSms[] = [];

  send(sms: OutgoingSms): Promise<{ providerId: string; status: string }> {
    const rec: RecordedSms = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      to: sms.to,
      body: sms.body,
      statusCallback: sms.statusCallback ?? null,
      sentAt: new Date(),
    };
    this.messages.push(rec);
    if (this.messages.length > MAX_KEPT) this.messages.splice(0, this.messages.length - MAX_KEPT);
    this.emit('sms', rec);
    return Promise.resolve({ providerId: rec.sid, status: 'sent' });
  }
}

/** The SMS transport the configuration asks for: Twilio when its three variables are set, else recording. */
export function smsFromConfig(c: {
  TWILIO_ACCOUNT_SID?: string | undefined;
  TWILIO_AUTH_TOKEN?: string | undefined;
  TWILIO_FROM?: string | undefined;
  TWILIO_API_BASE_URL?: string | undefined;
}): { sms: SmsSender; recording: RecordingSms | null } {
  if (c.TWILIO_ACCOUNT_SID && c.TWILIO_AUTH_TOKEN && c.TWILIO_FROM) {
    return {
      sms: createTwilioSms({
        accountSid: c.TWILIO_ACCOUNT_SID,
        authToken: c.TWILIO_AUTH_TOKEN,
        from: c.TWILIO_FROM,
        ...(c.TWILIO_API_BASE_URL ? { apiBaseUrl: c.TWILIO_API_BASE_URL } : {}),
      }),
      recording: null,
    };
  }
  const recording = new RecordingSms();
  return { sms: recording, recording };
}
