/**
 * A webhook receiver as an MES would write one: checks Andon's signature (HMAC-SHA256 over
 * "<X-Andon-Timestamp>.<raw body>", written here from the README, not with Andon's own code) and
 * records what it got. It can go down (connections refused, on the same port) and come back, or
 * answer errors.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  path: string;
  headers: Record<string, string>;
  raw: string;
  body: {
    id: string;
    type: string;
    occurredAt: string;
    actor: string | null;
    case: Record<string, unknown> | null;
    data: Record<string, unknown>;
  };
  /** The signature checked out with the secret set for the path. */
  signatureValid: boolean;
  /** What this receiver answered. */
  answered: number;
}

export function verifyAndonSignature(
  secret: string,
  timestamp: string,
  rawBody: string,
  header: string,
): boolean {
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  const a = Buffer.from(expected);
  const b = Buffer.from(header);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class WebhookReceiver extends EventEmitter {
  readonly received: Received[] = [];
  /** Path → signing secret. */
  readonly secrets = new Map<string, string>();
  /** Answer this status instead of 204 (e.g. 503 while "broken"). */
  failWith: number | null = null;
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
        );
        const path = req.url ?? '/';
        const secret = this.secrets.get(path) ?? '';
        const valid = verifyAndonSignature(
          secret,
          headers['x-andon-timestamp'] ?? '',
          raw,
          headers['x-andon-signature'] ?? '',
        );
        const answered = this.failWith ?? (valid ? 204 : 401);
        const got: Received = {
          path,
          headers,
          raw,
          body: JSON.parse(raw) as Received['body'],
          signatureValid: valid,
          answered,
        };
        this.received.push(got);
        res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered < 300 ? '' : 'not now');
        this.emit('received', got);
      });
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: Andon's next attempts are refused connections. */
  async down(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** What was taken (answered 2xx) at `path`, in arrival order. */
  taken(path: string): Received[] {
    return this.received.filter((r) => r.path === path && r.answered < 300);
  }

  /** Resolves when `pred` holds over what was received (checked now and on every arrival). */
  until<T>(pred: () => T | null | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const v = pred();
        if (!v) return false;
        clearTimeout(timer);
        this.off('received', onReceived);
        resolve(v);
        return true;
      };
      const onReceived = (): void => void check();
      const timer = setTimeout(() => {
        this.off('received', onReceived);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.on('received', onReceived);
      check();
    });
  }
}
