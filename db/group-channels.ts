/**
 * Group channels: the chat robots (DingTalk, WeCom, Feishu custom bots; Slack and Teams webhooks)
 * a ladder level or a subscription posts to. Their webhook URL carries the robot's token, so it is
 * stored sealed like the signing secret (lib/secret-box.ts) and read here only to send; what the
 * API shows is `GroupChannelRecord`, with the URL masked and no secret. Rows stored before sealing
 * began hold plain text: they are read as they are and sealed at start-up (`sealPlainGroupChannels`).
 */
import { maskWebhook } from '../domain/contracts/notify.js';
import type { ChatProvider, Locale } from '../domain/model.js';
import { isSealed, SecretUnreadable, type SecretBox } from '../lib/secret-box.js';
import type { Db } from './index.js';

/** Shown instead of the masked URL when the stored one cannot be decrypted. */
export const UNREADABLE_URL = '(cannot be decrypted: ANDON_SECRETS_KEY changed; set the webhook URL again)';

const reveal = (box: SecretBox, stored: string): string => (isSealed(stored) ? box.open(stored) : stored);

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

function maskedUrl(box: SecretBox, stored: string): string {
  try {
    return maskWebhook(reveal(box, stored));
  } catch (err) {
    if (err instanceof SecretUnreadable) return UNREADABLE_URL;
    throw err;
  }
}

const record = (box: SecretBox, r: Row): GroupChannelRecord => ({
  id: r.id,
  name: r.name,
  provider: r.provider,
  webhookUrl: maskedUrl(box, r.webhook_url),
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

export async function listGroupChannels(db: Db, box: SecretBox): Promise<GroupChannelRecord[]> {
  return (await db<Row>('group_channels').orderBy('id')).map((r) => record(box, r));
}

export async function getGroupChannelRecord(
  db: Db,
  box: SecretBox,
  id: number,
): Promise<GroupChannelRecord | null> {
  const r = await db<Row>('group_channels').where({ id }).first();
  return r ? record(box, r) : null;
}

/** The channel with its URL and secret, to send with (`SecretUnreadable` when the key changed). */
export async function groupChannelForSending(
  db: Db,
  box: SecretBox,
  id: number,
): Promise<GroupChannel | null> {
  const r = await db<Row>('group_channels').where({ id }).first();
  if (!r) return null;
  return {
    id: r.id,
    name: r.name,
    provider: r.provider,
    webhookUrl: reveal(box, r.webhook_url),
    secret: r.secret === null ? null : reveal(box, r.secret),
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

export async function createGroupChannel(db: Db, box: SecretBox, c: GroupChannelInput): Promise<number> {
  const [row] = await db('group_channels')
    .insert({
      name: c.name,
      provider: c.provider,
      webhook_url: box.seal(c.webhookUrl),
      secret: c.secret === null ? null : box.seal(c.secret),
      locale: c.locale,
      active: c.active,
    })
    .returning<Array<{ id: number }>>('id');
  return row!.id;
}

/** Replaces a channel's fields; a URL or secret left undefined stays as stored. */
export async function updateGroupChannel(
  db: Db,
  box: SecretBox,
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
      ...(c.webhookUrl !== undefined ? { webhook_url: box.seal(c.webhookUrl) } : {}),
      ...(c.secret !== undefined ? { secret: c.secret === null ? null : box.seal(c.secret) } : {}),
      updated_at: db.fn.now(),
    });
  return n > 0;
}

/** Seals the URLs and secrets stored as plain text before sealing began; answers how many rows. */
export async function sealPlainGroupChannels(db: Db, box: SecretBox): Promise<number> {
  const rows = await db<Row>('group_channels').select('id', 'webhook_url', 'secret');
  let sealed = 0;
  for (const r of rows) {
    const url = isSealed(r.webhook_url) ? null : box.seal(r.webhook_url);
    const secret = r.secret !== null && !isSealed(r.secret) ? box.seal(r.secret) : null;
    if (url === null && secret === null) continue;
    // Only if still plain: a channel changed meanwhile keeps its new sealed values.
    await db('group_channels')
      .where({ id: r.id, webhook_url: r.webhook_url })
      .update({ ...(url ? { webhook_url: url } : {}), ...(secret ? { secret } : {}) });
    sealed += 1;
  }
  return sealed;
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
