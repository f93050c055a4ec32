/**
 * The one door through which SOP task titles, decision options, reason codes and step names become
 * words on the case page. Today it answers the text the case carries (the title the SOP wrote, the
 * option's label) or a readable form of the key; a message catalog (domain/) plugs in here, and
 * every page that shows such text follows.
 */
import type { Lang } from './i18n.js';

export type CatalogKind = 'taskTitle' | 'option' | 'reason' | 'step' | 'erpDocType';

/** `key` is the stable key (task key, `task.option`, reason code, step name); `fallback` the stored text. */
export function catalogText(kind: CatalogKind, key: string, lang: Lang, fallback?: string | null): string {
  void lang;
  if (fallback) return fallback;
  if (kind === 'reason') return key;
  const last = kind === 'option' ? (key.split('.').at(-1) ?? key) : key;
  return last.replace(/_/g, ' ');
}
