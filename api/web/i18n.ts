/** UI strings in English and Simplified Chinese. */
import type { Request } from 'express';

export const LANGS = ['en', 'zh-CN'] as const;
export type Lang = (typeof LANGS)[number];

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
  skip: { en: 'Skip to content', 'zh-CN': '跳到内容' },
  timesIn: { en: 'Times are shown in', 'zh-CN': '时间时区：' },
  staff: { en: 'staff', 'zh-CN': '员工' },
  supervisor: { en: 'supervisor', 'zh-CN': '主管' },
  openCases: { en: 'Open cases', 'zh-CN': '未关闭异常' },
  noOpenCases: { en: 'No open cases. 🎉', 'zh-CN': '没有未关闭的异常。🎉' },
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
  mail: { en: 'Mail caught in-process', 'zh-CN': '本地捕获的邮件' },
  sms: { en: 'SMS recorded in-process', 'zh-CN': '本地记录的短信' },
  noCatcher: {
    en: 'A real SMTP server / SMS provider is configured: messages are not kept here. See each case’s notifications.',
    'zh-CN': '已配置真实的邮件/短信服务：此处不保存消息，请查看各异常单的通知记录。',
  },
  nothing: { en: 'Nothing yet.', 'zh-CN': '暂无。' },
  forbidden: { en: 'You may not do this.', 'zh-CN': '您没有权限执行此操作。' },
  notFound: { en: 'Not found.', 'zh-CN': '未找到。' },
} as const satisfies Record<string, Record<Lang, string>>;

export type StringKey = keyof typeof STRINGS;

export function t(lang: Lang, key: StringKey): string {
  return STRINGS[key][lang];
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
