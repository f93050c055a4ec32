/**
 * /api/v1/dev/mail and /api/v1/dev/sms (supervisors): what the in-process mail catcher and the
 * recording SMS transport hold, when no SMTP server or Twilio is configured.
 */
import { Router } from 'express';
import type { MailCatcher } from '../../lib/mail-catcher.js';
import type { RecordingSms } from '../../lib/recording-sms.js';
import { requireRole } from '../auth.js';

export function devRoutes(deps: { devMail?: MailCatcher; devSms?: RecordingSms }): Router {
  const r = Router();
  const { devMail, devSms } = deps;
  if (devMail)
    r.get('/dev/mail', requireRole('supervisor'), (_req, res) => {
      res.json({ messages: devMail.messages.slice(-200).reverse() });
    });
  if (devSms)
    r.get('/dev/sms', requireRole('supervisor'), (_req, res) => {
      res.json({ messages: devSms.messages.slice(-200).reverse() });
    });
  return r;
}
