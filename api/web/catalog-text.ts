/**
 * The one door through which SOP task titles, decision options, reason codes, step names and ERP
 * document types become words on the case page. It asks the message catalog (domain/messages.ts)
 * first — a recorded message reference, else the key — and falls back to the text the case carries,
 * or a readable form of the key.
 */
import { hasMessage, optionLabel, render, stepName, textFor } from '../../domain/messages.js';
import type { Lang } from './i18n.js';

export type CatalogKind = 'taskTitle' | 'option' | 'reason' | 'step' | 'erpDocType' | 'text';

const readable = (key: string): string => key.replace(/_/g, ' ');

/**
 * `key` is the stable key (task key, `task.option`, reason code, step name, document type);
 * `fallback` the text recorded with it; `ref` a message reference recorded with it, if any.
 */
export function catalogText(
  kind: CatalogKind,
  key: string,
  lang: Lang,
  fallback?: string | null,
  ref?: unknown,
): string {
  switch (kind) {
    case 'taskTitle':
    case 'text':
      return textFor(ref, fallback || readable(key), lang);
    case 'option': {
      const id = key.split('.').at(-1) ?? key;
      return optionLabel({ id, label: fallback || readable(id) }, lang);
    }
    case 'step': {
      const named = stepName(key, lang);
      return named === key ? readable(key) : named;
    }
    case 'reason':
    case 'erpDocType': {
      const k = `${kind === 'reason' ? 'reason' : 'erp'}.${key}`;
      if (hasMessage(k)) return render(k, {}, lang);
      return fallback || (kind === 'reason' ? key : readable(key));
    }
  }
}
