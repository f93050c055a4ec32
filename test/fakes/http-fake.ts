/**
 * What the local fakes of ERP APIs share: an HTTP server on a free port, a log of every request
 * (method, path, headers, parsed JSON body) for contract assertions, and faults a test can order:
 * answer the next matching requests with an error before doing anything, or do the work and then
 * answer too late (the client times out after the ERP committed: a crash between create and answer).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface FakeAnswer {
  status: number;
  body: unknown;
}

type Match = (r: FakeRequest) => boolean;

export abstract class HttpFake {
  readonly requests: FakeRequest[] = [];
  url = '';
  private server: Server;
  private failures: Array<{ match: Match; answer: FakeAnswer; times: number }> = [];
  private slow: Array<{ match: Match; ms: number; times: number }> = [];

  constructor() {
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  protected abstract handle(r: FakeRequest): FakeAnswer | Promise<FakeAnswer>;

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `times` requests that match are answered with `answer`, and change nothing. */
  failNext(match: Match, answer: FakeAnswer, times = 1): void {
    this.failures.push({ match, answer, times });
  }

  /** The next `times` requests that match are carried out, then answered after `ms`. */
  answerLate(match: Match, ms: number, times = 1): void {
    this.slow.push({ match, ms, times });
  }

  requestsTo(match: Match): FakeRequest[] {
    return this.requests.filter(match);
  }

  private take<T extends { match: Match; times: number }>(list: T[], r: FakeRequest): T | null {
    const hit = list.find((f) => f.times > 0 && f.match(r));
    if (!hit) return null;
    hit.times -= 1;
    return hit;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // kept as text
    }
    const r: FakeRequest = {
      method: req.method ?? '',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    this.requests.push(r);
    let answer: FakeAnswer;
    const failure = this.take(this.failures, r);
    if (failure) answer = failure.answer;
    else {
      try {
        answer = await this.handle(r);
      } catch (err) {
        answer = { status: 500, body: { message: (err as Error).message } };
      }
      const late = this.take(this.slow, r);
      if (late) await sleep(late.ms);
    }
    if (res.destroyed) return;
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  }
}
