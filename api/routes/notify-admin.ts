/**
 * Notification configuration (admin): group channels (chat robots), stakeholder subscriptions and
 * message templates with their preview. A group channel's webhook URL and secret are taken once and
 * never shown again in full (the URL is masked, the secret only said to exist).
 */
import { Router } from 'express';
import { getCase } from '../../db/cases.js';
import type { Db } from '../../db/index.js';
import {
  createGroupChannel,
  deleteGroupChannel,
  getGroupChannelRecord,
  groupChannelForSending,
  groupChannelNameTaken,
  listGroupChannels,
  updateGroupChannel,
} from '../../db/group-channels.js';
import { getPerson } from '../../db/people.js';
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  updateSubscription,
} from '../../db/subscriptions.js';
import { currentTask } from '../../db/tasks.js';
import { getTemplate, listTemplates, resetTemplate, saveTemplate, templateText } from '../../db/templates.js';
import {
  groupChannelBody,
  groupChannelParams,
  groupChannelUpdate,
  previewBody,
  subscriptionBody,
  subscriptionParams,
  templateBody,
  templateParams,
  webhookProblem,
  type SubscriptionBody,
} from '../../domain/contracts/notify.js';
import type { ChatCard } from '../../domain/chat-card.js';
import { DEFAULT_RESPONSIBLE_ROLE, type ChatProvider, type Locale } from '../../domain/model.js';
import { checkTemplate, type TemplateKey, type TemplateText } from '../../domain/templates.js';
import {
  BUTTONS,
  caseUrlOf,
  fyiView,
  pageView,
  renderChat,
  renderMail,
  renderSms,
} from '../../lib/message-render.js';
import { SecretUnreadable, type SecretBox } from '../../lib/secret-box.js';
import { audit } from '../audit.js';
import { requireRole } from '../auth.js';
import { conflict, invalid, notFound, parse, type HttpProblem } from '../problem.js';

export interface NotifyAdminDeps {
  db: Db;
  /** Seals group channels' webhook URLs and secrets (and opens them to mask and check). */
  secrets: SecretBox;
  /** Base URL of the case links in previews. */
  publicUrl?: () => string;
  /** Origins allowed for webhook URLs besides the providers' own (ANDON_CHAT_WEBHOOK_ORIGINS). */
  chatWebhookOrigins?: readonly string[];
  /** Posts a chat card to a channel; without it there is no "send test message". */
  sendChat?: SendChat;
}

/** Posts a card to a provider's webhook (activities/notify/chat/client.ts, wired by lib/services.ts). */
export type SendChat = (
  target: { provider: ChatProvider; webhookUrl: string; secret: string | null },
  card: ChatCard,
) => Promise<{ providerId: string | null }>;

const TEST_CARD: Record<Locale, (name: string) => ChatCard> = {
  en: (name) => ({
    title: 'Andon test message',
    lines: [`Andon can post to the group channel "${name}": pages and notices will arrive here.`],
    buttons: [],
    tone: 'info',
  }),
  'zh-CN': (name) => ({
    title: 'Andon 测试消息',
    lines: [`Andon 可以向群通道“${name}”发送消息：异常呼叫和通知将发到这里。`],
    buttons: [],
    tone: 'info',
  }),
};

const bad = (field: string, message: string): HttpProblem => invalid([{ field, message }]);

export function notifyAdminRoutes(deps: NotifyAdminDeps): Router {
  const { db, secrets } = deps;
  const origins = deps.chatWebhookOrigins ?? [];
  const publicUrl = deps.publicUrl ?? (() => 'http://localhost:3000');
  const r = Router();

  // ── group channels ──────────────────────────────────────────────────────────────────────
  r.get('/group-channels', requireRole('admin'), async (_req, res) => {
    res.json({ groupChannels: await listGroupChannels(db, secrets) });
  });

  r.get('/group-channels/:id', requireRole('admin'), async (req, res) => {
    const { id } = parse(groupChannelParams, req.params, 'path');
    const found = await getGroupChannelRecord(db, secrets, id);
    if (!found) throw notFound(`group channel ${id}`);
    res.json(found);
  });

  r.post('/group-channels', requireRole('admin'), async (req, res) => {
    const b = parse(groupChannelBody, req.body ?? {}, 'body');
    const problem = webhookProblem(b.provider, b.webhookUrl, origins);
    if (problem) throw bad('webhookUrl', problem);
    if (b.secret && (b.provider === 'wecom' || b.provider === 'slack' || b.provider === 'teams'))
      throw bad('secret', `a ${b.provider} webhook is not signed: leave the secret out`);
    if (await groupChannelNameTaken(db, b.name)) throw conflict(`a group channel named ${b.name} exists`);
    const id = await createGroupChannel(db, secrets, { ...b, secret: b.secret ?? null });
    const after = await getGroupChannelRecord(db, secrets, id);
    await audit(db, req, { action: 'group_channel.create', entity: 'group_channel', entityId: id, after });
    res.status(201).location(`/api/v1/group-channels/${id}`).json(after);
  });

  /** The stored channel to check an update against; its URL must be readable unless a new one comes. */
  async function storedChannel(
    id: number,
    needUrl: boolean,
  ): Promise<{ provider: ChatProvider; webhookUrl: string }> {
    try {
      const stored = await groupChannelForSending(db, secrets, id);
      if (!stored) throw notFound(`group channel ${id}`);
      return stored;
    } catch (err) {
      if (!(err instanceof SecretUnreadable)) throw err;
      const record = await getGroupChannelRecord(db, secrets, id);
      if (!record) throw notFound(`group channel ${id}`);
      if (needUrl)
        throw bad(
          'webhookUrl',
          'the stored URL cannot be decrypted (ANDON_SECRETS_KEY changed): give it again',
        );
      return { provider: record.provider, webhookUrl: '' };
    }
  }

  r.post('/group-channels/:id/test', requireRole('admin'), async (req, res) => {
    const { id } = parse(groupChannelParams, req.params, 'path');
    const send = deps.sendChat;
    if (!send) throw conflict('this API cannot post to chat webhooks (no chat sender configured)');
    let channel;
    try {
      channel = await groupChannelForSending(db, secrets, id);
    } catch (err) {
      if (err instanceof SecretUnreadable) throw conflict(err.message);
      throw err;
    }
    if (!channel) throw notFound(`group channel ${id}`);
    const target = { provider: channel.provider, webhookUrl: channel.webhookUrl, secret: channel.secret };
    const answer = await send(target, TEST_CARD[channel.locale](channel.name)).then(
      (sent) => ({ delivered: true, providerId: sent.providerId, error: null }),
      // The sender's errors name the provider and its answer, never the URL (it carries the token).
      (err: unknown) => ({
        delivered: false,
        providerId: null,
        error: err instanceof Error ? err.message : String(err),
      }),
    );
    await audit(db, req, {
      action: 'group_channel.test',
      entity: 'group_channel',
      entityId: id,
      after: { delivered: answer.delivered, error: answer.error },
    });
    res.json(answer);
  });

  r.put('/group-channels/:id', requireRole('admin'), async (req, res) => {
    const { id } = parse(groupChannelParams, req.params, 'path');
    const b = parse(groupChannelUpdate, req.body ?? {}, 'body');
    const stored = await storedChannel(id, b.webhookUrl === undefined);
    const provider = b.provider ?? stored.provider;
    if (b.provider !== undefined && b.provider !== stored.provider && b.webhookUrl === undefined)
      throw bad('webhookUrl', 'a new provider needs its webhook URL');
    const problem = webhookProblem(provider, b.webhookUrl ?? stored.webhookUrl, origins);
    if (problem) throw bad('webhookUrl', problem);
    if (await groupChannelNameTaken(db, b.name, id)) throw conflict(`a group channel named ${b.name} exists`);
    const before = await getGroupChannelRecord(db, secrets, id);
    await updateGroupChannel(db, secrets, id, b);
    const after = await getGroupChannelRecord(db, secrets, id);
    await audit(db, req, {
      action: 'group_channel.update',
      entity: 'group_channel',
      entityId: id,
      before,
      after,
    });
    res.json(after);
  });

  r.delete('/group-channels/:id', requireRole('admin'), async (req, res) => {
    const { id } = parse(groupChannelParams, req.params, 'path');
    const before = await getGroupChannelRecord(db, secrets, id);
    if (!(await deleteGroupChannel(db, id))) throw notFound(`group channel ${id}`);
    await audit(db, req, { action: 'group_channel.delete', entity: 'group_channel', entityId: id, before });
    res.status(204).end();
  });

  // ── subscriptions ───────────────────────────────────────────────────────────────────────
  const checkTarget = async (b: SubscriptionBody): Promise<void> => {
    const t = b.target;
    if (t.kind === 'person' && !(await getPerson(db, t.personId)))
      throw bad('target.personId', `no person ${t.personId}`);
    if (t.kind === 'group' && !(await getGroupChannelRecord(db, secrets, t.groupChannelId)))
      throw bad('target.groupChannelId', `no group channel ${t.groupChannelId}`);
  };

  r.get('/subscriptions', requireRole('admin'), async (_req, res) => {
    res.json({ subscriptions: await listSubscriptions(db) });
  });

  r.get('/subscriptions/:id', requireRole('admin'), async (req, res) => {
    const { id } = parse(subscriptionParams, req.params, 'path');
    const found = await getSubscription(db, id);
    if (!found) throw notFound(`subscription ${id}`);
    res.json(found);
  });

  r.post('/subscriptions', requireRole('admin'), async (req, res) => {
    const b = parse(subscriptionBody, req.body ?? {}, 'body');
    await checkTarget(b);
    const id = await createSubscription(db, b);
    const after = await getSubscription(db, id);
    await audit(db, req, { action: 'subscription.create', entity: 'subscription', entityId: id, after });
    res.status(201).location(`/api/v1/subscriptions/${id}`).json(after);
  });

  r.put('/subscriptions/:id', requireRole('admin'), async (req, res) => {
    const { id } = parse(subscriptionParams, req.params, 'path');
    const b = parse(subscriptionBody, req.body ?? {}, 'body');
    await checkTarget(b);
    const before = await getSubscription(db, id);
    if (!(await updateSubscription(db, id, b))) throw notFound(`subscription ${id}`);
    const after = await getSubscription(db, id);
    await audit(db, req, {
      action: 'subscription.update',
      entity: 'subscription',
      entityId: id,
      before,
      after,
    });
    res.json(after);
  });

  r.delete('/subscriptions/:id', requireRole('admin'), async (req, res) => {
    const { id } = parse(subscriptionParams, req.params, 'path');
    const before = await getSubscription(db, id);
    if (!(await deleteSubscription(db, id))) throw notFound(`subscription ${id}`);
    await audit(db, req, { action: 'subscription.delete', entity: 'subscription', entityId: id, before });
    res.status(204).end();
  });

  // ── message templates ───────────────────────────────────────────────────────────────────
  const checked = (key: TemplateKey, t: TemplateText): TemplateText => {
    const problems = checkTemplate(key, t);
    if (problems.length > 0) throw invalid(problems);
    return t;
  };

  r.get('/message-templates', requireRole('admin'), async (_req, res) => {
    res.json({ templates: await listTemplates(db) });
  });

  r.get('/message-templates/:key/:locale', requireRole('admin'), async (req, res) => {
    const { key, locale } = parse(templateParams, req.params, 'path');
    res.json(await getTemplate(db, key, locale));
  });

  r.put('/message-templates/:key/:locale', requireRole('admin'), async (req, res) => {
    const { key, locale } = parse(templateParams, req.params, 'path');
    const b = parse(templateBody, req.body ?? {}, 'body');
    const before = await getTemplate(db, key, locale);
    const after = await saveTemplate(db, key, locale, checked(key, b));
    await audit(db, req, {
      action: 'template.update',
      entity: 'template',
      entityId: `${key}/${locale}`,
      before,
      after,
    });
    res.json(after);
  });

  /** Brings back Andon's default text. */
  r.delete('/message-templates/:key/:locale', requireRole('admin'), async (req, res) => {
    const { key, locale } = parse(templateParams, req.params, 'path');
    const before = await getTemplate(db, key, locale);
    const after = await resetTemplate(db, key, locale);
    await audit(db, req, {
      action: 'template.reset',
      entity: 'template',
      entityId: `${key}/${locale}`,
      before,
      after,
    });
    res.json(after);
  });

  r.post('/message-templates/:key/:locale/preview', requireRole('admin'), async (req, res) => {
    const { key, locale } = parse(templateParams, req.params, 'path');
    const b = parse(previewBody, req.body ?? {}, 'body');
    const stored = await templateText(db, key, locale);
    const t = checked(key, {
      subject: b.subject !== undefined ? b.subject : stored.subject,
      body: b.body ?? stored.body,
    });
    const record = await getCase(db, b.caseId);
    if (!record) throw bad('caseId', `no case ${b.caseId}`);
    res.json(await preview(db, key, locale, t, record, caseUrlOf(publicUrl(), record.id)));
  });

  return r;
}

type CaseRecord = NonNullable<Awaited<ReturnType<typeof getCase>>>;

/** A template rendered for a case as its first page (or an acknowledgement) would be. */
async function preview(
  db: Db,
  key: TemplateKey,
  locale: Locale,
  t: TemplateText,
  c: CaseRecord,
  caseUrl: string,
): Promise<Record<string, unknown>> {
  const base = { ...c, caseId: c.id, caseUrl };
  const name = locale === 'zh-CN' ? '（预览）' : '(preview)';
  const exampleLink = `${caseUrl.replace(/\/api\/v1\/cases\/\d+$/, '')}/a/preview`;
  const out = (v: object): Record<string, unknown> => ({ key, locale, ...v });
  if (key.startsWith('fyi.')) {
    const view = fyiView(locale, {
      ...base,
      event: 'acknowledged',
      by: name,
      text: null,
      recipientName: name,
    });
    if (key === 'fyi.mail') return out(renderMail(t, view, locale));
    if (key === 'fyi.sms') return out(renderSms(t, view));
    return out({ card: renderChat(t, view, [{ label: BUTTONS[locale].openCase, url: caseUrl }], 'info') });
  }
  const task = await currentTask(db, c.id);
  const view = pageView(locale, {
    ...base,
    role: task?.role ?? DEFAULT_RESPONSIBLE_ROLE[c.type],
    level: 0,
    escalated: false,
    reason: 'opened',
    ask: task?.title ?? null,
    askRef: task?.titleRef ?? null,
    ackDeadline: new Date(Date.now() + 15 * 60_000).toISOString(),
    recipientName: name,
    actionUrl: key === 'page.chat' ? null : exampleLink,
    options: task?.options ?? [],
    people: [name],
  });
  if (key === 'page.mail') return out(renderMail(t, view, locale, exampleLink));
  if (key === 'page.sms') return out(renderSms(t, view));
  return out({
    card: renderChat(
      t,
      view,
      [
        { label: BUTTONS[locale].actAs(name), url: exampleLink },
        { label: BUTTONS[locale].openCase, url: caseUrl },
      ],
      'alert',
    ),
  });
}
