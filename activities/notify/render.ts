/**
 * What the worker sends: a message rendered for one recipient on one channel (lib/message-render.ts
 * renders it from the templates stored as data), and the templates read once for a batch.
 */
import type { Db } from '../../db/index.js';
import { allTemplateTexts } from '../../db/templates.js';
import { DEFAULT_TEMPLATES } from '../../domain/template-defaults.js';
import { LOCALES, type Locale } from '../../domain/model.js';
import { TEMPLATE_KEYS, type TemplateKey, type TemplateText } from '../../domain/templates.js';
import type { RenderedText } from '../../lib/message-render.js';
import type { ChatCard } from '../../domain/chat-card.js';
import type { ChatTarget } from './chat/client.js';

export {
  BUTTONS,
  caseUrlOf,
  chatText,
  fyiView,
  pageView,
  renderChat,
  renderMail,
  renderSms,
  type CaseFacts,
  type FyiFacts,
  type PageFacts,
} from '../../lib/message-render.js';
export { asLocale } from '../../lib/locale.js';

/** What a message carries, rendered for one recipient on one channel. */
export interface Rendered extends RenderedText {
  /** A chat card and where it goes (group channels). */
  chat?: { target: ChatTarget; card: ChatCard };
}

/** Every template in every locale, read once for a batch of messages. */
export type Templates = Record<TemplateKey, Record<Locale, TemplateText>>;

export async function loadTemplates(db: Db): Promise<Templates> {
  const stored = await allTemplateTexts(db);
  const out = {} as Templates;
  for (const key of TEMPLATE_KEYS) {
    const byLocale = {} as Record<Locale, TemplateText>;
    for (const locale of LOCALES)
      byLocale[locale] = stored.get(`${key}/${locale}`) ?? DEFAULT_TEMPLATES[key][locale];
    out[key] = byLocale;
  }
  return out;
}
