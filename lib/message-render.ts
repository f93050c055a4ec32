/**
 * Messages in the reader's locale from their templates (domain/templates.ts): the views a page's or
 * an FYI's templates render with, and the mail, SMS and chat card they make. SOP texts (task titles,
 * options, default case titles) render from their catalog messages (domain/messages.ts); texts
 * recorded before message keys show as they were recorded. Used by the worker to send and by the
 * admin API to preview.
 */
import type { ChatButton, ChatCard } from '../domain/chat-card.js';
import { optionLabel, textFor } from '../domain/messages.js';
import {
  EXCEPTION_TYPE_LABELS,
  type ExceptionType,
  type JobRole,
  type Locale,
  type SubscriptionEvent,
} from '../domain/model.js';
import { renderTemplate, type FyiView, type PageView, type TemplateText } from '../domain/templates.js';
import { caseTitle } from '../workflows/sop/index.js';
import { escapeHtml } from './html.js';

/** A message's text as sent and kept in the outbox. */
export interface RenderedText {
  subject: string | null;
  text: string;
  html: string | null;
}

/** The page people open from a message to see the case (one place, should it move). */
export const caseUrlOf = (publicUrl: string, caseId: number): string => `${publicUrl}/cases/${caseId}`;

/** The case a message is about. */
export interface CaseFacts {
  caseId: number;
  type: ExceptionType;
  severity: string;
  line: string;
  station: string | null;
  title: string;
  details?: Record<string, unknown> | null;
  openedAt: string;
  caseUrl: string;
}

export interface PageFacts extends CaseFacts {
  role: JobRole;
  level: number;
  escalated: boolean;
  /** Why this page goes out (SOP engine); absent for older cases. */
  reason?: string;
  /** What the task asks, as recorded, and the catalog message it renders from (if any). */
  ask: string | null;
  askRef?: unknown;
  ackDeadline: string | null;
  recipientName: string;
  /** Signed one-time link to the mobile action page; none in a group (buttons carry one per person). */
  actionUrl: string | null;
  options: Array<{ id: string; label: string }>;
  /** Who is paged, by name. */
  people: string[];
}

const where = (f: CaseFacts): string => (f.station ? `${f.line} / ${f.station}` : f.line);

export function pageView(locale: Locale, f: PageFacts): PageView {
  const ask = f.ask === null ? '' : textFor(f.askRef, f.ask, locale);
  const labels = f.options.map((o) => optionLabel(o, locale));
  const zh = locale === 'zh-CN';
  return {
    caseId: f.caseId,
    type: f.type,
    typeLabel: EXCEPTION_TYPE_LABELS[f.type][locale],
    severity: f.severity,
    line: f.line,
    where: where(f),
    whereShort: f.station ? `${f.line}/${f.station}` : f.line,
    title: caseTitle(f, locale),
    openedAt: f.openedAt,
    role: f.role,
    level: f.level,
    escalated: f.escalated,
    slaBreached: f.reason === 'sla_breached',
    etaMissed: f.reason === 'eta_missed',
    ask,
    askShort: ask.length > 80 ? `${ask.slice(0, 77)}...` : ask,
    ackDeadline: f.ackDeadline ?? '',
    ackBy: f.ackDeadline ? f.ackDeadline.slice(11, 16) : '',
    options: labels.map((l, i) => `${i + 1}. ${l}`).join(zh ? '；' : '; '),
    smsOptions: labels.map((l, i) => `${i + 1}=${l}`).join(zh ? '，' : ', '),
    actionUrl: f.actionUrl ?? '',
    caseUrl: f.caseUrl,
    recipientName: f.recipientName,
    people: f.people.join(zh ? '、' : ', '),
  };
}

export interface FyiFacts extends CaseFacts {
  event: SubscriptionEvent;
  by: string | null;
  text: string | null;
  recipientName: string;
  /** For `escalated`: the level and role now paged. */
  level?: number | null;
  role?: string | null;
}

const HAPPENED: Record<Locale, Record<SubscriptionEvent, (f: FyiFacts) => string>> = {
  en: {
    opened: (f) => `was opened${f.by ? ` by ${f.by}` : ''}`,
    escalated: (f) => `was escalated to level ${f.level ?? '?'}${f.role ? ` (${f.role})` : ''}`,
    sla_breached: () => 'missed its resolve deadline (SLA)',
    acknowledged: (f) => `was acknowledged by ${f.by ?? 'someone'}`,
    resolved: (f) => `was resolved by ${f.by ?? 'someone'}`,
    closed: (f) => `was closed by ${f.by ?? 'someone'}`,
  },
  'zh-CN': {
    opened: (f) => `已开立${f.by ? `（${f.by}）` : ''}`,
    escalated: (f) => `已升级到第 ${f.level ?? '?'} 级${f.role ? `（${f.role}）` : ''}`,
    sla_breached: () => '已超过解决时限（SLA）',
    acknowledged: (f) => `已由 ${f.by ?? '他人'}确认`,
    resolved: (f) => `已由 ${f.by ?? '他人'}解决`,
    closed: (f) => `已由 ${f.by ?? '他人'}关闭`,
  },
};

const EVENT_LABEL: Record<Locale, Record<SubscriptionEvent, string>> = {
  en: {
    opened: 'opened',
    escalated: 'escalated',
    sla_breached: 'SLA breached',
    acknowledged: 'acknowledged',
    resolved: 'resolved',
    closed: 'closed',
  },
  'zh-CN': {
    opened: '已开立',
    escalated: '已升级',
    sla_breached: '已超时',
    acknowledged: '已确认',
    resolved: '已解决',
    closed: '已关闭',
  },
};

export function fyiView(locale: Locale, f: FyiFacts): FyiView {
  return {
    caseId: f.caseId,
    type: f.type,
    typeLabel: EXCEPTION_TYPE_LABELS[f.type][locale],
    severity: f.severity,
    line: f.line,
    title: caseTitle(f, locale),
    event: f.event,
    happened: HAPPENED[locale][f.event](f),
    eventLabel: EVENT_LABEL[locale][f.event],
    by: f.by ?? '',
    text: f.text ?? '',
    caseUrl: f.caseUrl,
    recipientName: f.recipientName,
  };
}

const linkify = (escaped: string): string =>
  escaped.replace(/https?:\/\/[^\s<]+/g, (u) => `<a href="${u}">${u}</a>`);

/** A mail: the template's subject and text; its HTML built from the text, with a button for the action link. */
export function renderMail(
  t: TemplateText,
  view: Record<string, unknown>,
  locale: Locale,
  actionUrl?: string | null,
): RenderedText {
  const text = renderTemplate(t.body, view);
  const button = actionUrl
    ? `<p><a href="${escapeHtml(actionUrl)}" style="display:inline-block;padding:12px 20px;background:#0b5cad;color:#fff;text-decoration:none;border-radius:6px;font-weight:bold">${
        locale === 'zh-CN' ? '立即处理' : 'Act on it now'
      }</a></p>`
    : '';
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head><body style="font-family:sans-serif;max-width:40em">${button}${text
    .split(/\n{2,}/)
    .map((p) => `<p>${linkify(escapeHtml(p)).replace(/\n/g, '<br>')}</p>`)
    .join('')}</body></html>`;
  return { subject: renderTemplate(t.subject ?? '', view), text, html };
}

/** An SMS: one line of text, at most 600 characters (Twilio splits it into segments). */
export function renderSms(t: TemplateText, view: Record<string, unknown>): RenderedText {
  const text = renderTemplate(t.body, view).replace(/\s*\n\s*/g, ' ');
  return { subject: null, text: text.length > 600 ? `${text.slice(0, 597)}...` : text, html: null };
}

/** A chat card: the template's subject as its title, its lines, and link buttons. */
export function renderChat(
  t: TemplateText,
  view: Record<string, unknown>,
  buttons: ChatButton[],
  tone: ChatCard['tone'],
): ChatCard {
  const lines = renderTemplate(t.body, view)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return { title: renderTemplate(t.subject ?? '', view), lines, buttons, tone };
}

/** A chat card as the outbox keeps it (what was said; the button targets included, as in an SMS). */
export function chatText(card: ChatCard): RenderedText {
  return {
    subject: card.title,
    text: [...card.lines, ...card.buttons.map((b) => `${b.label}: ${b.url}`)].join('\n'),
    html: null,
  };
}

/** Button labels of chat cards. */
export const BUTTONS: Record<Locale, { actAs: (name: string) => string; openCase: string }> = {
  en: { actAs: (name) => `Act as ${name}`, openCase: 'Open the case' },
  'zh-CN': { actAs: (name) => `${name}：立即处理`, openCase: '查看异常单' },
};
