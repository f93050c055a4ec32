/**
 * The dev outbox: the mail and SMS caught in-process when no SMTP server or Twilio is configured.
 * Supervisors only: the messages carry signed action links that act as their recipients.
 */
import { Router } from 'express';
import type { WebContext } from '../context.js';
import { html, localTime } from '../html.js';
import { t } from '../i18n.js';

export function outboxPage(ctx: WebContext): Router {
  const r = Router();

  r.get('/outbox', ctx.need('supervisor'), (req, res) => {
    const l = ctx.lang(req);
    const mail = ctx.devMail?.messages.slice(-100).reverse() ?? null;
    const sms = ctx.devSms?.messages.slice(-100).reverse() ?? null;
    const mailPart =
      mail === null
        ? html``
        : html`<h2>${t(l, 'mail')}</h2>
            ${mail.length === 0 ? html`<p>${t(l, 'nothing')}</p>` : ''}
            ${mail.map(
              (m) =>
                html`<article class="mail">
                  <header>
                    <strong>${m.subject}</strong><br /><small
                      >${m.to.join(', ')} · ${localTime(m.receivedAt, ctx.timeZone)}</small
                    >
                  </header>
                  <pre>${m.text}</pre>
                </article>`,
            )}`;
    const smsPart =
      sms === null
        ? html``
        : html`<h2>${t(l, 'sms')}</h2>
            ${sms.length === 0 ? html`<p>${t(l, 'nothing')}</p>` : ''}
            ${sms.map(
              (m) =>
                html`<article class="mail sms">
                  <header><small>${m.to} · ${localTime(m.sentAt, ctx.timeZone)}</small></header>
                  <pre>${m.body}</pre>
                </article>`,
            )}`;
    ctx.send(req, res, {
      title: t(l, 'outbox'),
      active: 'outbox',
      body: html`<h1>${t(l, 'outbox')}</h1>
        ${mail === null && sms === null ? html`<p>${t(l, 'noCatcher')}</p>` : html`${mailPart}${smsPart}`}`,
    });
  });

  return r;
}
