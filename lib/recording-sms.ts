/**
 * The SMS transport used when Twilio is not configured: it keeps the messages in memory instead of
 * sending them (listed at GET /api/v1/dev/sms and on the supervisor's outbox page) and emits `sms`
 * for each, so `npm start` can log them. Keeps the newest `MAX_KEPT`.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { OutgoingSms, SmsSender } from '../activities/notify/sms.js';

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

  async send(sms: OutgoingSms): Promise<{ providerId: string; status: string }> {
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
    return { providerId: rec.sid, status: 'sent' };
  }
}
