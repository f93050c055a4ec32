/**
 * Sends a chat card to a group channel: the provider's request, a timeout, and the answer read. A
 * rate-limit answer is waited out here when the wait is short (the advised one, or the provider's
 * window) and tried again; a longer wait is left to the caller's retry (ChatSendError.retryAfterMs).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatProvider } from '../../../domain/model.js';
import { ChatSendError, type ChatCard, type ChatProviderModule } from './card.js';
import { dingtalk } from './dingtalk.js';
import { feishu } from './feishu.js';
import { slack } from './slack.js';
import { teams } from './teams.js';
import { wecom } from './wecom.js';

export const PROVIDERS: Record<ChatProvider, ChatProviderModule> = { dingtalk, wecom, feishu, slack, teams };

export interface ChatTarget {
  provider: ChatProvider;
  webhookUrl: string;
  secret: string | null;
}

export interface ChatClientOptions {
  timeoutMs?: number;
  /** The wait after a rate limit whose answer advises none (the providers' windows are a minute). */
  rateLimitWaitMs?: number;
  /** Waits up to this long are done here; longer ones go back to the caller. */
  maxInlineWaitMs?: number;
}

export type ChatSender = (target: ChatTarget, card: ChatCard) => Promise<{ providerId: string | null }>;

export function createChatSender(o: ChatClientOptions = {}): ChatSender {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const defaultWait = o.rateLimitWaitMs ?? 60_000;
  const maxInline = o.maxInlineWaitMs ?? 5_000;
  return async (target, card) => {
    const provider = PROVIDERS[target.provider];
    for (let attempt = 1; ; attempt++) {
      const req = provider.request(target.webhookUrl, target.secret, card, Date.now());
      let status: number;
      let headers: Headers;
      let text: string;
      try {
        const res = await fetch(req.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8' },
          body: JSON.stringify(req.body),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
        status = res.status;
        headers = res.headers;
        text = await res.text();
      } catch (err) {
        // The URL carries the token: the error names the provider, never the URL.
        const why =
          err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        throw new ChatSendError(`${target.provider} webhook unreachable: ${why}`, false);
      }
      const a = provider.answer(status, headers, text);
      if (a.ok) return { providerId: a.providerId };
      if (a.rateLimited) {
        const wait = a.retryAfterMs ?? defaultWait;
        if (attempt < 3 && wait <= maxInline) {
          await sleep(wait);
          continue;
        }
        throw new ChatSendError(`${a.error} (rate limited)`, false, wait);
      }
      throw new ChatSendError(a.error, a.permanent);
    }
  };
}
