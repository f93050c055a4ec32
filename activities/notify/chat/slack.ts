/**
 * Slack incoming webhook: POST JSON to `https://hooks.slack.com/services/…` with Block Kit `blocks`
 * (header, a section, link buttons) and `text` (the notification's fallback). Slack answers `ok`
 * (200) or an error string: `invalid_payload` (400), `action_prohibited` (403), `no_service` /
 * `channel_not_found` (404), `channel_is_archived` (410) are for good; 429 waits `Retry-After`
 * seconds; 5xx (`rollup_error`) may pass.
 */
import { httpFailure, type ChatProviderModule } from './card.js';

const cut = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** Slack's mrkdwn gives `&`, `<` and `>` meaning: escaped as its docs say. */
const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const slack: ChatProviderModule = {
  request(webhookUrl, _secret, card) {
    const blocks: unknown[] = [
      { type: 'header', text: { type: 'plain_text', text: cut(card.title, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: cut(escape(card.lines.join('\n')), 3000) } },
    ];
    if (card.buttons.length > 0)
      blocks.push({
        type: 'actions',
        elements: card.buttons.slice(0, 25).map((b, i) => ({
          type: 'button',
          text: { type: 'plain_text', text: cut(b.label, 75) },
          url: b.url,
          action_id: `andon-${i}`,
          ...(i === 0 && card.tone === 'alert' ? { style: 'primary' } : {}),
        })),
      });
    return { url: webhookUrl, body: { text: cut(`${card.title}\n${card.lines[0] ?? ''}`, 3000), blocks } };
  },
  answer(status, headers, text) {
    if (status === 200 && text.trim() === 'ok') return { ok: true, providerId: null };
    if (status >= 200 && status < 300)
      return { ok: false, error: `Slack answered ${text.slice(0, 200)}`, permanent: false };
    return httpFailure(status, headers, `Slack ${text.trim()}`);
  },
};
