/**
 * WeCom group robot (企业微信群机器人): POST JSON to
 * `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…` as a `markdown` message (content at most
 * 4096 bytes of UTF-8; links as `[text](url)`). No signing: the key is the credential. The answer is
 * `{"errcode":0,"errmsg":"ok"}`; 45009 ("api freq out of limit") is the robot's rate limit
 * (20 messages a minute), -1 a busy system; 93000 (invalid webhook URL) and the others are refusals.
 */
import { httpFailure, jsonOf, type ChatProviderModule } from './card.js';

const MAX_BYTES = 4096;

/** Cuts text to a number of UTF-8 bytes without splitting a character. */
function cutBytes(s: string, max: number): string {
  if (Buffer.byteLength(s, 'utf8') <= max) return s;
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch + '…', 'utf8') > max) break;
    out += ch;
  }
  return `${out}…`;
}

export const wecom: ChatProviderModule = {
  request(webhookUrl, _secret, card) {
    const links = card.buttons.map((b) => `[${b.label}](${b.url})`).join('　');
    const content = [`**${card.title}**`, ...card.lines, ...(links ? [links] : [])].join('\n');
    // The links are last and must stay whole: the text before them is what gets cut.
    const head = [`**${card.title}**`, ...card.lines].join('\n');
    const room = MAX_BYTES - Buffer.byteLength(links ? `\n${links}` : '', 'utf8');
    const fitted =
      Buffer.byteLength(content, 'utf8') <= MAX_BYTES
        ? content
        : `${cutBytes(head, room)}${links ? `\n${links}` : ''}`;
    return { url: webhookUrl, body: { msgtype: 'markdown', markdown: { content: fitted } } };
  },
  answer(status, headers, text) {
    if (status < 200 || status >= 300) return httpFailure(status, headers, text);
    const json = jsonOf(text);
    const code = typeof json?.errcode === 'number' ? json.errcode : null;
    if (code === 0) return { ok: true, providerId: null };
    const msg = `WeCom errcode ${code ?? '?'}: ${typeof json?.errmsg === 'string' ? json.errmsg : text.slice(0, 200)}`;
    if (code === 45009) return { ok: false, error: msg, permanent: false, rateLimited: true };
    return { ok: false, error: msg, permanent: code !== -1 && code !== null };
  },
};
