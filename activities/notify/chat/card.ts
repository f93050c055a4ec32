/**
 * What a chat message carries, whatever the provider: a title, lines of text (case facts, what is
 * asked), link buttons (the signed action links, the case page), and a tone. Each provider module
 * turns it into its own payload and reads its own answer (./dingtalk.ts … ./teams.ts).
 */
import type { ChatCard } from '../../../domain/chat-card.js';
import { SendError } from '../sms.js';

export type { ChatButton, ChatCard } from '../../../domain/chat-card.js';

/** A request to a provider, ready to send. */
export interface ChatRequest {
  url: string;
  body: unknown;
}

/** The provider's answer as read: done, or why not (and whether and when to try again). */
export type ChatAnswer =
  | { ok: true; providerId: string | null }
  | { ok: false; error: string; permanent: boolean; rateLimited?: boolean; retryAfterMs?: number };

export interface ChatProviderModule {
  /** The request for a card; `secret` signs it where the provider supports signing. */
  request(webhookUrl: string, secret: string | null, card: ChatCard, nowMs: number): ChatRequest;
  /** Reads the HTTP answer (status, headers, body text). */
  answer(status: number, headers: Headers, text: string): ChatAnswer;
}

/** A chat send that failed: permanent (the robot refuses this for good) or not; a rate limit says when. */
export class ChatSendError extends SendError {
  constructor(
    message: string,
    permanent: boolean,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message, permanent);
  }
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), as milliseconds. */
export function retryAfterMs(headers: Headers, name = 'retry-after'): number | undefined {
  const v = headers.get(name);
  if (v === null) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** JSON of an answer, or null when it is not JSON. */
export function jsonOf(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** HTTP failures every provider shares: 429 waits, 5xx is transient, other 4xx permanent. */
export function httpFailure(status: number, headers: Headers, text: string): ChatAnswer {
  const detail = `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  if (status === 429) {
    const wait = retryAfterMs(headers);
    return {
      ok: false,
      error: detail,
      permanent: false,
      rateLimited: true,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    };
  }
  return { ok: false, error: detail, permanent: status >= 400 && status < 500 && status !== 408 };
}
