/**
 * The SMTP peer of the benches: a real in-process `smtp-server` that stamps each message at the
 * moment its data has been received (just before it answers 250 — "accepted by the mail server"),
 * answers at once, and only then parses the message off the timed path. A page's subject carries
 * its case (`Andon case #<id>: …`, `Andon 异常 #<id>：…`: the default templates); escalated pages
 * start with `[ESCALATED]` (`[升级]`). FYI mails to subscribers (`[FYI] Andon case #…`) are ignored.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Page {
  caseId: number;
  escalated: boolean;
  to: string[];
  subject: string;
  /** Date.now() when the server had the whole message (before its 250 reply). */
  acceptedAt: number;
}

/** The default `page.mail` subjects (domain/template-defaults.ts), in English and Chinese. */
const PAGE_SUBJECT = /^(\[(?:ESCALATED|升级)\] )?Andon (?:case|异常) #(\d+)\b/;

export class PageRecorder extends EventEmitter {
  /** Every mail accepted (pages or not). */
  accepted = 0;
  /** Per case: the first level-0 page and the first escalated page accepted. */
  readonly first = new Map<number, Page>();
  readonly firstEscalation = new Map<number, Page>();
  private readonly server: SMTPServer;
  private port = 0;
  private parsing = new Set<Promise<void>>();

  constructor() {
    super();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 1024 * 1024,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const acceptedAt = Date.now();
          this.accepted++;
          callback();
          const to = (session.envelope.rcptTo ?? []).map((r) => r.address);
          const p = this.record(Buffer.concat(chunks), to, acceptedAt);
          this.parsing.add(p);
          void p.finally(() => this.parsing.delete(p));
        });
      },
    });
  }

  private async record(raw: Buffer, to: string[], acceptedAt: number): Promise<void> {
    const parsed = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true });
    const subject = parsed.subject ?? '';
    const m = PAGE_SUBJECT.exec(subject);
    if (!m) return;
    const page: Page = { caseId: Number(m[2]), escalated: m[1] !== undefined, to, subject, acceptedAt };
    const map = page.escalated ? this.firstEscalation : this.first;
    const earlier = map.get(page.caseId);
    // Parsing finishes out of order: keep the earliest acceptance.
    if (!earlier || earlier.acceptedAt > acceptedAt) map.set(page.caseId, page);
    this.emit('page', page);
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this.url;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Resolves when `done()` holds after a page (or at once); rejects after `timeoutMs` without progress. */
  waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let timer = setTimeout(fail, timeoutMs);
      function fail(): void {
        cleanup();
        reject(new Error(`no progress for ${timeoutMs} ms waiting for ${what}`));
      }
      const onPage = (): void => {
        clearTimeout(timer);
        if (done()) {
          cleanup();
          resolve();
        } else timer = setTimeout(fail, timeoutMs);
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('page', onPage);
      };
      this.on('page', onPage);
    });
  }

  /** The first level-0 page of one case, when it comes. */
  firstPageOf(caseId: number, timeoutMs: number): Promise<Page> {
    return this.waitUntil(() => this.first.has(caseId), timeoutMs, `the page of case ${caseId}`).then(() =>
      this.first.get(caseId)!,
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.parsing]);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
