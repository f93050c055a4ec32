/**
 * Group channels: the chat robots (DingTalk, WeCom, Feishu custom bots; Slack and Teams webhooks)
 * a ladder level or a subscription posts to. The webhook URL and the signing secret are read here
 * only to send; what the API shows is `GroupChannelRecord`, with the URL masked and no secret.
 */
import { maskWebhook } from '../domain/contracts/notify.js';
import type { ChatProvider, Locale } from '../domain/model.js';
import type { Db } from './index.js';

interface Row {
  id: number;
  name: string;
  provider: ChatProvider;
  webhook_url: string;
  secret: string | null;
  locale: Locale;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

/** What the API shows of a group channel. */
export interface GroupChannelRecord {
  id: number;
  name: string;
  provider: ChatProvider;
  webhookUrl: string;
  signed: boolean;
  locale: Locale;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What sending needs (never leaves the worker). */
export interface GroupChannel {
  id: number;
  name: string;
  provider: ChatProvider;
  webhookUrl: string;
  secret: string | null;
  locale: Locale;
  active: boolean;
}

const record = (r: Row): GroupChannelRecord => ({
  id: r.id,
  name: r.name,
  provider: r.provider,
  webhookUrl: maskWebhook(r.webhook_url),
  signed: r.secret !== null,
  locale: r.locale,
  active: r.active,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

export interface GroupChannelInput {
  name: string;
  provider: ChatProvider;
  webhookUrl: string;
  secret: string | null;
  locale: Locale;
  active: boolean;
}

export async function listGroupChannels(db: Db): Promise<GroupChannelRecord[]> {
  return (await db<Row>('group_channels').orderBy('id')).map(record);
}

export async function getGroupChannelRecord(db: Db, id: number): Promise<GroupChannelRecord | null> {
  const r = await db<Row>('group_channels').where({ id }).first();
  return r ? record(r) : null;
}

/** The channel with its URL and secret, to send with. */
export async function groupChannelForSending(db: Db, id: number): Promise<GroupChannel | null> {
  const r = await db<Row>('group_channels').where({ id }).first();
  if (!r) return null;
  return {
    id: r.id,
    name: r.name,
    provider: r.provider,
    webhookUrl: r.webhook_url,
    secret: r.secret,
    locale: r.locale,
    active: r.active,
  };
}

/** Whether a channel of this name exists (other than `exceptId`). */
export async function groupChannelNameTaken(db: Db, name: string, exceptId?: number): Promise<boolean> {
  const q = db('group_channels').where({ name });
  if (exceptId !== undefined) q.whereNot({ id: exceptId });
  return (await q.first('id')) !== undefined;
}

export async function createGroupChannel(db: Db, c: GroupChannelInput): Promise<number> {
  const [row] = await db('group_channels')
    .insert({
      name: c.name,
      provider: c.provider,
      webhook_url: c.webhookUrl,
      secret: c.secret,
      locale: c.locale,
      active: c.active,
    })
    .returning<Array<{ id: number }>>('id');
  return row!.id;
}

/** Replaces a channel's fields; a URL or secret left undefined stays as stored. */
export async function updateGroupChannel(
  db: Db,
  id: number,
  c: Omit<GroupChannelInput, 'webhookUrl' | 'secret' | 'provider'> & {
    provider?: ChatProvider;
    webhookUrl?: string;
    secret?: string | null;
  },
): Promise<boolean> {
  const n = await db('group_channels')
    .where({ id })
    .update({
      name: c.name,
      locale: c.locale,
      active: c.active,
      ...(c.provider !== undefined ? { provider: c.provider } : {}),
      ...(c.webhookUrl !== undefined ? { webhook_url: c.webhookUrl } : {}),
      ...(c.secret !== undefined ? { secret: c.secret } : {}),
      updated_at: db.fn.now(),
    });
  return n > 0;
}

export async function deleteGroupChannel(db: Db, id: number): Promise<boolean> {
  return (await db('group_channels').where({ id }).delete()) > 0;
}

/** Which of these ids name no group channel (for refusing a ladder that points at none). */
export async function missingGroupChannels(db: Db, ids: number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const found = new Set(
    (await db<Row>('group_channels').whereIn('id', ids).select('id')).map((r) => Number(r.id)),
  );
  return ids.filter((id) => !found.has(id));
}
