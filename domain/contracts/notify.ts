/**
 * Group channels, stakeholder subscriptions and message templates: what an admin writes, checked
 * the one way every entry point checks (./rules.ts), and how a webhook URL must look per provider.
 */
import { z } from 'zod';
import { CHAT_PROVIDERS, LOCALES, SUBSCRIPTION_EVENTS, type ChatProvider } from '../model.js';
import { TEMPLATE_KEYS } from '../templates.js';
import { exceptionType, jobRole, severity } from './policy.js';
import { idParam, idValue, line, lineCode, note } from './rules.js';

export const chatProvider = z.enum(CHAT_PROVIDERS, {
  message: `must be one of ${CHAT_PROVIDERS.join(', ')}`,
});
export const locale = z.enum(LOCALES, { message: `must be one of ${LOCALES.join(', ')}` });

/** The official webhook of each provider: host(s), path, and the query parameter holding the token. */
const WEBHOOKS: Record<ChatProvider, { hosts: string[]; path: RegExp; token?: string; example: string }> = {
  dingtalk: {
    hosts: ['oapi.dingtalk.com'],
    path: /^\/robot\/send$/,
    token: 'access_token',
    example: 'https://oapi.dingtalk.com/robot/send?access_token=…',
  },
  wecom: {
    hosts: ['qyapi.weixin.qq.com'],
    path: /^\/cgi-bin\/webhook\/send$/,
    token: 'key',
    example: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…',
  },
  feishu: {
    hosts: ['open.feishu.cn', 'open.larksuite.com'],
    path: /^\/open-apis\/bot\/v2\/hook\/[A-Za-z0-9_.~-]+$/,
    example: 'https://open.feishu.cn/open-apis/bot/v2/hook/…',
  },
  slack: {
    hosts: ['hooks.slack.com'],
    path: /^\/services\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]+$/,
    example: 'https://hooks.slack.com/services/T…/B…/…',
  },
  // Power Automate ("Post to a channel when a webhook request is received") issues URLs on several
  // Azure hosts; any https URL is taken, its signature (`sig`) is in the query.
  teams: { hosts: [], path: /^\/.+/, example: 'https://…/workflows/…/triggers/manual/paths/invoke?…&sig=…' },
};

/**
 * Why a webhook URL cannot be a provider's, or null when it can. `extraOrigins` are origins an
 * operator allows besides the provider's own (a forward proxy, a private deployment, a test fake).
 */
export function webhookProblem(
  provider: ChatProvider,
  url: string,
  extraOrigins: readonly string[] = [],
): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `must be a URL such as ${WEBHOOKS[provider].example}`;
  }
  const w = WEBHOOKS[provider];
  const extra = extraOrigins.includes(u.origin);
  if (!extra) {
    if (u.protocol !== 'https:') return 'must be an https URL';
    if (w.hosts.length > 0 && !w.hosts.includes(u.hostname))
      return `must be a ${provider} webhook such as ${w.example}`;
  }
  if (u.username || u.password) return 'must not carry a user name or password';
  if (!w.path.test(u.pathname)) return `must be a ${provider} webhook such as ${w.example}`;
  if (w.token && !u.searchParams.get(w.token)) return `must carry its ${w.token} (${w.example})`;
  return null;
}

/**
 * A webhook URL as the API shows it after creation: the token cut to its first four characters,
 * so an admin can tell robots apart and nobody can send with it.
 */
export function maskWebhook(url: string): string {
  try {
    const u = new URL(url);
    const cut = (v: string): string => `${v.slice(0, 4)}…`;
    const path = u.pathname
      .split('/')
      .map((seg, i, all) => (i >= all.length - 2 && seg.length > 8 ? cut(seg) : seg))
      .join('/');
    const query = [...u.searchParams.keys()].map((k) => `${k}=${cut(u.searchParams.get(k) ?? '')}`);
    return `${u.origin}${path}${query.length > 0 ? `?${query.join('&')}` : ''}`;
  } catch {
    return '…';
  }
}

const secretText = z
  .string({ message: 'must be text' })
  .regex(/^[\x21-\x7e]{1,200}$/, 'must be the signing secret as the robot shows it (printable, no spaces)');

/** POST /api/v1/group-channels */
export const groupChannelBody = z.strictObject({
  name: line(100),
  provider: chatProvider,
  webhookUrl: z.string({ message: 'must be the webhook URL' }).max(2000, 'at most 2000 characters'),
  /** DingTalk "加签" (SEC…) or Feishu "签名校验" secret; null or absent: the robot signs nothing. */
  secret: secretText.nullable().optional(),
  /** The language the group reads. */
  locale: locale.default('zh-CN'),
  active: z.boolean().default(true),
});
export type GroupChannelBody = z.infer<typeof groupChannelBody>;

/** PUT /api/v1/group-channels/{id}: a URL or secret left out stays as stored (it is never shown). */
export const groupChannelUpdate = groupChannelBody.partial({ webhookUrl: true, provider: true });
export type GroupChannelUpdate = z.infer<typeof groupChannelUpdate>;

export const groupChannelParams = z.object({ id: idParam('group channel') });

/** What `POST /group-channels/{id}/test` answers: the provider's word on the test message. */
export const groupChannelTestResponse = z.object({
  delivered: z.boolean().describe('the provider accepted the test message'),
  providerId: z.string().nullable().describe('the message id the provider answered, where it gives one'),
  error: z.string().nullable().describe('what the provider (or the network) said when it was not delivered'),
});

const distinct = <T extends z.ZodType>(item: T, what: string) =>
  z
    .array(item)
    .max(50, 'at most 50')
    .refine((a) => new Set(a).size === a.length, `${what} must not repeat`);

/** Who hears: a person, everyone holding a role (on the case's line, or on one line), or a group. */
export const subscriptionTarget = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('person'), personId: idValue('person') }),
    z.strictObject({ kind: z.literal('role'), role: jobRole, line: lineCode.nullable().default(null) }),
    z.strictObject({ kind: z.literal('group'), groupChannelId: idValue('group channel') }),
  ],
  { message: 'kind must be person, role or group' },
);
export type SubscriptionTarget = z.infer<typeof subscriptionTarget>;

/** POST /api/v1/subscriptions (empty types, lines or severities: all of them). */
export const subscriptionBody = z.strictObject({
  name: line(100),
  target: subscriptionTarget,
  events: distinct(
    z.enum(SUBSCRIPTION_EVENTS, { message: `must be one of ${SUBSCRIPTION_EVENTS.join(', ')}` }),
    'events',
  ).min(1, 'at least one event'),
  types: distinct(exceptionType, 'types').default([]),
  lines: distinct(lineCode, 'lines').default([]),
  severities: distinct(severity, 'severities').default([]),
  active: z.boolean().default(true),
});
export type SubscriptionBody = z.infer<typeof subscriptionBody>;

export const subscriptionParams = z.object({ id: idParam('subscription') });

export const templateKey = z.enum(TEMPLATE_KEYS, { message: `must be one of ${TEMPLATE_KEYS.join(', ')}` });
export const templateParams = z.object({ key: templateKey, locale });

/** PUT /api/v1/message-templates/{key}/{locale} */
export const templateBody = z.strictObject({
  subject: note(500).nullable().default(null),
  body: note(8000),
});

/** POST /api/v1/message-templates/{key}/{locale}/preview: a stored or a draft template, for a case. */
export const previewBody = z.strictObject({
  caseId: idValue('case'),
  subject: note(500).nullable().optional(),
  body: note(8000).optional(),
});
