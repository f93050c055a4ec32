/**
 * The strings of the accounts pages (users, API keys, audit log, setting a password), in English
 * and Simplified Chinese. Kept apart from i18n.ts so these pages can grow on their own.
 */
import type { Lang } from './i18n.js';

const STRINGS = {
  users: { en: 'Users', 'zh-CN': '用户' },
  apiKeys: { en: 'API keys', 'zh-CN': 'API 密钥' },
  auditLog: { en: 'Audit log', 'zh-CN': '审计日志' },
  accounts: { en: 'Accounts', 'zh-CN': '账号' },
  name: { en: 'Name', 'zh-CN': '姓名' },
  email: { en: 'Email', 'zh-CN': '邮箱' },
  language: { en: 'Language', 'zh-CN': '语言' },
  role: { en: 'Role', 'zh-CN': '角色' },
  status: { en: 'Status', 'zh-CN': '状态' },
  lastSignIn: { en: 'Last sign-in', 'zh-CN': '最近登录' },
  active: { en: 'active', 'zh-CN': '启用' },
  inactive: { en: 'deactivated', 'zh-CN': '已停用' },
  lockedUntil: { en: 'locked until {at}', 'zh-CN': '锁定至 {at}' },
  noPassword: { en: 'no password yet', 'zh-CN': '尚未设置密码' },
  linkPending: { en: '{purpose} link valid until {at}', 'zh-CN': '{purpose}链接有效期至 {at}' },
  invite: { en: 'Invite', 'zh-CN': '邀请' },
  reset: { en: 'Reset password', 'zh-CN': '重置密码' },
  deactivate: { en: 'Deactivate', 'zh-CN': '停用' },
  activate: { en: 'Activate', 'zh-CN': '启用' },
  unlock: { en: 'Unlock', 'zh-CN': '解锁' },
  setRole: { en: 'Set role', 'zh-CN': '设置角色' },
  addUser: { en: 'Add a user', 'zh-CN': '添加用户' },
  add: { en: 'Add and invite', 'zh-CN': '添加并邀请' },
  linkMade: {
    en: 'Give {name} this link to set a password. It works once, until {at}, and is not shown again:',
    'zh-CN': '请把此链接交给 {name} 以设置密码。链接只能使用一次，有效期至 {at}，之后不再显示：',
  },
  resetNote: {
    en: 'Resetting ends the current password and every session at once.',
    'zh-CN': '重置会立即使当前密码和所有会话失效。',
  },
  keyName: { en: 'Name (who or what uses it)', 'zh-CN': '名称（谁或什么系统使用）' },
  prefix: { en: 'Starts with', 'zh-CN': '前缀' },
  created: { en: 'Created', 'zh-CN': '创建' },
  createdBy: { en: 'by', 'zh-CN': '创建者' },
  lastUsed: { en: 'Last used', 'zh-CN': '最近使用' },
  expires: { en: 'expires {at}', 'zh-CN': '{at} 失效' },
  revoked: { en: 'revoked {at}', 'zh-CN': '已于 {at} 吊销' },
  issueKey: { en: 'Issue a key', 'zh-CN': '签发密钥' },
  issue: { en: 'Issue', 'zh-CN': '签发' },
  rotate: { en: 'Rotate', 'zh-CN': '轮换' },
  revoke: { en: 'Revoke', 'zh-CN': '吊销' },
  overlap: { en: 'old key keeps working for (seconds)', 'zh-CN': '旧密钥继续有效（秒）' },
  keyMade: {
    en: 'The new key for {name}. Copy it now: it is shown only this once.',
    'zh-CN': '{name} 的新密钥。请立即复制：它只显示这一次。',
  },
  when: { en: 'When', 'zh-CN': '时间' },
  who: { en: 'Who', 'zh-CN': '操作人' },
  what: { en: 'What', 'zh-CN': '操作' },
  record: { en: 'Record', 'zh-CN': '对象' },
  change: { en: 'Before → after', 'zh-CN': '变更前 → 变更后' },
  older: { en: 'Older entries', 'zh-CN': '更早的记录' },
  setPassword: { en: 'Set your password', 'zh-CN': '设置密码' },
  setPasswordFor: { en: 'Choose a password for {email}.', 'zh-CN': '为 {email} 设置密码。' },
  newPassword: { en: 'New password (10 characters or more)', 'zh-CN': '新密码（至少 10 个字符）' },
  repeatPassword: { en: 'The same again', 'zh-CN': '再次输入' },
  save: { en: 'Save', 'zh-CN': '保存' },
  mismatch: { en: 'The two passwords differ.', 'zh-CN': '两次输入的密码不一致。' },
  tooShort: { en: 'Use 10 characters or more.', 'zh-CN': '请至少使用 10 个字符。' },
  linkGone: {
    en: 'This link is used, expired or replaced by a newer one. Ask an administrator for a new link.',
    'zh-CN': '此链接已使用、已过期或已被新链接取代。请向管理员索取新链接。',
  },
  passwordSaved: {
    en: 'Your password is set. Sign in with your email and the new password.',
    'zh-CN': '密码已设置。请用邮箱和新密码登录。',
  },
  notFound: { en: 'Not found.', 'zh-CN': '未找到。' },
} as const satisfies Record<string, Record<Lang, string>>;

export type AccountStringKey = keyof typeof STRINGS;

export function ta(lang: Lang, key: AccountStringKey, vars: Record<string, string | number> = {}): string {
  const s: string = STRINGS[key][lang];
  return s.includes('{') ? s.replace(/\{(\w+)\}/g, (m, k: string) => String(vars[k] ?? m)) : s;
}
