/**
 * DingTalk custom robot (钉钉自定义机器人): POST JSON to
 * `https://oapi.dingtalk.com/robot/send?access_token=…`. With 加签, `timestamp` (ms) and `sign` =
 * urlEncode(Base64(HMAC-SHA256(key = secret, message = `${timestamp}\n${secret}`))) are added to the
 * query. A page with links is an `actionCard` (one button per link), an FYI a `markdown` message.
 * The answer is `{"errcode":0,"errmsg":"ok"}`; 130101 ("send too fast") is the robot's rate limit
 * (20 messages a minute), -1 a busy system; any other errcode is a refusal (bad token, security
 * settings, keyword missing) that retrying cannot fix.
 */
import { createHmac } from 'node:crypto';
import { httpFailure, jsonOf, type ChatCard, type ChatProviderModule } from './card.js';

const RATE_LIMITED = new Set([130101, 130102]);

/** DingTalk markdown: a line break needs a blank line (or two trailing spaces). */
const markdown = (card: ChatCard): string =>
  [`#### ${card.title}`, ...card.lines.map((l) => l.replace(/\n/g, '  \n'))].join('\n\n');

export function dingtalkSign(timestamp: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

export const dingtalk: ChatProviderModule = {
  request(webhookUrl, secret, card, nowMs) {
    const url = new URL(webhookUrl);
    if (secret) {
      url.searchParams.set('timestamp', String(nowMs));
      url.searchParams.set('sign', dingtalkSign(nowMs, secret));
    }
    const text = markdown(card);
    const body =
      card.buttons.length > 0
        ? {
            msgtype: 'actionCard',
            actionCard: {
              title: card.title,
              text,
              btnOrientation: '0',
              btns: card.buttons.map((b) => ({ title: b.label, actionURL: b.url })),
            },
          }
        : { msgtype: 'markdown', markdown: { title: card.title, text } };
    return { url: url.toString(), body };
  },
  answer(status, headers, text) {
    if (status < 200 || status >= 300) return httpFailure(status, headers, text);
    const json = jsonOf(text);
    const code = typeof json?.errcode === 'number' ? json.errcode : null;
    if (code === 0) return { ok: true, providerId: null };
    const msg = `DingTalk errcode ${code ?? '?'}: ${typeof json?.errmsg === 'string' ? json.errmsg : text.slice(0, 200)}`;
    if (code !== null && RATE_LIMITED.has(code))
      return { ok: false, error: msg, permanent: false, rateLimited: true };
    return { ok: false, error: msg, permanent: code !== -1 && code !== null };
  },
};
