/** Message texts, in the recipient's locale. */
import { EXCEPTION_TYPE_LABELS, type ExceptionType, type JobRole } from '../../domain/model.js';

export type Locale = 'en' | 'zh-CN';

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
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

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
            `Open the case: ${f.caseUrl}`,
          ],
        };
  const text = lines.rows.join('\n\n');
  const html = `<!doctype html><html lang="${locale}"><body style="font-family:sans-serif">${lines.rows
    .map((r) => `<p>${escapeHtml(r)}</p>`)
    .join('')}</body></html>`;
  return { subject: lines.subject, text, html };
}
