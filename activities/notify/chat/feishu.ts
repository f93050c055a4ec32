/**
 * Feishu / Lark custom bot (飞书自定义机器人): POST JSON to
 * `https://open.feishu.cn/open-apis/bot/v2/hook/…` as an `interactive` card. With 签名校验, the body
 * carries `timestamp` (seconds, as a string) and `sign` = Base64(HMAC-SHA256(key =
 * `${timestamp}\n${secret}`, message = empty)). The answer is `{"code":0,"msg":"success",…}` (older
 * bots: `{"StatusCode":0,…}`); HTTP 429, code 11232 and code 9499 "too many request" are rate limits
 * (100 a minute, 5 a second per bot); 19021 (bad signature), 19022 (IP), 19024 (keyword) and a 9499
 * "Bad Request" are refusals.
 */
import { createHmac } from 'node:crypto';
import { httpFailure, jsonOf, retryAfterMs, type ChatProviderModule } from './card.js';

export function feishuSign(timestampSeconds: string, secret: string): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update(Buffer.alloc(0)).digest('base64');
}

export const feishu: ChatProviderModule = {
  request(webhookUrl, secret, card, nowMs) {
    const signature = secret
      ? (() => {
          const timestamp = String(Math.floor(nowMs / 1000));
          return { timestamp, sign: feishuSign(timestamp, secret) };
        })()
      : {};
    const elements: unknown[] = card.lines.map((l) => ({
      tag: 'div',
      text: { tag: 'lark_md', content: l },
    }));
    if (card.buttons.length > 0)
      elements.push({
        tag: 'action',
        actions: card.buttons.map((b, i) => ({
          tag: 'button',
          text: { tag: 'plain_text', content: b.label },
          type: i === 0 && card.tone === 'alert' ? 'primary' : 'default',
          url: b.url,
        })),
      });
    return {
      url: webhookUrl,
      body: {
        ...signature,
        msg_type: 'interactive',
        card: {
          config: { wide_screen_mode: true },
          header: {
            title: { tag: 'plain_text', content: card.title },
            template: card.tone === 'alert' ? 'red' : 'blue',
          },
          elements,
        },
      },
    };
  },
  answer(status, headers, text) {
    if (status === 429) {
      const wait = retryAfterMs(headers, 'x-ogw-ratelimit-reset') ?? retryAfterMs(headers);
      return {
        ok: false,
        error: `Feishu HTTP 429: ${text.slice(0, 200)}`,
        permanent: false,
        rateLimited: true,
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      };
    }
    const json = jsonOf(text);
    const code =
      typeof json?.code === 'number'
        ? json.code
        : typeof json?.StatusCode === 'number'
          ? json.StatusCode
          : null;
    if (status >= 200 && status < 300 && code === 0) return { ok: true, providerId: null };
    if (code === null) return httpFailure(status, headers, text);
    const said =
      typeof json?.msg === 'string'
        ? json.msg
        : typeof json?.StatusMessage === 'string'
          ? json.StatusMessage
          : '';
    const msg = `Feishu code ${code}: ${said}`;
    if (code === 11232 || code === 99991400 || (code === 9499 && /too many|frequen|limit/i.test(said)))
      return { ok: false, error: msg, permanent: false, rateLimited: true };
    return { ok: false, error: msg, permanent: status < 500 };
  },
};
