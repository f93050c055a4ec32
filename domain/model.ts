/**
 * The Andon domain vocabulary: one place for case states, event types, exception types,
 * severities and roles. Pure data and types only — imported by workflows, activities and the API.
 */

export const EXCEPTION_TYPES = [
  'material_shortage',
  'equipment_fault',
  'quality_failure',
  'order_delay',
] as const;
export type ExceptionType = (typeof EXCEPTION_TYPES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Lifecycle of a case. `pending_start` means accepted but its workflow has not started yet. */
export const CASE_STATUSES = [
  'pending_start',
  'open',
  'acknowledged',
  'resolved',
  'closed',
  'cancelled',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which the case still needs someone to act. */
export const ACTIVE_STATUSES: readonly CaseStatus[] = ['pending_start', 'open', 'acknowledged', 'resolved'];

/** Timeline event types (append-only `case_events.type`). */
export const EVENT_TYPES = [
  'opened',
  'sop_step',
  'erp_document',
  'task_opened',
  'notified',
  'notification_failed',
  'notification_delivered',
  'sms_received',
  'escalated',
  'escalation_skipped',
  'acked',
  'eta_set',
  'eta_missed',
  'decision',
  'sla_breached',
  'comment',
  'reassigned',
  'mes_event',
  'linked_case_opened',
  'sop_failed',
  'resolved',
  'closed',
  'cancelled',
  'reopened',
  'webhook_delivered',
  'webhook_failed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** API key roles. They nest: admin ⊃ supervisor ⊃ staff, and admin ⊃ mes. */
export const API_ROLES = ['mes', 'staff', 'supervisor', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

const ROLE_GRANTS: Record<ApiRole, readonly ApiRole[]> = {
  admin: ['admin', 'supervisor', 'staff', 'mes'],
  supervisor: ['supervisor', 'staff'],
  staff: ['staff'],
  mes: ['mes'],
};

/** True when a key holding `held` may act where any of `allowed` is required. */
export function roleAllows(held: ApiRole, allowed: readonly ApiRole[]): boolean {
  return allowed.some((r) => ROLE_GRANTS[held].includes(r));
}

/** Job roles of plant staff: who is paged for what. */
export const JOB_ROLES = [
  'purchasing',
  'dispatcher',
  'maintenance',
  'qc_engineer',
  'planner',
  'customer_service',
  'supervisor',
  'plant_manager',
] as const;
export type JobRole = (typeof JOB_ROLES)[number];

export const CHANNELS = ['email', 'sms'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Chat robots a group channel posts through (DingTalk, WeCom, Feishu custom bots; Slack, Teams webhooks). */
export const CHAT_PROVIDERS = ['dingtalk', 'wecom', 'feishu', 'slack', 'teams'] as const;
export type ChatProvider = (typeof CHAT_PROVIDERS)[number];

/** What a stakeholder subscription can hear of. */
export const SUBSCRIPTION_EVENTS = [
  'opened',
  'escalated',
  'sla_breached',
  'acknowledged',
  'resolved',
  'closed',
] as const;
export type SubscriptionEvent = (typeof SUBSCRIPTION_EVENTS)[number];

/** The timeline event each subscription event is. */
export const SUBSCRIPTION_EVENT_TYPES: Record<SubscriptionEvent, EventType> = {
  opened: 'opened',
  escalated: 'escalated',
  sla_breached: 'sla_breached',
  acknowledged: 'acked',
  resolved: 'resolved',
  closed: 'closed',
};

/** Languages Andon writes messages in. */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * Roster overrides: `cover` replaces whoever is rostered for the role on the line for its period;
 * `on_call` is paged when nobody is rostered on the running shift.
 */
export const OVERRIDE_KINDS = ['cover', 'on_call'] as const;
export type OverrideKind = (typeof OVERRIDE_KINDS)[number];

export const NOTIFICATION_STATUSES = ['queued', 'sent', 'delivered', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export const TASK_STATUSES = ['open', 'acked', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** MES event kinds. Some clear the case, depending on its type (see each SOP's `clearingEvents`). */
export const MES_EVENT_KINDS = [
  'progress',
  'cleared',
  'material_received',
  'equipment_running',
  'back_on_track',
] as const;
export type MesEventKind = (typeof MES_EVENT_KINDS)[number];

/** What can be done with a lot that failed quality. */
export const DISPOSITIONS = ['return_to_supplier', 'rework', 'scrap', 'concession', 'recall'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** Human-readable labels, for messages. */
export const EXCEPTION_TYPE_LABELS: Record<ExceptionType, { en: string; 'zh-CN': string }> = {
  material_shortage: { en: 'Material shortage', 'zh-CN': '缺料' },
  equipment_fault: { en: 'Equipment fault', 'zh-CN': '设备故障' },
  quality_failure: { en: 'Quality failure', 'zh-CN': '质量异常' },
  order_delay: { en: 'Order delay', 'zh-CN': '订单延误' },
};

/** The job role first responsible for each exception type in the default policies. */
export const DEFAULT_RESPONSIBLE_ROLE: Record<ExceptionType, JobRole> = {
  material_shortage: 'purchasing',
  equipment_fault: 'maintenance',
  quality_failure: 'qc_engineer',
  order_delay: 'planner',
};

/** Why a page of a task goes out (names its message template: `task_<reason>`, `opened` → `task_assigned`). */
export const PAGE_REASONS = [
  'opened',
  'ack_timeout',
  'nobody_reachable',
  'repeat',
  'sla_breached',
  'eta_missed',
  'reassigned',
] as const;
export type PageReason = (typeof PAGE_REASONS)[number];
