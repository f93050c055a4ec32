/**
 * Microsoft Teams workflow webhook (Power Automate "Post to a channel when a webhook request is
 * received"): POST `{"type":"message","attachments":[{"contentType":
 * "application/vnd.microsoft.card.adaptive","content":<Adaptive Card>}]}`; the flow answers
 * 202 Accepted. 429 waits `Retry-After`; 5xx may pass; other 4xx (a disabled flow, a bad
 * signature in the URL, a card it cannot read) are for good.
 */
import { httpFailure, type ChatProviderModule } from './card.js';

export const teams: ChatProviderModule = {
  request(webhookUrl, _secret, card) {
    const content = {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
      body: [
        {
          type: 'TextBlock',
          text: card.title,
          weight: 'Bolder',
          size: 'Medium',
          wrap: true,
          ...(card.tone === 'alert' ? { color: 'Attention' } : {}),
        },
        ...card.lines.map((l) => ({ type: 'TextBlock', text: l, wrap: true })),
      ],
      actions: card.buttons.map((b) => ({ type: 'Action.OpenUrl', title: b.label, url: b.url })),
    };
    return {
      url: webhookUrl,
      body: {
        type: 'message',
        attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }],
      },
    };
  },
  answer(status, headers, text) {
    if (status >= 200 && status < 300) return { ok: true, providerId: null };
    return httpFailure(status, headers, `Teams ${text.trim()}`);
  },
};
