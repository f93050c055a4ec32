/**
 * The strings of the shop-floor views (andon wall screen, dashboards, search, case timeline
 * sentences, admin editors), in English and Simplified Chinese. Kept beside i18n.ts so the two
 * grow without stepping on each other; `{name}` marks a value filled in by `tx(lang, key, vars)`.
 */
import type { Lang } from './i18n.js';

const STRINGS = {
  // ── andon wall screen ──────────────────────────────────────────────────────────────────────
  andon: { en: 'Andon', 'zh-CN': '安灯' },
  andonBoard: { en: 'Andon board', 'zh-CN': '安灯看板' },
  lineLevel: { en: 'Line', 'zh-CN': '整线' },
  allClear: { en: 'Running', 'zh-CN': '正常' },
  colour_red: { en: 'Escalated', 'zh-CN': '已升级' },
  colour_amber: { en: 'Open', 'zh-CN': '处理中' },
  colour_blue: { en: 'Waiting', 'zh-CN': '等待中' },
  colour_green: { en: 'Running', 'zh-CN': '正常' },
  waiting_material: { en: 'Waiting for material', 'zh-CN': '等待物料' },
  waiting_erp: { en: 'Waiting for ERP', 'zh-CN': '等待 ERP' },
  statusOpen: { en: 'Not acknowledged', 'zh-CN': '未响应' },
  statusAcked: { en: 'Acknowledged', 'zh-CN': '已响应' },
  statusResolved: { en: 'Resolved', 'zh-CN': '已解决' },
  statusPending: { en: 'Starting', 'zh-CN': '启动中' },
  slaBreached: { en: 'SLA breached', 'zh-CN': '已超时' },
  down: { en: 'Down', 'zh-CN': '停机' },
  slaLeft: { en: 'SLA', 'zh-CN': '剩余' },
  onIt: { en: 'On it', 'zh-CN': '处理人' },
  nobodyYet: { en: 'nobody yet', 'zh-CN': '暂无' },
  moreCases: { en: '+{n} more', 'zh-CN': '另有 {n} 项' },
  displayRevoked: {
    en: 'This screen’s display token is not valid (revoked or unknown). Ask an admin for a new link.',
    'zh-CN': '此屏幕的显示令牌无效（已撤销或不存在），请向管理员索取新链接。',
  },
  displayNeedsToken: {
    en: 'Open this screen with its display link (/andon?token=…), or sign in.',
    'zh-CN': '请使用显示链接（/andon?token=…）打开此屏幕，或先登录。',
  },
  offline: { en: 'Connection lost — reconnecting…', 'zh-CN': '连接中断，正在重连…' },
  noLines: { en: 'No lines yet.', 'zh-CN': '暂无产线。' },

  // ── dashboards ──────────────────────────────────────────────────────────────────────────────
  dashboards: { en: 'Dashboards', 'zh-CN': '仪表板' },
  filters: { en: 'Filters', 'zh-CN': '筛选' },
  apply: { en: 'Apply', 'zh-CN': '应用' },
  period: { en: 'Period', 'zh-CN': '期间' },
  lastDays: { en: 'last {n} days', 'zh-CN': '最近 {n} 天' },
  from: { en: 'From', 'zh-CN': '从' },
  to: { en: 'To', 'zh-CN': '到' },
  grain: { en: 'By', 'zh-CN': '粒度' },
  grain_day: { en: 'day', 'zh-CN': '按日' },
  grain_week: { en: 'week', 'zh-CN': '按周' },
  grain_month: { en: 'month', 'zh-CN': '按月' },
  any: { en: 'any', 'zh-CN': '全部' },
  shift: { en: 'Shift', 'zh-CN': '班次' },
  noShift: { en: '(no shift)', 'zh-CN': '（无班次）' },
  noData: { en: 'No data for these filters.', 'zh-CN': '当前筛选条件下没有数据。' },
  numbers: { en: 'The numbers', 'zh-CN': '数据表' },
  downloadCsv: { en: 'Download CSV', 'zh-CN': '下载 CSV' },
  chart_trend: { en: 'MTTA and MTTR', 'zh-CN': '平均响应与解决时间' },
  chart_closure: { en: 'Time to close (p50, p90)', 'zh-CN': '关闭时间（p50、p90）' },
  chart_sla: { en: 'SLA breach rate', 'zh-CN': 'SLA 超时率' },
  chart_reasons: { en: 'Pareto of reason codes', 'zh-CN': '原因代码帕累托图' },
  chart_equipment: { en: 'Pareto of equipment', 'zh-CN': '设备帕累托图' },
  chart_downtime: { en: 'Downtime minutes by line and type', 'zh-CN': '各产线各类型停机分钟' },
  chart_heatmap: { en: 'Cases by line and shift', 'zh-CN': '各产线各班次异常数' },
  chart_age: { en: 'Open cases by age', 'zh-CN': '未关闭异常的时长分布' },
  col_period: { en: 'Period', 'zh-CN': '期间' },
  col_cases: { en: 'Cases', 'zh-CN': '异常数' },
  col_closed: { en: 'Closed', 'zh-CN': '已关闭' },
  col_breached: { en: 'SLA breached', 'zh-CN': 'SLA 超时' },
  col_rate: { en: 'Breach rate (%)', 'zh-CN': '超时率（%）' },
  col_mtta: { en: 'MTTA (min)', 'zh-CN': '平均响应（分钟）' },
  col_mttr: { en: 'MTTR (min)', 'zh-CN': '平均解决（分钟）' },
  col_p50: { en: 'Closure p50 (min)', 'zh-CN': '关闭 p50（分钟）' },
  col_p90: { en: 'Closure p90 (min)', 'zh-CN': '关闭 p90（分钟）' },
  col_reason: { en: 'Reason code', 'zh-CN': '原因代码' },
  col_equipment: { en: 'Equipment', 'zh-CN': '设备' },
  col_cumulative: { en: 'Cumulative (%)', 'zh-CN': '累计（%）' },
  col_line: { en: 'Line', 'zh-CN': '产线' },
  col_type: { en: 'Type', 'zh-CN': '类型' },
  col_minutes: { en: 'Downtime (min)', 'zh-CN': '停机（分钟）' },
  col_shift: { en: 'Shift', 'zh-CN': '班次' },
  col_age: { en: 'Open for', 'zh-CN': '已持续' },
  minutes: { en: 'min', 'zh-CN': '分钟' },
  hours: { en: 'h', 'zh-CN': '小时' },
} as const satisfies Record<string, Record<Lang, string>>;

export type FloorKey = keyof typeof STRINGS;

export function tx(lang: Lang, key: FloorKey, vars: Record<string, string | number> = {}): string {
  const s: string = STRINGS[key][lang];
  return s.includes('{') ? s.replace(/\{(\w+)\}/g, (m, k: string) => String(vars[k] ?? m)) : s;
}
