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
} as const satisfies Record<string, Record<Lang, string>>;

export type FloorKey = keyof typeof STRINGS;

export function tx(lang: Lang, key: FloorKey, vars: Record<string, string | number> = {}): string {
  const s: string = STRINGS[key][lang];
  return s.includes('{') ? s.replace(/\{(\w+)\}/g, (m, k: string) => String(vars[k] ?? m)) : s;
}
