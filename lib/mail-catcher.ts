/**
 * An in-process SMTP server that records the messages it receives (the newest `MAX_KEPT`, so a
 * long-running `npm start` does not grow without bound). `npm start` uses it when no SMTP_URL is
 * configured, so a newcomer sees the mail Andon sends; the tests use it as their SMTP peer.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string | null;
  receivedAt: Date;
}

/** How many messages are kept: enough to follow a demo or a test file, small enough to never matter. */
export const MAX_KEPT = 500;

export class MailCatcher extends EventEmitter {
  readonly messages: CaughtMail[] = [];
  private server: SMTPServer;
  private port = 0;
  private rejections: string[] = [];
  private held: Promise<void> | null = null;

  constructor() {
    super();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const rejection = this.rejections.shift();
        if (rejection !== undefined) {
          stream.resume();
          stream.on('end', () => callback(Object.assign(new Error(rejection), { responseCode: 451 })));
          return;
        }
        simpleParser(stream)
          .then((parsed) => {
            const mail: CaughtMail = {
              from: parsed.from?.text ?? '',
              to: (session.envelope.rcptTo ?? []).map((r) => r.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              messageId: parsed.messageId ?? null,
              receivedAt: new Date(),
            };
            this.messages.push(mail);
            if (this.messages.length > MAX_KEPT) this.messages.splice(0, this.messages.length - MAX_KEPT);
            this.emit('mail', mail);
            // A held reply keeps the sender waiting for "250 OK" after the mail is readable.
            return this.held;
          })
          .then(
            () => callback(),
            (err: Error) => callback(err),
          );
      },
    });
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this.port;
  }

  /** Answers the next `count` messages with a temporary SMTP failure (451), to rehearse outages. */
  rejectNext(count: number, message = 'temporary failure, try again later'): void {
    for (let i = 0; i < count; i++) this.rejections.push(message);
  }

  /**
   * Holds the server's answer to every message received until `release()` is called, so a test can
   * act on a mail while its sender still waits for the server.
   */
  hold(): () => void {
    let release: () => void = () => {};
    this.held = new Promise<void>((r) => {
      release = () => {
        this.held = null;
        r();
      };
    });
    return release;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Resolves with the first message (already received or still to come) that matches. */
  waitFor(match: (m: CaughtMail) => boolean, timeoutMs = 15_000): Promise<CaughtMail> {
    const found = this.messages.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('mail', onMail);
        reject(new Error(`no matching mail within ${timeoutMs} ms (${this.messages.length} received)`));
      }, timeoutMs);
      const onMail = (m: CaughtMail): void => {
        if (!match(m)) return;
        clearTimeout(timer);
        this.off('mail', onMail);
        resolve(m);
      };
      this.on('mail', onMail);
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
