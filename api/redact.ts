/**
 * What staff may not see: people's phone numbers and email addresses are for supervisors and admins
 * (the API's delivery records need a supervisor; the timeline and the case page hide them from staff).
 */
import type { TimelineEvent } from '../db/timeline.js';

export const HIDDEN = '(hidden)';

/** Keys whose values are a phone number or an address. */
const CONTACT_KEYS = new Set(['to', 'from', 'recipient', 'email', 'phone', 'address']);
const EMAIL = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[A-Za-z]{2,}/g;
// E.164 as Andon stores numbers (+ and 7–15 digits), possibly written with spaces or dashes.
const PHONE = /\+[1-9](?:[\s-]?\d){6,14}/g;

/** Text with every email address and phone number in it replaced. */
export const redactText = (s: string): string => s.replace(EMAIL, HIDDEN).replace(PHONE, HIDDEN);

function redactValue(v: unknown, key: string | null): unknown {
  if (typeof v === 'string') return key !== null && CONTACT_KEYS.has(key) ? HIDDEN : redactText(v);
  if (Array.isArray(v)) return v.map((x) => redactValue(x, null));
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactValue(x, k)]));
  return v;
}

/** A timeline event as staff see it: contacts hidden wherever they appear in its data. */
export function redactEvent(e: TimelineEvent): TimelineEvent {
  return { ...e, data: redactValue(e.data, null) as Record<string, unknown> };
}

/** Whether a viewer of this role sees contacts. */
export const seesContacts = (role: string): boolean => role === 'supervisor' || role === 'admin';
