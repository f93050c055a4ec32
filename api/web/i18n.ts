/**
 * Every string people read from Andon's web side, in English and Simplified Chinese: the web UI,
 * the action-link pages (`link…` keys) and the SMS replies (`sms…` keys). `{name}` marks a value
 * filled in by `t(lang, key, vars)`.
 */
import type { Request } from 'express';
import { LOCALES, type Locale } from '../../domain/model.js';
import type { Refusal } from '../run-action.js';

export const LANGS = LOCALES;
export type Lang = Locale;

const STRINGS = {
  nav: { en: 'Main', 'zh-CN': '主导航' },
  board: { en: 'Board', 'zh-CN': '看板' },
  reports: { en: 'Reports', 'zh-CN': '报表' },
  admin: { en: 'Catalog & people', 'zh-CN': '目录与人员' },
  outbox: { en: 'Outbox', 'zh-CN': '发件箱' },
  signIn: { en: 'Sign in', 'zh-CN': '登录' },
  signOut: { en: 'Sign out', 'zh-CN': '退出' },
  email: { en: 'Email', 'zh-CN': '邮箱' },
  password: { en: 'Password', 'zh-CN': '密码' },
  badLogin: { en: 'Email or password is wrong.', 'zh-CN': '邮箱或密码错误。' },
  locked: {
    en: 'Too many wrong passwords: this account is locked for a while. Try again later, or ask a supervisor to unlock it.',
    'zh-CN': '密码错误次数过多，此账号已暂时锁定。请稍后再试，或请主管解锁。',
  },
  tooManyLogins: {
    en: 'Too many sign-in attempts from this address. Wait a few minutes and try again.',
    'zh-CN': '此地址登录尝试过多，请等待几分钟后再试。',
  },
  tooManyStreams: {
    en: 'Too many live views are open for this session; close some tabs.',
    'zh-CN': '此会话打开的实时页面过多，请关闭部分标签页。',
  },
  hidden: { en: '(hidden)', 'zh-CN': '（已隐藏）' },
  skip: { en: 'Skip to content', 'zh-CN': '跳到内容' },
  timesIn: { en: 'Times are shown in', 'zh-CN': '时间时区：' },
  staff: { en: 'staff', 'zh-CN': '员工' },
  supervisor: { en: 'supervisor', 'zh-CN': '主管' },
  openCases: { en: 'Open cases', 'zh-CN': '未关闭异常' },
  noOpenCases: { en: 'No open cases. 🎉', 'zh-CN': '没有未关闭的异常。🎉' },
  notShown: {
    en: '{n} more open cases are not shown here (the board shows the {shown} most urgent).',
    'zh-CN': '另有 {n} 个未关闭异常未在此显示（看板只显示最紧急的 {shown} 个）。',
  },
  line: { en: 'Line', 'zh-CN': '产线' },
  case: { en: 'Case', 'zh-CN': '异常单' },
  type: { en: 'Type', 'zh-CN': '类型' },
  severity: { en: 'Severity', 'zh-CN': '严重度' },
  status: { en: 'Status', 'zh-CN': '状态' },
  assignee: { en: 'Assignee', 'zh-CN': '负责人' },
  level: { en: 'Level', 'zh-CN': '升级级别' },
  sla: { en: 'SLA', 'zh-CN': '时限' },
  opened: { en: 'Opened', 'zh-CN': '发生时间' },
  step: { en: 'Step', 'zh-CN': '当前步骤' },
  overdue: { en: 'overdue', 'zh-CN': '已超时' },
  live: { en: 'Live', 'zh-CN': '实时' },
  timeline: { en: 'Timeline', 'zh-CN': '时间线' },
  tasks: { en: 'Tasks', 'zh-CN': '任务' },
  notifications: { en: 'Notifications', 'zh-CN': '通知' },
  erpDocuments: { en: 'ERP documents', 'zh-CN': 'ERP 单据' },
  actions: { en: 'Actions', 'zh-CN': '操作' },
  acknowledge: { en: 'Acknowledge', 'zh-CN': '确认' },
  comment: { en: 'Comment', 'zh-CN': '备注' },
  addComment: { en: 'Add comment', 'zh-CN': '添加备注' },
  reassign: { en: 'Reassign', 'zh-CN': '转派' },
  toRole: { en: 'to role', 'zh-CN': '转给角色' },
  resolve: { en: 'Resolve', 'zh-CN': '解决' },
  resolution: { en: 'Resolution', 'zh-CN': '处理结果' },
  close: { en: 'Close', 'zh-CN': '关闭' },
  rootCause: { en: 'Root cause', 'zh-CN': '根本原因' },
  correctiveAction: { en: 'Corrective action (CAPA)', 'zh-CN': '纠正措施（CAPA）' },
  downtimeMinutes: { en: 'Downtime (minutes)', 'zh-CN': '停机时间（分钟）' },
  decide: { en: 'Answer', 'zh-CN': '答复' },
  task: { en: 'Task', 'zh-CN': '任务' },
  channel: { en: 'Channel', 'zh-CN': '渠道' },
  recipient: { en: 'Recipient', 'zh-CN': '收件人' },
  attempts: { en: 'Attempts', 'zh-CN': '尝试次数' },
  when: { en: 'When', 'zh-CN': '时间' },
  event: { en: 'Event', 'zh-CN': '事件' },
  by: { en: 'By', 'zh-CN': '操作人' },
  details: { en: 'Details', 'zh-CN': '详情' },
  refused: { en: 'Refused', 'zh-CN': '操作被拒绝' },
  badInput: { en: 'Please correct', 'zh-CN': '请更正' },
  notStarted: {
    en: 'Case {id} is accepted but has not started yet. Nothing was changed; try again in a minute.',
    'zh-CN': '异常单 {id} 已受理但尚未启动，未做任何更改，请稍后重试。',
  },
  notAssignee: {
    en: 'This task is not (or no longer) assigned to you, so nothing was changed.',
    'zh-CN': '此任务未分配给您（或已转派），未做任何更改。',
  },
  caseFinished: {
    en: 'Case {id} is {status} and finished; nothing more can be done to it.',
    'zh-CN': '异常单 {id} 已{status}并结束，无法再做任何操作。',
  },
  caseMissing: { en: 'Case {id} does not exist.', 'zh-CN': '异常单 {id} 不存在。' },
  unreachable: {
    en: 'Andon cannot reach the workflow engine right now. Nothing was changed; try again in a minute.',
    'zh-CN': 'Andon 暂时无法连接流程引擎，未做任何更改，请稍后重试。',
  },
  unconfirmed: {
    en: 'Andon did not get an answer in time. The change may still take effect: look at the case before trying again.',
    'zh-CN': 'Andon 未能及时得到答复，更改可能仍会生效：请先查看异常单再重试。',
  },
  done: { en: 'Done', 'zh-CN': '已完成' },
  mtta: { en: 'MTTA', 'zh-CN': '平均响应时间' },
  mttr: { en: 'MTTR', 'zh-CN': '平均解决时间' },
  closureP50: { en: 'Closure p50', 'zh-CN': '关闭时间 p50' },
  closureP90: { en: 'Closure p90', 'zh-CN': '关闭时间 p90' },
  slaBreachRate: { en: 'SLA breach rate', 'zh-CN': 'SLA 超时率' },
  escalationRate: { en: 'Escalation rate', 'zh-CN': '升级率' },
  cases: { en: 'Cases', 'zh-CN': '异常数' },
  closed: { en: 'Closed', 'zh-CN': '已关闭' },
  downtime: { en: 'Downtime (min)', 'zh-CN': '停机（分钟）' },
  trend: { en: 'MTTA / MTTR by week', 'zh-CN': '每周平均响应 / 解决时间' },
  pareto: { en: 'Pareto of reason codes', 'zh-CN': '原因代码帕累托图' },
  byType: { en: 'By type', 'zh-CN': '按类型' },
  last90: { en: 'Last 90 days', 'zh-CN': '最近 90 天' },
  csv: { en: 'Download CSV', 'zh-CN': '下载 CSV' },
  catalog: { en: 'Exception catalog', 'zh-CN': '异常目录' },
  policies: { en: 'Escalation policies', 'zh-CN': '升级策略' },
  people: { en: 'People', 'zh-CN': '人员' },
  roles: { en: 'Roles', 'zh-CN': '角色' },
  unlock: { en: 'Unlock sign-in', 'zh-CN': '解除登录锁定' },
  code: { en: 'Code', 'zh-CN': '代码' },
  reasonCodes: { en: 'Reason codes', 'zh-CN': '原因代码' },
  ladder: { en: 'Ladder', 'zh-CN': '升级梯度' },
  repeat: { en: 'Repeat', 'zh-CN': '重复次数' },
  reportedTimes: { en: 'Reported {n} times, last at {at}', 'zh-CN': '已报告 {n} 次，最近一次 {at}' },
  name: { en: 'Name', 'zh-CN': '姓名' },
  phone: { en: 'Phone', 'zh-CN': '手机号' },
  locale: { en: 'Language', 'zh-CN': '语言' },
  webRole: { en: 'Web role', 'zh-CN': '网页角色' },
  editedThrough: { en: 'These are edited through the API:', 'zh-CN': '以上内容通过 API 编辑：' },
  ackBy: { en: 'ack by', 'zh-CN': '确认期限' },
  eta: { en: 'ETA', 'zh-CN': '预计完成' },
  mail: { en: 'Mail caught in-process', 'zh-CN': '本地捕获的邮件' },
  sms: { en: 'SMS recorded in-process', 'zh-CN': '本地记录的短信' },
  noCatcher: {
    en: 'A real SMTP server / SMS provider is configured: messages are not kept here. See each case’s notifications.',
    'zh-CN': '已配置真实的邮件/短信服务：此处不保存消息，请查看各异常单的通知记录。',
  },
  nothing: { en: 'Nothing yet.', 'zh-CN': '暂无。' },
  forbidden: { en: 'You may not do this.', 'zh-CN': '您没有权限执行此操作。' },
  notFound: { en: 'Not found.', 'zh-CN': '未找到。' },

  // ── the action-link page (a phone, from a message) ──────────────────────────────────────────
  linkTitle: { en: 'Andon case', 'zh-CN': 'Andon 异常单' },
  linkForged: {
    en: 'This link is not valid. Use the link in the message exactly as you received it.',
    'zh-CN': '此链接无效。请使用消息中收到的原始链接。',
  },
  linkExpired: {
    en: 'This link has expired. Open the case in Andon, or wait for the next message.',
    'zh-CN': '此链接已过期。请在 Andon 中打开异常单，或等待下一条消息。',
  },
  linkUsed: {
    en: 'This link has already been used. Nothing was changed. Use the newest link you received.',
    'zh-CN': '此链接已被使用过，未做任何更改。请使用您收到的最新链接。',
  },
  linkGone: { en: 'This case or person no longer exists.', 'zh-CN': '该异常单或人员已不存在。' },
  linkWhat: { en: 'What', 'zh-CN': '内容' },
  linkWhere: { en: 'Where', 'zh-CN': '地点' },
  linkSince: { en: 'Since', 'zh-CN': '发生时间' },
  linkAsked: { en: 'Asked of you', 'zh-CN': '您的任务' },
  linkDeadline: { en: 'Acknowledge by', 'zh-CN': '确认期限' },
  linkAck: { en: 'Acknowledge', 'zh-CN': '确认收到' },
  linkEta: { en: 'Report an ETA', 'zh-CN': '报告预计完成时间' },
  linkEtaMinutes: { en: 'Done in (minutes)', 'zh-CN': '预计多少分钟后完成' },
  linkDecide: { en: 'Decide', 'zh-CN': '做出决定' },
  linkResolve: { en: 'Resolve the case', 'zh-CN': '解决此异常' },
  linkResolution: { en: 'What was done', 'zh-CN': '处理说明' },
  linkRootCause: { en: 'Root cause (if known)', 'zh-CN': '根本原因（如已知）' },
  linkNothing: {
    en: 'Nothing is waiting for you on this case.',
    'zh-CN': '此异常单目前没有需要您处理的事项。',
  },
  linkRefused: { en: 'This could not be done:', 'zh-CN': '无法执行：' },
  linkBack: { en: 'Back to the case', 'zh-CN': '返回异常单' },
  linkDone: { en: 'Done:', 'zh-CN': '已完成：' },
  linkMore: { en: 'More to do on this case', 'zh-CN': '继续处理此异常单' },
  linkAcked: { en: 'acknowledged', 'zh-CN': '已确认' },
  linkEtaSet: { en: 'ETA reported', 'zh-CN': '已报告预计完成时间' },
  linkDecided: { en: 'decision recorded', 'zh-CN': '已记录决定' },
  linkResolved: { en: 'case resolved', 'zh-CN': '异常已解决' },
  linkBadInput: { en: 'Please fill in:', 'zh-CN': '请填写：' },

  // ── SMS replies ─────────────────────────────────────────────────────────────────────────────
  smsHelp: {
    en: 'Andon: reply A <case> to acknowledge, E <case> <minutes> to give an ETA, D <case> <n> to choose option n, R <case> <what you did> to resolve.',
    'zh-CN':
      'Andon：回复 A <单号> 确认，E <单号> <分钟> 报告预计完成时间，D <单号> <序号> 选择决定，R <单号> <处理说明> 解决。',
  },
  smsUnknownSender: {
    en: 'Andon: this phone number is not registered. Ask your supervisor to add it to your profile. Nothing was changed.',
    'zh-CN': 'Andon：此手机号未登记，请联系主管添加到您的资料中。未做任何更改。',
  },
  smsUnknownCase: {
    en: 'Andon: case {code} was not found, or you were not paged for it. Reply with the number from the message you got. Nothing was changed.',
    'zh-CN': 'Andon：未找到异常单 {code}，或您不是其负责人。请使用收到的消息中的单号回复。未做任何更改。',
  },
  smsAcked: {
    en: 'Andon: case {code} acknowledged. Thank you.',
    'zh-CN': 'Andon：异常单 {code} 已确认，谢谢。',
  },
  smsResolved: {
    en: 'Andon: case {code} resolved. Thank you.',
    'zh-CN': 'Andon：异常单 {code} 已解决，谢谢。',
  },
  smsEta: {
    en: 'Andon: ETA for case {code} recorded.',
    'zh-CN': 'Andon：异常单 {code} 的预计完成时间已记录。',
  },
  smsDecided: {
    en: 'Andon: case {code}: "{label}" recorded.',
    'zh-CN': 'Andon：异常单 {code}：已记录“{label}”。',
  },
  smsNoDecision: {
    en: 'Andon: case {code} has no single task waiting for a decision by SMS. Use the link in the message. Nothing was changed.',
    'zh-CN': 'Andon：异常单 {code} 没有可通过短信决定的任务，请使用消息中的链接。未做任何更改。',
  },
  smsBadOption: {
    en: 'Andon: case {code}: choose 1 to {n}: {options}. Nothing was changed.',
    'zh-CN': 'Andon：异常单 {code}：请选择 1 到 {n}：{options}。未做任何更改。',
  },
  smsNeedsFields: {
    en: 'Andon: "{label}" needs details ({fields}); use the link in the message. Nothing was changed.',
    'zh-CN': 'Andon：“{label}”需要填写详细信息（{fields}），请使用消息中的链接。未做任何更改。',
  },
  smsRefused: {
    en: 'Andon: case {code}: not done: {message}',
    'zh-CN': 'Andon：异常单 {code}：无法执行：{message}',
  },
  smsBadText: {
    en: 'Andon: your message has characters Andon cannot keep ({message}). Please send it again as plain text. Nothing was changed.',
    'zh-CN': 'Andon：您的短信包含无法保存的字符（{message}），请以纯文本重新发送。未做任何更改。',
  },
  smsUnavailable: {
    en: 'Andon is busy; nothing was changed. Please send it again in a minute.',
    'zh-CN': 'Andon 暂时繁忙，未做任何更改，请稍后重发。',
  },
  smsUnconfirmed: {
    en: 'Andon: case {code}: no answer in time; it may still be done. Check before sending it again.',
    'zh-CN': 'Andon：异常单 {code}：未能及时得到答复，操作可能仍会完成，请确认后再重发。',
  },
} as const satisfies Record<string, Record<Lang, string>>;

export type StringKey = keyof typeof STRINGS;

/** The string in `lang`, with `{name}` filled from `vars`. */
export function t(lang: Lang, key: StringKey, vars: Record<string, string | number> = {}): string {
  const s: string = STRINGS[key][lang];
  return s.includes('{') ? s.replace(/\{(\w+)\}/g, (m, k: string) => String(vars[k] ?? m)) : s;
}

/** Both languages at once, for a page or a reply to someone Andon does not know. */
export const bilingual = (
  key: StringKey,
  vars: Record<string, string | number> = {},
  separator = ' / ',
): string => LANGS.map((l) => t(l, key, vars)).join(separator);

/** Why an action was not done, in words (web forms and action links; SMS words it its own way). */
export function refusalText(lang: Lang, o: Refusal): string {
  switch (o.kind) {
    case 'invalid':
      return `${t(lang, 'badInput')}: ${o.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`;
    case 'not_found':
      return t(lang, 'caseMissing', { id: o.caseId });
    case 'not_started':
      return t(lang, 'notStarted', { id: o.record.id });
    case 'not_assignee':
      return t(lang, 'notAssignee');
    case 'refused':
      return `${t(lang, 'linkRefused')} ${o.reason}`;
    case 'finished':
      return t(lang, 'caseFinished', { id: o.record.id, status: o.record.status });
    case 'unavailable':
      return t(lang, o.changed === 'no' ? 'unreachable' : 'unconfirmed');
  }
}

/** ?lang=… (remembered in a cookie), else the signed-in person's locale, else Accept-Language. */
export function langOf(req: Request, personLocale?: Lang): Lang {
  const q = typeof req.query.lang === 'string' ? req.query.lang : undefined;
  if (q === 'en' || q === 'zh-CN') return q;
  const cookie = /(?:^|;\s*)andon_lang=(en|zh-CN)/.exec(req.get('cookie') ?? '')?.[1] as Lang | undefined;
  if (cookie) return cookie;
  if (personLocale) return personLocale;
  return req.acceptsLanguages('zh-CN', 'zh', 'en') === 'en' || !req.acceptsLanguages('zh-CN', 'zh')
    ? 'en'
    : 'zh-CN';
}
