/**
 * How the codes people read on pages are named in each language: severities, case and task
 * statuses, job and API roles, notification statuses and channels. `Record<…>` over each code list
 * makes a code without its words a type error, so a new status cannot reach a page untranslated.
 * (Exception types are named in ./model.ts, SOP texts in ./messages.ts.)
 */
import type {
  ApiRole,
  CaseStatus,
  Channel,
  ChatProvider,
  JobRole,
  Locale,
  NotificationStatus,
  Severity,
  TaskStatus,
} from './model.js';

export type Words = Record<Locale, string>;

export const SEVERITY_LABELS: Record<Severity, Words> = {
  low: { en: 'low', 'zh-CN': '低' },
  medium: { en: 'medium', 'zh-CN': '中' },
  high: { en: 'high', 'zh-CN': '高' },
  critical: { en: 'critical', 'zh-CN': '紧急' },
};

export const CASE_STATUS_LABELS: Record<CaseStatus, Words> = {
  pending_start: { en: 'starting', 'zh-CN': '启动中' },
  open: { en: 'open', 'zh-CN': '待响应' },
  acknowledged: { en: 'acknowledged', 'zh-CN': '已响应' },
  resolved: { en: 'resolved', 'zh-CN': '已解决' },
  closed: { en: 'closed', 'zh-CN': '已关闭' },
  cancelled: { en: 'cancelled', 'zh-CN': '已取消' },
};

export const TASK_STATUS_LABELS: Record<TaskStatus, Words> = {
  open: { en: 'open', 'zh-CN': '待响应' },
  acked: { en: 'acknowledged', 'zh-CN': '已响应' },
  done: { en: 'done', 'zh-CN': '已完成' },
  cancelled: { en: 'cancelled', 'zh-CN': '已取消' },
};

export const JOB_ROLE_LABELS: Record<JobRole, Words> = {
  purchasing: { en: 'purchasing', 'zh-CN': '采购' },
  dispatcher: { en: 'dispatcher', 'zh-CN': '物料调度' },
  maintenance: { en: 'maintenance', 'zh-CN': '设备维修' },
  qc_engineer: { en: 'QC engineer', 'zh-CN': '质量工程师' },
  planner: { en: 'planner', 'zh-CN': '计划员' },
  customer_service: { en: 'customer service', 'zh-CN': '客服' },
  supervisor: { en: 'supervisor', 'zh-CN': '班组长' },
  plant_manager: { en: 'plant manager', 'zh-CN': '厂长' },
};

export const API_ROLE_LABELS: Record<ApiRole, Words> = {
  mes: { en: 'MES', 'zh-CN': 'MES 系统' },
  staff: { en: 'staff', 'zh-CN': '员工' },
  supervisor: { en: 'supervisor', 'zh-CN': '主管' },
  admin: { en: 'admin', 'zh-CN': '管理员' },
};

export const NOTIFICATION_STATUS_LABELS: Record<NotificationStatus, Words> = {
  queued: { en: 'queued', 'zh-CN': '排队中' },
  sent: { en: 'sent', 'zh-CN': '已发送' },
  delivered: { en: 'delivered', 'zh-CN': '已送达' },
  failed: { en: 'failed', 'zh-CN': '发送失败' },
};

export const CHANNEL_LABELS: Record<Channel | ChatProvider, Words> = {
  email: { en: 'email', 'zh-CN': '邮件' },
  sms: { en: 'SMS', 'zh-CN': '短信' },
  dingtalk: { en: 'DingTalk', 'zh-CN': '钉钉' },
  wecom: { en: 'WeCom', 'zh-CN': '企业微信' },
  feishu: { en: 'Feishu', 'zh-CN': '飞书' },
  slack: { en: 'Slack', 'zh-CN': 'Slack' },
  teams: { en: 'Teams', 'zh-CN': 'Teams' },
};

/** The words for a code read from the database or a workflow, or the code itself if it is unknown. */
export function label<K extends string>(labels: Record<K, Words>, code: string, locale: Locale): string {
  return (labels as Record<string, Words | undefined>)[code]?.[locale] ?? code;
}
