/**
 * One signed POST of a webhook event: the same code for deliveries (a Temporal activity retries it)
 * and for "send test event". Redirects are not followed (the signature is for the URL configured);
 * the answer's body is read only to say why it failed.
 */
import { WEBHOOK_HEADERS } from '../domain/contracts/webhooks.js';
import { sign } from './signature.js';

export interface SignedPost {
  url: string;
  secret: string;
  /** The JSON text sent, byte for byte what is signed. */
  body: string;
  eventType: string;
  eventId: string;
  deliveryId: number;
  timeoutMs: number;
  now?: Date;
}

export interface PostOutcome {
  ok: boolean;
  /** The receiver's HTTP status; null when there was no answer. */
  status: number | null;
  /** Why it failed, for the delivery log (no secrets, at most 500 characters). */
  error: string | null;
}

export async function postSignedEvent(p: SignedPost): Promise<PostOutcome> {
  const timestamp = Math.floor((p.now ?? new Date()).getTime() / 1000);
  let res: Response;
  try {
    res = await fetch(p.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(p.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Andon-Webhooks/1',
        [WEBHOOK_HEADERS.event]: p.eventType,
        [WEBHOOK_HEADERS.eventId]: p.eventId,
        [WEBHOOK_HEADERS.delivery]: String(p.deliveryId),
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: sign(p.secret, timestamp, p.body),
      },
      body: p.body,
    });
  } catch (err) {
    return { ok: false, status: null, error: clip(reason(err)) };
  }
  const text = await res.text().catch(() => '');
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, error: null };
  const why =
    res.status >= 300 && res.status < 400
      ? `answered ${res.status} (redirects are not followed; configure the final URL)`
      : `answered ${res.status}${text ? `: ${text.replace(/\s+/g, ' ').trim()}` : ''}`;
  return { ok: false, status: res.status, error: clip(why) };
}

function reason(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'no answer in time';
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code
      ? `${err.message}: ${cause.code}`
      : cause?.message
        ? `${err.message}: ${cause.message}`
        : err.message;
  }
  return String(err);
}

const clip = (s: string): string => (s.length > 500 ? `${s.slice(0, 499)}…` : s);
