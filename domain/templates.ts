/**
 * Message templates as data: every message Andon sends (a page's mail, SMS and chat card; an FYI's
 * mail, SMS and chat card) is a Mustache template per locale, stored in the database and editable
 * through the admin API. This module knows which templates exist, which placeholders each may use,
 * checks a template before it is stored (an unknown placeholder is refused) and renders one.
 * Rendering never HTML-escapes: the mail's HTML is built from the rendered text, escaped there.
 */
import Mustache from 'mustache';
import type { Locale } from './model.js';

export const TEMPLATE_KEYS = [
  'page.mail',
  'page.sms',
  'page.chat',
  'fyi.mail',
  'fyi.sms',
  'fyi.chat',
] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

/** What a page's templates may use. */
export const PAGE_PLACEHOLDERS = {
  caseId: 'the case number',
  type: 'the exception type code, e.g. material_shortage',
  typeLabel: "the exception type's name in the template's language",
  severity: 'low, medium, high or critical',
  line: 'the line',
  where: 'line / station',
  whereShort: 'line/station (SMS)',
  title: "the case's title (a default title in the template's language)",
  openedAt: 'when the case opened (ISO 8601)',
  role: 'the job role paged',
  level: 'the escalation level paged (0 = first)',
  escalated: 'set when the page is an escalation (use as a section)',
  slaBreached: 'set when the resolve SLA was missed (section)',
  etaMissed: 'set when the promised ETA passed (section)',
  ask: 'what the task asks, in the template’s language (empty for a case-level page)',
  askShort: 'the task, cut to 80 characters (SMS)',
  ackDeadline: 'acknowledge by (ISO 8601), empty when none',
  ackBy: 'acknowledge by, HH:MM UTC (SMS)',
  options: 'the decision options, "1. … ; 2. …"',
  smsOptions: 'the decision options, "1=…, 2=…" (SMS)',
  actionUrl: "the signed one-time link to the mobile action page (a person's own; empty in a group)",
  caseUrl: "the case's page",
  recipientName: 'who the message is for (a person, or the group channel’s name)',
  people: 'who is paged, by name',
} as const;

/** What an FYI's templates may use. */
export const FYI_PLACEHOLDERS = {
  caseId: PAGE_PLACEHOLDERS.caseId,
  type: PAGE_PLACEHOLDERS.type,
  typeLabel: PAGE_PLACEHOLDERS.typeLabel,
  severity: PAGE_PLACEHOLDERS.severity,
  line: PAGE_PLACEHOLDERS.line,
  title: PAGE_PLACEHOLDERS.title,
  event: 'what happened: opened, escalated, sla_breached, acknowledged, resolved or closed',
  happened: 'what happened, as a phrase in the template’s language ("was acknowledged by Li Wei")',
  eventLabel: 'what happened, one word in the template’s language ("acknowledged")',
  by: 'who acted (empty when the system did)',
  text: 'what they wrote (a resolution, a note), empty when nothing',
  caseUrl: PAGE_PLACEHOLDERS.caseUrl,
  recipientName: PAGE_PLACEHOLDERS.recipientName,
} as const;

export type PageView = Record<keyof typeof PAGE_PLACEHOLDERS, string | number | boolean>;
export type FyiView = Record<keyof typeof FYI_PLACEHOLDERS, string | number | boolean>;

export const placeholdersOf = (key: TemplateKey): Readonly<Record<string, string>> =>
  key.startsWith('page.') ? PAGE_PLACEHOLDERS : FYI_PLACEHOLDERS;

/** Templates with a subject line: mail (subject) and chat cards (card title). */
export const hasSubject = (key: TemplateKey): boolean => !key.endsWith('.sms');

export interface TemplateText {
  subject: string | null;
  body: string;
}

/** One template problem, naming the field (`subject` or `body`). */
export interface TemplateProblem {
  field: 'subject' | 'body';
  message: string;
}

type Token = [string, string, number, number, Token[]?, number?];

function names(tokens: Token[], into: Set<string>): void {
  for (const t of tokens) {
    if (t[0] === 'name' || t[0] === '&' || t[0] === '#' || t[0] === '^') into.add(t[1]);
    if (t[4]) names(t[4], into);
    if (t[0] === '>') into.add(`>${t[1]}`);
    if (t[0] === '=') into.add('=');
  }
}

/** What is wrong with a template's text (nothing: an empty list). */
export function checkTemplate(key: TemplateKey, t: TemplateText): TemplateProblem[] {
  const known = placeholdersOf(key);
  const problems: TemplateProblem[] = [];
  const fields: Array<['subject' | 'body', string | null]> = [
    ['subject', t.subject],
    ['body', t.body],
  ];
  for (const [field, text] of fields) {
    if (text === null) continue;
    let tokens: Token[];
    try {
      tokens = Mustache.parse(text) as unknown as Token[];
    } catch (err) {
      problems.push({
        field,
        message: `not a valid template: ${err instanceof Error ? err.message : String(err)}`,
      });
      continue;
    }
    const used = new Set<string>();
    names(tokens, used);
    const unknown = [...used].filter((n) => !Object.hasOwn(known, n));
    if (unknown.length > 0)
      problems.push({
        field,
        message: `unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `{{${n}}}`).join(', ')}; known: ${Object.keys(known).join(', ')}`,
      });
  }
  if (hasSubject(key) && (t.subject === null || t.subject.trim() === ''))
    problems.push({ field: 'subject', message: 'this template needs a subject' });
  if (!hasSubject(key) && t.subject !== null && t.subject !== '')
    problems.push({ field: 'subject', message: 'an SMS has no subject' });
  if (t.body.trim() === '') problems.push({ field: 'body', message: 'must not be empty' });
  return problems;
}

/** Renders a template's text with a view: no HTML escaping, blank-line runs folded. */
export function renderTemplate(text: string, view: Record<string, unknown>): string {
  const out = Mustache.render(text, view, {}, { escape: (v: unknown) => String(v) });
  return out
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A stored template for a key and locale. */
export interface StoredTemplate extends TemplateText {
  key: TemplateKey;
  locale: Locale;
}
