/**
 * The case timeline as sentences in the reader's language ("14:02 Li Wei acknowledged by SMS",
 * "14:10 escalated to Sue (supervisor): no acknowledgement in 5 min"). Task titles, options, reason
 * codes and step names go through catalogText(); the raw event stays one click away on the page.
 */
import type { TaskText } from '../../db/case-history.js';
import type { TimelineEvent } from '../../db/timeline.js';
import type { LadderLevel } from '../../domain/contracts/policy.js';
import { EXCEPTION_TYPE_LABELS, type ExceptionType } from '../../domain/model.js';
import { catalogText } from './catalog-text.js';
import { duration, localTime } from './html.js';
import type { Lang } from './i18n.js';

export interface TimelineContext {
  lang: Lang;
  timeZone: string;
  ladder: LadderLevel[];
  /** The case's tasks: title (and its catalog reference) and option labels by task key. */
  tasks: Map<string, TaskText>;
  /** Uses of one-time action links (who, which action, when). */
  linkUses: Array<{ personId: number; action: string; usedAt: string }>;
  events: TimelineEvent[];
}

type Words = { en: string; 'zh-CN': string };
const say = (l: Lang, w: Words): string => w[l];
const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const list = (l: Lang, xs: string[]): string => xs.join(l === 'en' ? ', ' : '、');
const quote = (l: Lang, s: string): string => (l === 'en' ? `“${s}”` : `“${s}”`);

const CHANNEL: Record<string, Words> = {
  email: { en: 'email', 'zh-CN': '邮件' },
  sms: { en: 'SMS', 'zh-CN': '短信' },
};
const channelWord = (l: Lang, c: string): string => CHANNEL[c]?.[l] ?? c;

function who(e: TimelineEvent): string {
  const by = str(e.data.by);
  if (by) return by;
  if (e.actor === 'system') return 'Andon';
  if (e.actor.startsWith('mes:')) return 'MES';
  if (e.actor.startsWith('api_key:')) return `API key ${e.actor.slice(8)}`;
  return e.actor;
}

/** Names of the people a level reached, from the `notified` event of that level after `from`. */
function reached(ctx: TimelineContext, from: TimelineEvent, level: number): string[] {
  const next = ctx.events.find((x) => x.id > from.id && x.type === 'notified' && x.data.level === level);
  const recipients = Array.isArray(next?.data.recipients)
    ? (next.data.recipients as Array<{ name?: unknown }>)
    : [];
  return [...new Set(recipients.map((r) => str(r.name)).filter(Boolean))];
}

/** How the person acknowledged: by SMS, from a message's link, or in Andon. */
function ackChannel(ctx: TimelineContext, e: TimelineEvent): Words | null {
  const at = Date.parse(e.occurredAt);
  const near = (iso: string) => Math.abs(Date.parse(iso) - at) < 120_000;
  const sms = ctx.events.some(
    (x) =>
      x.type === 'sms_received' &&
      x.actor === e.actor &&
      /^a/i.test(str(x.data.command)) &&
      near(x.occurredAt),
  );
  if (sms) return { en: 'by SMS', 'zh-CN': '（短信）' };
  const person = /^person:(\d+)$/.exec(e.actor)?.[1];
  if (
    person &&
    ctx.linkUses.some((u) => String(u.personId) === person && u.action === 'ack' && near(u.usedAt))
  )
    return { en: 'from the link in a message', 'zh-CN': '（消息链接）' };
  if (person) return { en: 'in Andon', 'zh-CN': '（Andon 网页）' };
  if (e.actor.startsWith('api_key:')) return { en: 'through the API', 'zh-CN': '（API）' };
  return null;
}

function escalationReason(ctx: TimelineContext, l: Lang, reason: string, toLevel: number): string {
  const prev = ctx.ladder[toLevel - 1];
  switch (reason) {
    case 'ack_timeout':
      return prev
        ? say(l, {
            en: `no acknowledgement in ${duration(prev.ackTimeoutSeconds)}`,
            'zh-CN': `${duration(prev.ackTimeoutSeconds)} 内无人确认`,
          })
        : say(l, { en: 'no acknowledgement in time', 'zh-CN': '未在时限内确认' });
    case 'nobody_reachable':
      return say(l, { en: 'nobody at the level before could be reached', 'zh-CN': '上一级无人可联系' });
    case 'sla_breached':
      return say(l, { en: 'the SLA was breached', 'zh-CN': '已超过解决时限' });
    case 'eta_missed':
      return say(l, { en: 'the ETA passed', 'zh-CN': '预计完成时间已过' });
    case 'repeat':
      return say(l, { en: 'paged again', 'zh-CN': '再次通知' });
    default:
      return reason.replace(/_/g, ' ');
  }
}

function optionLabel(ctx: TimelineContext, task: string, option: string, l: Lang): string {
  const label = ctx.tasks.get(task)?.options.find((o) => o.id === option)?.label;
  return catalogText('option', `${task}.${option}`, l, label);
}

/** One event as a sentence (without its time). */
export function sentence(ctx: TimelineContext, e: TimelineEvent): string {
  const l = ctx.lang;
  const d = e.data;
  const by = who(e);
  const task = str(d.task);
  const known = task ? ctx.tasks.get(task) : undefined;
  const taskTitle = task
    ? catalogText('taskTitle', task, l, known?.title ?? str(d.title), known?.titleRef ?? d.titleRef)
    : '';
  switch (e.type) {
    case 'opened': {
      const type = EXCEPTION_TYPE_LABELS[str(d.type) as ExceptionType]?.[l] ?? str(d.type);
      return say(l, {
        en: `${str(d.source)} reported: ${type}, line ${str(d.line)} (${str(d.externalId)})`,
        'zh-CN': `${str(d.source)} 报告：${type}，产线 ${str(d.line)}（${str(d.externalId)}）`,
      });
    }
    case 'sop_step':
      return say(l, {
        en: `Step: ${catalogText('step', str(d.step), l)}`,
        'zh-CN': `进入步骤：${catalogText('step', str(d.step), l)}`,
      });
    case 'erp_document': {
      const doc = catalogText('erpDocType', str(d.docType), l);
      return say(l, {
        en: `ERP ${doc} ${str(d.docId)} ${str(d.status)}`,
        'zh-CN': `ERP ${doc} ${str(d.docId)}：${str(d.status)}`,
      });
    }
    case 'task_opened':
      return say(l, {
        en: `Task for ${str(d.role)}: ${taskTitle}`,
        'zh-CN': `任务（${str(d.role)}）：${taskTitle}`,
      });
    case 'notified':
    case 'notification_failed': {
      const rs = Array.isArray(d.recipients)
        ? (d.recipients as Array<{ name?: unknown; channel?: unknown }>)
        : [];
      const people = new Map<string, string[]>();
      for (const r of rs)
        people.set(str(r.name), [...(people.get(str(r.name)) ?? []), channelWord(l, str(r.channel))]);
      const parts = [...people.entries()].map(([n, cs]) =>
        l === 'en' ? `${n} by ${cs.join(' and ')}` : `${n}（${cs.join('、')}）`,
      );
      if (e.type === 'notified')
        return say(l, {
          en: `Paged ${list(l, parts)} (${str(d.role)})`,
          'zh-CN': `已通知 ${list(l, parts)}（${str(d.role)}）`,
        });
      return say(l, {
        en: `Could not reach ${parts.length > 0 ? list(l, parts) : str(d.role)}${d.error ? `: ${str(d.error)}` : ''}`,
        'zh-CN': `无法通知 ${parts.length > 0 ? list(l, parts) : str(d.role)}${d.error ? `：${str(d.error)}` : ''}`,
      });
    }
    case 'notification_delivered':
      return say(l, {
        en: `${channelWord(l, str(d.channel))} delivered`,
        'zh-CN': `${channelWord(l, str(d.channel))}已送达`,
      });
    case 'sms_received':
      return say(l, {
        en: `${by} replied by SMS: ${quote(l, str(d.text))}`,
        'zh-CN': `${by} 短信回复：${quote(l, str(d.text))}`,
      });
    case 'escalated': {
      const level = Number(d.toLevel);
      const names = reached(ctx, e, level);
      const whom = names.length > 0 ? `${list(l, names)} (${str(d.role)})` : str(d.role);
      const why = escalationReason(ctx, l, str(d.reason), level);
      return say(l, { en: `Escalated to ${whom}: ${why}`, 'zh-CN': `升级至 ${whom}：${why}` });
    }
    case 'escalation_skipped':
      return say(l, {
        en: `Level ${str(d.level)} (${str(d.role)}) skipped: ${str(d.reason)}`,
        'zh-CN': `跳过第 ${str(d.level)} 级（${str(d.role)}）：${str(d.reason)}`,
      });
    case 'acked': {
      const how = ackChannel(ctx, e);
      return say(l, {
        en: `${by} acknowledged${how ? ` ${how.en}` : ''}`,
        'zh-CN': `${by} 已确认${how ? how['zh-CN'] : ''}`,
      });
    }
    case 'eta_set':
      return say(l, {
        en: `${by} expects to be done by ${localTime(str(d.eta), ctx.timeZone)}`,
        'zh-CN': `${by} 预计 ${localTime(str(d.eta), ctx.timeZone)} 完成`,
      });
    case 'eta_missed':
      return say(l, {
        en: `The ETA ${localTime(str(d.eta), ctx.timeZone)} passed: escalated to ${str(d.role)}`,
        'zh-CN': `预计完成时间 ${localTime(str(d.eta), ctx.timeZone)} 已过：升级至 ${str(d.role)}`,
      });
    case 'decision':
      return say(l, {
        en: `${by} decided: ${optionLabel(ctx, task, str(d.option), l)}`,
        'zh-CN': `${by} 决定：${optionLabel(ctx, task, str(d.option), l)}`,
      });
    case 'sla_breached':
      return say(l, {
        en: `SLA breached: escalated to ${str(d.role)}`,
        'zh-CN': `超过解决时限：升级至 ${str(d.role)}`,
      });
    case 'comment':
      return `${by}: ${quote(l, str(d.text))}`;
    case 'reassigned': {
      const to = d.to as { role?: unknown; name?: unknown } | undefined;
      const target = str(to?.name) || str(to?.role);
      const reason = d.reason ? `: ${str(d.reason)}` : '';
      return say(l, {
        en: `${by} reassigned “${taskTitle}” to ${target}${reason}`,
        'zh-CN': `${by} 将“${taskTitle}”转派给 ${target}${reason}`,
      });
    }
    case 'mes_event':
      return say(l, {
        en: `MES reported: ${str(d.kind).replace(/_/g, ' ')}`,
        'zh-CN': `MES 报告：${str(d.kind)}`,
      });
    case 'linked_case_opened':
      return say(l, {
        en: `Linked case #${str(d.caseId)} opened (${str(d.link)})`,
        'zh-CN': `已开启关联异常单 #${str(d.caseId)}（${str(d.link)}）`,
      });
    case 'sop_failed':
      return say(l, {
        en: `The SOP failed at ${catalogText('step', str(d.step), l)}: ${str(d.error)} — a supervisor takes over`,
        'zh-CN': `SOP 在 ${catalogText('step', str(d.step), l)} 失败：${str(d.error)}，由主管接手`,
      });
    case 'resolved': {
      const cause = d.rootCause
        ? say(l, { en: ` (root cause: ${str(d.rootCause)})`, 'zh-CN': `（根本原因：${str(d.rootCause)}）` })
        : '';
      const resolution = catalogText('text', 'resolution', l, str(d.resolution), d.resolutionRef);
      return say(l, {
        en: `${by} resolved it: ${resolution}${cause}`,
        'zh-CN': `${by} 已解决：${resolution}${cause}`,
      });
    }
    case 'closed':
      return say(l, { en: `${by} closed it`, 'zh-CN': `${by} 已关闭` });
    case 'cancelled':
      return say(l, {
        en: `${by} cancelled it: ${str(d.reason)}`,
        'zh-CN': `${by} 已取消：${str(d.reason)}`,
      });
    case 'reopened':
      return d.recurrence !== undefined
        ? say(l, {
            en: `It happened again: case #${str(d.recurrence)} opened as a recurrence`,
            'zh-CN': `再次发生：已开启复发异常单 #${str(d.recurrence)}`,
          })
        : say(l, { en: `${by} reopened it: ${str(d.reason)}`, 'zh-CN': `${by} 重新打开：${str(d.reason)}` });
    case 'webhook_delivered':
      return say(l, {
        en: `Sent ${str(d.event)} to ${str(d.webhook)}: answered ${str(d.status)}`,
        'zh-CN': `已将 ${str(d.event)} 发送至 ${str(d.webhook)}：应答 ${str(d.status)}`,
      });
    case 'webhook_failed':
      return say(l, {
        en: `Could not send ${str(d.event)} to ${str(d.webhook)} after ${str(d.attempts)} attempts (last answer: ${str(d.status) || 'none'})`,
        'zh-CN': `${str(d.event)} 发送至 ${str(d.webhook)} 失败，已尝试 ${str(d.attempts)} 次（最后应答：${str(d.status) || '无'}）`,
      });
  }
}

/** HH:mm in the plant's zone (the full time is the element's datetime and title). */
export function clockTime(iso: string, timeZone: string): string {
  return localTime(iso, timeZone).slice(11, 16);
}
