/**
 * Local stand-ins for the five chat webhooks, built from the providers' documentation, on one HTTP
 * server (each provider under its own documented path):
 * - DingTalk custom robot `POST /robot/send?access_token=…[&timestamp=…&sign=…]`: with a secret, the
 *   sign must be Base64(HMAC-SHA256(key=secret, `${timestamp}\n${secret}`)) and the timestamp (ms)
 *   within an hour; body `msgtype` markdown {title,text} or actionCard {title,text,btns|singleURL};
 *   answers `{"errcode":0,"errmsg":"ok"}`, 310000 on a bad signature.
 * - WeCom group robot `POST /cgi-bin/webhook/send?key=…`: `msgtype` markdown {content ≤ 4096 bytes};
 *   answers `{"errcode":0,"errmsg":"ok"}`, 93000 for an unknown key.
 * - Feishu custom bot `POST /open-apis/bot/v2/hook/{token}`: with a secret, body `timestamp`
 *   (seconds) and `sign` = Base64(HMAC-SHA256(key=`${timestamp}\n${secret}`, empty message));
 *   `msg_type` interactive with a `card`; answers `{"code":0,"msg":"success","data":{}}`, 19021 on a
 *   bad signature.
 * - Slack incoming webhook `POST /services/T…/B…/…`: `text` and/or Block Kit `blocks`; answers `ok`
 *   or `invalid_payload` (400).
 * - Teams workflow `POST /workflows/{id}/triggers/manual/paths/invoke`: `{"type":"message",
 *   "attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{…}}]}`;
 *   answers 202 Accepted, 400 otherwise.
 * A test can make the next answers of one path fail (a status, headers, a body) and await requests.
 */
import { createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Provider = 'dingtalk' | 'wecom' | 'feishu' | 'slack' | 'teams';

export interface ChatRequest {
  provider: Provider;
  /** Path and query as received. */
  url: string;
  contentType: string | null;
  body: Record<string, unknown>;
  /** True when the provider's signature check passed (false when it was required and failed). */
  signatureOk: boolean;
  /** When the fake received it (ms). */
  at: number;
  status: number;
}

interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

const b64hmac = (key: string, msg: string): string =>
  createHmac('sha256', key).update(msg, 'utf8').digest('base64');

export class ChatFakes extends EventEmitter {
  readonly requests: ChatRequest[] = [];
  url = '';
  private server: Server;
  /** Signing secrets by token (DingTalk access_token, Feishu hook token). */
  private secrets = new Map<string, string>();
  private scripted = new Map<string, Scripted[]>();
  private always = new Map<string, Scripted>();

  constructor() {
    super();
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const u = new URL(req.url ?? '/', 'http://fake');
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          // an unreadable body: each provider refuses it below
        }
        const answer = (
          r: ChatRequest,
          status: number,
          text: string,
          headers: Record<string, string> = {},
        ): void => {
          r.status = status;
          this.requests.push(r);
          this.emit('request', r);
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(text);
        };
        const provider = providerOf(u.pathname);
        const record: ChatRequest = {
          provider: provider ?? 'slack',
          url: `${u.pathname}${u.search}`,
          contentType: req.headers['content-type'] ?? null,
          body,
          signatureOk: true,
          at: Date.now(),
          status: 0,
        };
        if (req.method !== 'POST' || !provider) return answer(record, 404, '{"error":"not found"}');
        const key = u.pathname + (u.searchParams.get('access_token') ?? u.searchParams.get('key') ?? '');
        const forced = this.scripted.get(key)?.shift() ?? this.always.get(key);
        if (forced) return answer(record, forced.status, forced.body, forced.headers);
        const verdict = this.check(provider, u, body);
        record.signatureOk = verdict.signatureOk;
        answer(record, verdict.status, verdict.body);
      });
    });
  }

  private check(
    p: Provider,
    u: URL,
    b: Record<string, unknown>,
  ): { status: number; body: string; signatureOk: boolean } {
    const ok = (body: string, status = 200) => ({ status, body, signatureOk: true });
    if (p === 'dingtalk') {
      const token = u.searchParams.get('access_token') ?? '';
      const secret = this.secrets.get(token);
      if (secret) {
        const ts = Number(u.searchParams.get('timestamp'));
        const sign = u.searchParams.get('sign') ?? '';
        if (!(Math.abs(Date.now() - ts) < 3600_000) || sign !== b64hmac(secret, `${ts}\n${secret}`))
          return { status: 200, body: '{"errcode":310000,"errmsg":"sign not match"}', signatureOk: false };
      }
      const md = b.markdown as { title?: unknown; text?: unknown } | undefined;
      const card = b.actionCard as
        { title?: unknown; text?: unknown; btns?: unknown; singleURL?: unknown } | undefined;
      const valid =
        (b.msgtype === 'markdown' && typeof md?.title === 'string' && typeof md.text === 'string') ||
        (b.msgtype === 'actionCard' &&
          typeof card?.title === 'string' &&
          typeof card.text === 'string' &&
          (Array.isArray(card.btns) || typeof card.singleURL === 'string'));
      return valid ? ok('{"errcode":0,"errmsg":"ok"}') : ok('{"errcode":40035,"errmsg":"缺少参数 json"}');
    }
    if (p === 'wecom') {
      if (!u.searchParams.get('key')) return ok('{"errcode":93000,"errmsg":"invalid webhook url"}');
      const md = b.markdown as { content?: unknown } | undefined;
      const valid =
        b.msgtype === 'markdown' && typeof md?.content === 'string' && Buffer.byteLength(md.content) <= 4096;
      return valid
        ? ok('{"errcode":0,"errmsg":"ok"}')
        : ok('{"errcode":40008,"errmsg":"invalid message type"}');
    }
    if (p === 'feishu') {
      const token = u.pathname.split('/').at(-1) ?? '';
      const secret = this.secrets.get(token);
      if (secret) {
        const ts = typeof b.timestamp === 'string' ? b.timestamp : '';
        const fresh = /^\d+$/.test(ts) && Math.abs(Date.now() / 1000 - Number(ts)) < 3600;
        if (!fresh || b.sign !== b64hmac(`${ts}\n${secret}`, ''))
          return {
            status: 200,
            body: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}',
            signatureOk: false,
          };
      }
      const card = b.card as { elements?: unknown; header?: unknown } | undefined;
      const valid = b.msg_type === 'interactive' && Array.isArray(card?.elements);
      return valid
        ? ok('{"code":0,"msg":"success","data":{},"Extra":null,"StatusCode":0,"StatusMessage":"success"}')
        : ok('{"code":9499,"msg":"Bad Request","data":{}}', 400);
    }
    if (p === 'slack') {
      const valid = typeof b.text === 'string' || Array.isArray(b.blocks);
      return valid
        ? { status: 200, body: 'ok', signatureOk: true }
        : { status: 400, body: 'invalid_payload', signatureOk: true };
    }
    const att = (
      b.attachments as Array<{ contentType?: unknown; content?: { type?: unknown } }> | undefined
    )?.[0];
    const valid =
      b.type === 'message' &&
      att?.contentType === 'application/vnd.microsoft.card.adaptive' &&
      att.content?.type === 'AdaptiveCard';
    return valid
      ? { status: 202, body: '', signatureOk: true }
      : { status: 400, body: '{"error":"bad card"}', signatureOk: true };
  }

  /** Webhook URLs as each provider issues them, on this fake. */
  dingtalkUrl = (token: string): string => `${this.url}/robot/send?access_token=${token}`;
  wecomUrl = (key: string): string => `${this.url}/cgi-bin/webhook/send?key=${key}`;
  feishuUrl = (token: string): string => `${this.url}/open-apis/bot/v2/hook/${token}`;
  slackUrl = (id: string): string => `${this.url}/services/T0001/B0001/${id}`;
  teamsUrl = (id: string): string =>
    `${this.url}/workflows/${id}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${id}sig`;

  /** The robot with this token checks signatures with this secret. */
  requireSignature(token: string, secret: string): void {
    this.secrets.set(token, secret);
  }

  /** The next answers of the webhook at `url` (as given to Andon). */
  failNext(url: string, answers: Scripted[]): void {
    const key = scriptKey(url);
    this.scripted.set(key, [...(this.scripted.get(key) ?? []), ...answers]);
  }

  /** Every answer of the webhook at `url` until `recover`. */
  failAlways(url: string, answer: Scripted): void {
    this.always.set(scriptKey(url), answer);
  }

  recover(url: string): void {
    this.always.delete(scriptKey(url));
  }

  /** Requests received on the webhook at `url`. */
  to(url: string): ChatRequest[] {
    const key = scriptKey(url);
    return this.requests.filter((r) => scriptKey(`${this.url}${r.url}`) === key);
  }

  waitFor(pred: (r: ChatRequest) => boolean, timeoutMs = 20_000): Promise<ChatRequest> {
    const found = this.requests.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('request', on);
        reject(
          new Error(
            `no matching chat request within ${timeoutMs} ms; got ${this.requests.map((r) => r.url).join(', ')}`,
          ),
        );
      }, timeoutMs);
      const on = (r: ChatRequest): void => {
        if (!pred(r)) return;
        clearTimeout(timer);
        this.off('request', on);
        resolve(r);
      };
      this.on('request', on);
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function providerOf(path: string): Provider | null {
  if (path === '/robot/send') return 'dingtalk';
  if (path === '/cgi-bin/webhook/send') return 'wecom';
  if (path.startsWith('/open-apis/bot/v2/hook/')) return 'feishu';
  if (path.startsWith('/services/')) return 'slack';
  if (/^\/workflows\/[^/]+\/triggers\/manual\/paths\/invoke$/.test(path)) return 'teams';
  return null;
}

/** A webhook's identity: its path and token (signing parameters aside). */
function scriptKey(url: string): string {
  const u = new URL(url);
  return u.pathname + (u.searchParams.get('access_token') ?? u.searchParams.get('key') ?? '');
}
