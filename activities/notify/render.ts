/** Message texts, in the recipient's locale: pages (mail and SMS) and FYI messages. */
import { escapeHtml } from '../../lib/html.js';
import { EXCEPTION_TYPE_LABELS, type Channel, type ExceptionType, type JobRole } from '../../domain/model.js';

export type Locale = 'en' | 'zh-CN';

/** What a message carries, rendered for one recipient on one channel. */
export interface Rendered {
  subject: string | null;
  text: string;
  html: string | null;
}

export const asLocale = (v: string | null | undefined): Locale => (v === 'zh-CN' ? 'zh-CN' : 'en');

export interface TaskMailFacts {
  caseId: number;
  type: ExceptionType;
  severity: string;
  line: string;
  station: string | null;
  title: string;
  openedAt: string;
  role: JobRole;
  level: number;
  escalated: boolean;
  /** Why this page goes out (SOP engine); absent for older cases. */
  reason?: string;
  /** What the task asks, when the page is about an SOP task. */
  ask?: string | null;
  ackDeadline: string | null;
  caseUrl: string;
  recipientName: string;
  /** Signed one-time link to the mobile action page (acknowledge, ETA, decide, resolve). */
  actionUrl?: string | null;
  /** The task's decision options, listed so a person knows what they are asked to choose. */
  options?: Array<{ id: string; label: string }>;
}

export function taskMail(locale: Locale, f: TaskMailFacts): { subject: string; text: string; html: string } {
  const typeLabel = EXCEPTION_TYPE_LABELS[f.type][locale];
  const where = f.station ? `${f.line} / ${f.station}` : f.line;
  const lines =
    locale === 'zh-CN'
      ? {
          subject: `${f.escalated ? '[升级] ' : ''}Andon 异常 #${f.caseId}：${typeLabel}（${f.type}）— ${where}`,
          rows: [
            `${f.recipientName}，您好：`,
            `异常单 #${f.caseId}（${f.type}，${typeLabel}，严重度 ${f.severity}）需要您处理。`,
            `内容：${f.title}`,
            ...(f.ask ? [`任务：${f.ask}`] : []),
            ...(f.reason === 'sla_breached' ? ['此异常已超过解决时限（SLA），已升级到最高级。'] : []),
            ...(f.reason === 'eta_missed' ? ['负责人给出的预计完成时间已过，异常仍未解决。'] : []),
            `地点：${where}`,
            `发生时间：${f.openedAt}`,
            f.escalated
              ? `此异常已升级到第 ${f.level} 级，之前的负责人未在时限内确认。`
              : `您作为 ${f.role} 被指派。`,
            f.ackDeadline ? `请在 ${f.ackDeadline} 之前确认，否则将继续升级。` : '请尽快确认。',
            ...(f.options && f.options.length > 0
              ? [`可选决定：${f.options.map((o, i) => `${i + 1}. ${o.label}`).join('；')}`]
              : []),
            ...(f.actionUrl ? [`在手机上确认、报告预计完成时间、做出决定或解决：${f.actionUrl}`] : []),
            `查看与处理：${f.caseUrl}`,
          ],
        }
      : {
          subject: `${f.escalated ? '[ESCALATED] ' : ''}Andon case #${f.caseId}: ${typeLabel} (${f.type}) on ${where}`,
          rows: [
            `Hello ${f.recipientName},`,
            `Case #${f.caseId} (${f.type}, ${typeLabel}, severity ${f.severity}) needs you.`,
            `What: ${f.title}`,
            ...(f.ask ? [`Asked: ${f.ask}`] : []),
            ...(f.reason === 'sla_breached'
              ? ['The resolve SLA of this case has been missed: it is escalated to the top level.']
              : []),
            ...(f.reason === 'eta_missed'
              ? ['The ETA the assignee gave has passed and the case is not resolved.']
              : []),
            `Where: ${where}`,
            `Since: ${f.openedAt}`,
            f.escalated
              ? `This case was escalated to level ${f.level}: the previous level did not acknowledge in time.`
              : `You are paged as ${f.role}.`,
            f.ackDeadline
              ? `Please acknowledge by ${f.ackDeadline}, or it escalates further.`
              : 'Please acknowledge it.',
            ...(f.options && f.options.length > 0
              ? [`Choices: ${f.options.map((o, i) => `${i + 1}. ${o.label}`).join('; ')}`]
              : []),
            ...(f.actionUrl
              ? [`Acknowledge, give an ETA, decide or resolve on your phone: ${f.actionUrl}`]
              : []),
            `Open the case: ${f.caseUrl}`,
          ],
        };
  const text = lines.rows.join('\n\n');
  const button = f.actionUrl
    ? `<p><a href="${escapeHtml(f.actionUrl)}" style="display:inline-block;padding:12px 20px;background:#0b5cad;color:#fff;text-decoration:none;border-radius:6px;font-weight:bold">${
        locale === 'zh-CN' ? '立即处理' : 'Act on it now'
      }</a></p>`
    : '';
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"></head><body style="font-family:sans-serif;max-width:40em">${button}${lines.rows
    .map((r) => `<p>${linkify(escapeHtml(r))}</p>`)
    .join('')}</body></html>`;
  return { subject: lines.subject, text, html };
}

const linkify = (escaped: string): string =>
  escaped.replace(/https?:\/\/[^\s<]+/g, (u) => `<a href="${u}">${u}</a>`);

/** The SMS of a page: short, with the case code and how to answer by reply. */
export function taskSms(
  locale: Locale,
  f: {
    caseId: number;
    type: ExceptionType;
    line: string;
    station: string | null;
    ask: string | null;
    escalated: boolean;
    ackDeadline: string | null;
    options?: Array<{ id: string; label: string }>;
    actionUrl?: string | null;
  },
): string {
  const where = f.station ? `${f.line}/${f.station}` : f.line;
  const label = EXCEPTION_TYPE_LABELS[f.type][locale];
  const ask = f.ask ? ` ${f.ask.length > 80 ? `${f.ask.slice(0, 77)}...` : f.ask}` : '';
  const opts =
    f.options && f.options.length > 0
      ? locale === 'zh-CN'
        ? ` 决定请回复 D ${f.caseId} <序号>：${f.options.map((o, i) => `${i + 1}=${o.label}`).join('，')}。`
        : ` To decide reply D ${f.caseId} <n>: ${f.options.map((o, i) => `${i + 1}=${o.label}`).join(', ')}.`
      : '';
  const link = f.actionUrl ? ` ${f.actionUrl}` : '';
  const deadline = f.ackDeadline ? f.ackDeadline.slice(11, 16) : null;
  return locale === 'zh-CN'
    ? `${f.escalated ? '[升级]' : ''}Andon #${f.caseId} ${label} @${where}。${ask}${
        deadline ? ` 请于 ${deadline}(UTC) 前确认。` : ''
      } 回复 A ${f.caseId} 确认，R ${f.caseId} <说明> 解决。${opts}${link}`
    : `${f.escalated ? '[ESC] ' : ''}Andon #${f.caseId} ${label} @${where}.${ask}${
        deadline ? ` Ack by ${deadline} UTC.` : ''
      } Reply A ${f.caseId} to acknowledge, R ${f.caseId} <text> to resolve.${opts}${link}`;
}

/** For-your-information message to people paged earlier, when someone acknowledges or resolves. */
export function fyiMessage(
  locale: Locale,
  f: {
    caseId: number;
    type: ExceptionType;
    line: string;
    what: 'acked' | 'resolved';
    by: string;
    text?: string | null;
  },
): { subject: string; text: string; html: string; sms: string } {
  const label = EXCEPTION_TYPE_LABELS[f.type][locale];
  const text =
    locale === 'zh-CN'
      ? `Andon 异常 #${f.caseId}（${label}，${f.line}）已由 ${f.by}${f.what === 'acked' ? '确认' : '解决'}${
          f.text ? `：${f.text}` : '。'
        }您无需再处理。`
      : `Andon case #${f.caseId} (${label} on ${f.line}) was ${f.what === 'acked' ? 'acknowledged' : 'resolved'} by ${f.by}${
          f.text ? `: ${f.text}` : '.'
        } No action is needed from you.`;
  const subject =
    locale === 'zh-CN'
      ? `[知悉] Andon 异常 #${f.caseId} 已${f.what === 'acked' ? '确认' : '解决'}`
      : `[FYI] Andon case #${f.caseId} ${f.what === 'acked' ? 'acknowledged' : 'resolved'}`;
  return {
    subject,
    text,
    html: `<!doctype html><html lang="${locale}"><body style="font-family:sans-serif"><p>${escapeHtml(text)}</p></body></html>`,
    sms: text.length > 300 ? `${text.slice(0, 297)}...` : text,
  };
}

/** A page for one recipient on one channel: the mail, or the short SMS. */
export function pageMessage(locale: Locale, channel: Channel, f: TaskMailFacts): Rendered {
  if (channel === 'email') return taskMail(locale, f);
  return {
    subject: null,
    html: null,
    text: taskSms(locale, {
      caseId: f.caseId,
      type: f.type,
      line: f.line,
      station: f.station,
      ask: f.ask ?? null,
      escalated: f.escalated,
      ackDeadline: f.ackDeadline,
      options: f.options,
      actionUrl: f.actionUrl ?? null,
    }),
  };
}

/** A FYI message on one channel. */
export function fyiContent(msg: ReturnType<typeof fyiMessage>, channel: Channel): Rendered {
  return channel === 'email'
    ? { subject: msg.subject, text: msg.text, html: msg.html }
    : { subject: null, text: msg.sms, html: null };
}
