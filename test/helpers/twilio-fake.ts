/**
 * A local stand-in for Twilio's Messages endpoint (POST /2010-04-01/Accounts/{sid}/Messages.json),
 * so the real `twilio` SDK can be pointed at it (TWILIO_API_BASE_URL) and its exact requests checked.
 * It answers like Twilio: 201 with the message resource, or a Twilio error body when told to fail.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTwilioRequest {
  method: string;
  path: string;
  authorization: string | null;
  contentType: string | null;
  userAgent: string | null;
  form: Record<string, string>;
  /** SID answered (when accepted). */
  sid: string | null;
}

export class TwilioFake extends EventEmitter {
  readonly requests: FakeTwilioRequest[] = [];
  private server: Server;
  private failures: Array<{ status: number; code: number; message: string }> = [];
  url = '';

  constructor() {
    super();
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const form = Object.fromEntries(new URLSearchParams(raw));
        const path = req.url ?? '';
        const m = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(path);
        const record: FakeTwilioRequest = {
          method: req.method ?? '',
          path,
          authorization: req.headers.authorization ?? null,
          contentType: req.headers['content-type'] ?? null,
          userAgent: req.headers['user-agent'] ?? null,
          form,
          sid: null,
        };
        const answer = (status: number, body: unknown): void => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (req.method !== 'POST' || !m) {
          this.push(record);
          return answer(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
        }
        const failure = this.failures.shift();
        if (failure) {
          this.push(record);
          return answer(failure.status, {
            code: failure.code,
            message: failure.message,
            more_info: `https://www.twilio.com/docs/errors/${failure.code}`,
            status: failure.status,
          });
        }
        const sid = `SM${randomBytes(16).toString('hex')}`;
        record.sid = sid;
        this.push(record);
        const now = new Date().toUTCString();
        answer(201, {
          sid,
          account_sid: m[1],
          to: form.To,
          from: form.From,
          body: form.Body,
          status: 'queued',
          num_segments: '1',
          direction: 'outbound-api',
          api_version: '2010-04-01',
          date_created: now,
          date_updated: now,
          date_sent: null,
          price: null,
          error_code: null,
          error_message: null,
          uri: `/2010-04-01/Accounts/${m[1]}/Messages/${sid}.json`,
          subresource_uris: {},
        });
      });
    });
  }

  private push(r: FakeTwilioRequest): void {
    this.requests.push(r);
    this.emit('request', r);
  }

  /** The next `count` sends are answered with a Twilio error (default 400/21211: invalid 'To' number). */
  failNext(
    count: number,
    status = 400,
    code = 21211,
    message = "The 'To' number is not a valid phone number.",
  ): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, code, message });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  waitFor(match: (r: FakeTwilioRequest) => boolean, timeoutMs = 15_000): Promise<FakeTwilioRequest> {
    const found = this.requests.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('request', on);
        reject(
          new Error(`no matching Twilio request within ${timeoutMs} ms (${this.requests.length} received)`),
        );
      }, timeoutMs);
      const on = (r: FakeTwilioRequest): void => {
        if (!match(r)) return;
        clearTimeout(timer);
        this.off('request', on);
        resolve(r);
      };
      this.on('request', on);
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
