/**
 * Managing accounts and keys — one implementation for the admin API, the admin page and the CLI
 * (`npm run andon -- user add …`). Each change and its audit entry commit together or not at all.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createApiKey, getApiKey, revokeApiKey, rotateApiKey, type ApiKeyListing } from '../db/api-keys.js';
import { recordAudit, type AuditActor } from '../db/audit-log.js';
import type { Db } from '../db/index.js';
import {
  createPasswordLink,
  findUserByEmail,
  getUser,
  insertUser,
  setActive,
  setWebRole,
  usePasswordLink,
  type LinkHolder,
  type LinkPurpose,
  type UserAccount,
  type WebRole,
} from '../db/users.js';
import { getPerson } from '../db/people.js';
import { setPassword, unlockAccount } from '../db/web-sessions.js';
import type { ApiRole, Locale } from '../domain/model.js';
import { hashPassword } from './passwords.js';

/** How long a set-password link works. */
export const LINK_TTL_HOURS: Record<LinkPurpose, number> = { invite: 7 * 24, reset: 24 };

/** A refusal the caller turns into its own answer (409, 404, a CLI message). */
export class AccountError extends Error {
  constructor(
    readonly kind: 'conflict' | 'not_found',
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface IssuedLink {
  user: UserAccount;
  link: { url: string; purpose: LinkPurpose; expiresAt: Date };
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/** The path of a set-password link (the token is 32 random bytes, stored only as its hash). */
export const setPasswordPath = (token: string): string => `/set-password/${token}`;
export const tokenHash = sha256;

async function newLink(
  db: Db,
  publicUrl: string,
  user: UserAccount,
  purpose: LinkPurpose,
): Promise<IssuedLink['link']> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + LINK_TTL_HOURS[purpose] * 3600_000);
  await createPasswordLink(db, { personId: user.id, purpose, tokenHash: sha256(token), expiresAt });
  return { url: `${publicUrl.replace(/\/$/, '')}${setPasswordPath(token)}`, purpose, expiresAt };
}

/** A new web user with an invitation link. */
export async function createUser(
  db: Db,
  actor: AuditActor,
  publicUrl: string,
  input: { name: string; email: string; webRole: WebRole; locale: Locale },
): Promise<IssuedLink> {
  if (await findUserByEmail(db, input.email))
    throw new AccountError('conflict', 'email', `a person with ${input.email} exists: invite them instead`);
  return db.transaction(async (trx) => {
    const id = await insertUser(trx, input);
    const user = (await getUser(trx, id))!;
    const link = await newLink(trx, publicUrl, user, 'invite');
    const after = (await getUser(trx, id))!;
    await recordAudit(trx, actor, { action: 'user.create', entity: 'user', entityId: id, after });
    return { user: after, link };
  });
}

/**
 * A new set-password link for a user. `invite` is for someone without a password; `reset` ends their
 * password and sessions at once (a lost or leaked password).
 */
export async function issuePasswordLink(
  db: Db,
  actor: AuditActor,
  publicUrl: string,
  userId: number,
  purpose: LinkPurpose,
): Promise<IssuedLink> {
  const before = await getUser(db, userId);
  if (!before)
    throw new AccountError('not_found', 'id', `no user ${userId} (a person with an email address)`);
  if (!before.active)
    throw new AccountError('conflict', 'active', `${before.name} is deactivated: activate them first`);
  if (purpose === 'invite' && before.passwordSet)
    throw new AccountError('conflict', 'passwordSet', `${before.name} has a password: reset it instead`);
  return db.transaction(async (trx) => {
    const link = await newLink(trx, publicUrl, before, purpose);
    const after = (await getUser(trx, userId))!;
    await recordAudit(trx, actor, {
      action: `user.${purpose}`,
      entity: 'user',
      entityId: userId,
      before,
      after,
    });
    return { user: after, link };
  });
}

export async function updateUser(
  db: Db,
  actor: AuditActor,
  userId: number,
  patch: { webRole?: WebRole | undefined; active?: boolean | undefined },
): Promise<UserAccount> {
  const before = await getUser(db, userId);
  if (!before)
    throw new AccountError('not_found', 'id', `no user ${userId} (a person with an email address)`);
  return db.transaction(async (trx) => {
    if (patch.webRole && patch.webRole !== before.webRole) {
      await setWebRole(trx, userId, patch.webRole);
      await recordAudit(trx, actor, {
        action: 'user.role',
        entity: 'user',
        entityId: userId,
        before: { webRole: before.webRole },
        after: { webRole: patch.webRole },
      });
    }
    if (patch.active !== undefined && patch.active !== before.active) {
      const { keysRevoked } = await setActive(trx, userId, patch.active);
      await recordAudit(trx, actor, {
        action: patch.active ? 'user.activate' : 'user.deactivate',
        entity: 'user',
        entityId: userId,
        before: { active: before.active },
        after: { active: patch.active, ...(patch.active ? {} : { sessionsEnded: true, keysRevoked }) },
      });
    }
    return (await getUser(trx, userId))!;
  });
}

export async function unlockUser(db: Db, actor: AuditActor, userId: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    if (!(await unlockAccount(trx, userId))) return false;
    await recordAudit(trx, actor, { action: 'user.unlock', entity: 'user', entityId: userId });
    return true;
  });
}

/** Sets a password directly (the older PUT /people/{id}/password); ends every session. */
export async function setUserPassword(
  db: Db,
  actor: AuditActor,
  userId: number,
  password: string,
): Promise<boolean> {
  const hash = await hashPassword(password);
  return db.transaction(async (trx) => {
    if (!(await setPassword(trx, userId, hash))) return false;
    await recordAudit(trx, actor, { action: 'user.password', entity: 'user', entityId: userId });
    return true;
  });
}

/** The person sets their password through their link: the link is used up, the audit log notes it. */
export async function setPasswordWithLink(
  db: Db,
  token: string,
  password: string,
  address: string | null,
): Promise<LinkHolder | null> {
  const hash = await hashPassword(password);
  return db.transaction(async (trx) => {
    const holder = await usePasswordLink(trx, sha256(token), hash);
    if (!holder) return null;
    await recordAudit(
      trx,
      { kind: 'web', id: String(holder.personId), name: holder.name, address },
      {
        action: 'user.password_set',
        entity: 'user',
        entityId: holder.personId,
        after: { purpose: holder.purpose },
      },
    );
    return holder;
  });
}

// ── API keys ─────────────────────────────────────────────────────────────────────────────────
const actorLabel = (a: AuditActor): string => `${a.kind}:${a.id ?? ''} ${a.name}`.trim();

export async function issueApiKey(
  db: Db,
  actor: AuditActor,
  input: { name: string; role: ApiRole; personId: number | null },
): Promise<{ key: string; apiKey: ApiKeyListing }> {
  if (input.personId !== null && !(await getPerson(db, input.personId)))
    throw new AccountError('not_found', 'personId', `no person ${input.personId}`);
  return db.transaction(async (trx) => {
    const { key, record } = await createApiKey(trx, { ...input, createdBy: actorLabel(actor) });
    const apiKey = (await getApiKey(trx, record.id))!;
    await recordAudit(trx, actor, {
      action: 'api_key.create',
      entity: 'api_key',
      entityId: record.id,
      after: apiKey,
    });
    return { key, apiKey };
  });
}

export async function rotateKey(
  db: Db,
  actor: AuditActor,
  id: number,
  overlapSeconds: number,
): Promise<{ key: string; apiKey: ApiKeyListing }> {
  return db.transaction(async (trx) => {
    const before = await getApiKey(trx, id);
    const made = await rotateApiKey(trx, id, { overlapSeconds, createdBy: actorLabel(actor) });
    if (!before || !made) throw new AccountError('not_found', 'id', `no active API key ${id}`);
    const apiKey = (await getApiKey(trx, made.record.id))!;
    await recordAudit(trx, actor, {
      action: 'api_key.rotate',
      entity: 'api_key',
      entityId: id,
      before,
      after: { ...(await getApiKey(trx, id)), replacedBy: apiKey },
    });
    return { key: made.key, apiKey };
  });
}

export async function revokeKey(db: Db, actor: AuditActor, id: number): Promise<ApiKeyListing> {
  return db.transaction(async (trx) => {
    const before = await getApiKey(trx, id);
    if (!before || !(await revokeApiKey(trx, id)))
      throw new AccountError('not_found', 'id', `no active API key ${id}`);
    const after = (await getApiKey(trx, id))!;
    await recordAudit(trx, actor, {
      action: 'api_key.revoke',
      entity: 'api_key',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}
