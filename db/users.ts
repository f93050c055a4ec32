/**
 * Web sign-in accounts: people with an email address, their web role, and the one-time links that
 * let them set a password (an invitation, or a reset). A link is stored only as its SHA-256, works
 * once, runs out, and a newer link for the same person ends the older ones.
 */
import type { Locale } from '../domain/model.js';
import type { Db } from './index.js';

export type WebRole = 'staff' | 'supervisor' | 'admin';
export type LinkPurpose = 'invite' | 'reset';

export interface UserAccount {
  id: number;
  name: string;
  email: string;
  locale: Locale;
  webRole: WebRole;
  active: boolean;
  /** Whether a password is set (the hash itself never leaves the database layer). */
  passwordSet: boolean;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  /** The newest unused, unexpired set-password link. */
  pendingLink: { purpose: LinkPurpose; expiresAt: Date } | null;
}

interface UserRow {
  id: number;
  name: string;
  email: string;
  locale: Locale;
  web_role: WebRole;
  active: boolean;
  password_set: boolean;
  locked_until: Date | null;
  last_login_at: Date | null;
  link_purpose: LinkPurpose | null;
  link_expires_at: Date | null;
}

function users(db: Db) {
  const link = db('password_links')
    .whereRaw('person_id = p.id')
    .whereNull('used_at')
    .andWhere('expires_at', '>', db.fn.now())
    .orderBy('created_at', 'desc')
    .limit(1);
  return db('people as p')
    .whereNotNull('p.email')
    .select<UserRow[]>(
      'p.id',
      'p.name',
      'p.email',
      'p.locale',
      'p.web_role',
      'p.active',
      'p.last_login_at',
      db.raw('p.password_hash is not null as password_set'),
      db.raw('case when p.locked_until > now() then p.locked_until end as locked_until'),
      link.clone().select('purpose').as('link_purpose'),
      link.clone().select('expires_at').as('link_expires_at'),
    );
}

const toUser = (r: UserRow): UserAccount => ({
  id: r.id,
  name: r.name,
  email: r.email,
  locale: r.locale,
  webRole: r.web_role,
  active: r.active,
  passwordSet: r.password_set,
  lockedUntil: r.locked_until,
  lastLoginAt: r.last_login_at,
  pendingLink:
    r.link_purpose && r.link_expires_at ? { purpose: r.link_purpose, expiresAt: r.link_expires_at } : null,
});

export async function listUsers(db: Db, filter: { active?: boolean } = {}): Promise<UserAccount[]> {
  const q = users(db).orderBy('p.name');
  if (filter.active !== undefined) q.where('p.active', filter.active);
  return (await q).map(toUser);
}

export async function getUser(db: Db, id: number): Promise<UserAccount | null> {
  const row = await users(db).where('p.id', id).first();
  return row ? toUser(row) : null;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserAccount | null> {
  const row = await users(db).whereRaw('lower(p.email) = lower(?)', [email]).first();
  return row ? toUser(row) : null;
}

/** A new person who signs in to the web UI (job roles, if any, are given through /people). */
export async function insertUser(
  db: Db,
  u: { name: string; email: string; webRole: WebRole; locale: Locale; phone?: string | null },
): Promise<number> {
  const [row] = await db('people')
    .insert({ name: u.name, email: u.email, web_role: u.webRole, locale: u.locale, phone: u.phone ?? null })
    .returning<Array<{ id: number }>>('id');
  return row!.id;
}

export async function setWebRole(db: Db, id: number, role: WebRole): Promise<void> {
  await db('people').where({ id }).update({ web_role: role });
}

/**
 * Activates or deactivates a person. Deactivating ends their web sessions, revokes the API keys
 * issued to them and the set-password links they hold, in one transaction.
 */
export async function setActive(db: Db, id: number, active: boolean): Promise<{ keysRevoked: number }> {
  return db.transaction(async (trx) => {
    await trx('people').where({ id }).update({ active });
    if (active) return { keysRevoked: 0 };
    await trx('web_sessions')
      .where({ person_id: id })
      .whereNull('revoked_at')
      .update({ revoked_at: trx.fn.now() });
    await trx('password_links')
      .where({ person_id: id })
      .whereNull('used_at')
      .update({ expires_at: trx.fn.now() });
    const keysRevoked = await trx('api_keys')
      .where({ person_id: id })
      .whereNull('revoked_at')
      .update({ revoked_at: trx.fn.now() });
    return { keysRevoked };
  });
}

/**
 * Stores a new set-password link (its hash) and ends the person's earlier unused ones. For a reset,
 * the current password stops working and every session ends at once.
 */
export async function createPasswordLink(
  db: Db,
  l: { personId: number; purpose: LinkPurpose; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('password_links')
      .where({ person_id: l.personId })
      .whereNull('used_at')
      .update({ expires_at: trx.fn.now() });
    await trx('password_links').insert({
      token_hash: l.tokenHash,
      person_id: l.personId,
      purpose: l.purpose,
      expires_at: l.expiresAt,
    });
    if (l.purpose === 'reset') {
      await trx('people')
        .where({ id: l.personId })
        .update({ password_hash: null, failed_logins: 0, locked_until: null });
      await trx('web_sessions')
        .where({ person_id: l.personId })
        .whereNull('revoked_at')
        .update({ revoked_at: trx.fn.now() });
    }
  });
}

export interface LinkHolder {
  personId: number;
  name: string;
  email: string;
  locale: Locale;
  purpose: LinkPurpose;
}

/** The active person a link (by its hash) is for, while it is unused and unexpired. */
export async function passwordLinkHolder(db: Db, tokenHash: string): Promise<LinkHolder | null> {
  const row = await db('password_links as l')
    .join('people as p', 'p.id', 'l.person_id')
    .where({ 'l.token_hash': tokenHash, 'p.active': true })
    .whereNull('l.used_at')
    .andWhere('l.expires_at', '>', db.fn.now())
    .first<{ id: number; name: string; email: string; locale: Locale; purpose: LinkPurpose } | undefined>(
      'p.id',
      'p.name',
      'p.email',
      'p.locale',
      'l.purpose',
    );
  return row
    ? { personId: row.id, name: row.name, email: row.email, locale: row.locale, purpose: row.purpose }
    : null;
}

/**
 * Uses a link: sets the password, ends the person's sessions and marks the link used — once. Null
 * when the link is unknown, used, expired, or its person inactive.
 */
export async function usePasswordLink(
  db: Db,
  tokenHash: string,
  passwordHash: string,
): Promise<LinkHolder | null> {
  return db.transaction(async (trx) => {
    const holder = await passwordLinkHolder(trx, tokenHash);
    if (!holder) return null;
    const used = await trx('password_links')
      .where({ token_hash: tokenHash })
      .whereNull('used_at')
      .update({ used_at: trx.fn.now() });
    if (used !== 1) return null; // another request used it a moment ago
    await trx('people')
      .where({ id: holder.personId })
      .update({ password_hash: passwordHash, failed_logins: 0, locked_until: null });
    await trx('web_sessions')
      .where({ person_id: holder.personId })
      .whereNull('revoked_at')
      .update({ revoked_at: trx.fn.now() });
    return holder;
  });
}
