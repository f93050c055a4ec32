/** The one HTML escape, for every page and every mail Andon writes. */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(v: string | number | boolean | null | undefined): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
