/** Email transport: nodemailer over SMTP (`SMTP_URL`). */
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable Message-ID derived from the notification's idempotency key, so a resend is recognisable. */
  messageId: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ providerId: string }>;
  close(): void;
}

export function createSmtpMailer(smtpUrl: string, from: string, opts: { timeoutMs?: number } = {}): Mailer {
  const timeout = opts.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(mail) {
      const info = await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
      });
      return { providerId: String(info.messageId ?? mail.messageId) };
    },
    close() {
      transport.close();
    },
  };
}
