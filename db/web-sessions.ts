/**
 * Web sign-in records: server-side sessions (stored by the SHA-256 of the id the cookie carries) and
 * the per-account count of failed sign-ins behind the lockout.
 */
import type { Db } from './index.js';

export interface SessionPerson {
  personId: number;
  name: string;
  webRole: 'staff' | 'supervisor' | 'admin';
  locale: string;
}

export async function createSession(
  db: Db,
  s: { idHash: string; personId: number; expiresAt: Date },
): Promise<void> {
  await db('web_sessions').insert({ id_hash: s.idHash, person_id: s.personId, expires_at: s.expiresAt });
  // Old sessions of this person go now: nothing else ever reads them again.
  await db('web_sessions')
    .where({ person_id: s.personId })
    .andWhere('expires_at', '<', db.raw(`now() - interval '1 day'`))
    .delete();
}

/** The person a session signs in: only while it is neither revoked nor expired, and they are active. */
export async function sessionPerson(db: Db, idHash: string): Promise<SessionPerson | null> {
  const row = await db('web_sessions as s')
    .join('people as p', 'p.id', 's.person_id')
    .where({ 's.id_hash': idHash, 'p.active': true })
    .whereNull('s.revoked_at')
    .andWhere('s.expires_at', '>', db.fn.now())
    .first<{ id: number; name: string; web_role: SessionPerson['webRole']; locale: string } | undefined>(
      'p.id',
      'p.name',
      'p.web_role',
      'p.locale',
    );
  return row ? { personId: row.id, name: row.name, webRole: row.web_role, locale: row.locale } : null;
}

export async function revokeSession(db: Db, idHash: string): Promise<void> {
  await db('web_sessions')
    .where({ id_hash: idHash })
    .whereNull('revoked_at')
    .update({ revoked_at: db.fn.now() });
}

/** Ends every session of a person (a new password, a deactivated account). */
export async function revokeSessionsOf(db: Db, personId: number): Promise<number> {
  return db('web_sessions')
    .where({ person_id: personId })
    .whereNull('revoked_at')
    .update({ revoked_at: db.fn.now() });
}

export interface LoginAccount {
  id: number;
  passwordHash: string | null;
  /** Until when sign-in is refused, when locked now. */
  lockedUntil: Date | null;
}

/** The active person signing in with this email (any case), if any. */
export async function loginAccount(db: Db, email: string): Promise<LoginAccount | null> {
  const row = await db('people')
    .whereRaw('lower(email) = lower(?)', [email])
    .andWhere({ active: true })
    .first<{ id: number; password_hash: string | null; locked_until: Date | null } | undefined>(
      'id',
      'password_hash',
      db.raw('case when locked_until > now() then locked_until end as locked_until'),
    );
  return row ? { id: row.id, passwordHash: row.password_hash, lockedUntil: row.locked_until } : null;
}

/**
 * Counts a failed sign-in; the `maxFailures`-th in a row locks the account for `lockSeconds`. A
 * lock that has run out starts the count again. Returns whether the account is locked now.
 */
export async function recordFailedLogin(
  db: Db,
  personId: number,
  o: { maxFailures: number; lockSeconds: number },
): Promise<boolean> {
  return db.transaction(async (trx) => {
    const row = await trx('people')
      .where({ id: personId })
      .forUpdate()
      .first<{ failed_logins: number; expired: boolean } | undefined>(
        'failed_logins',
        db.raw('locked_until is not null and locked_until <= now() as expired'),
      );
    if (!row) return false;
    const failures = (row.expired ? 0 : row.failed_logins) + 1;
    const lock = failures >= o.maxFailures;
    await trx('people')
      .where({ id: personId })
      .update({
        failed_logins: lock ? 0 : failures,
        locked_until: lock ? trx.raw('now() + make_interval(secs => ?)', [o.lockSeconds]) : null,
      });
    return lock;
  });
}

/** A good sign-in: the failure count starts again, and an older kind of hash is replaced. */
export async function recordGoodLogin(db: Db, personId: number, newHash?: string): Promise<void> {
  await db('people')
    .where({ id: personId })
    .update({
      failed_logins: 0,
      locked_until: null,
      last_login_at: db.fn.now(),
      ...(newHash ? { password_hash: newHash } : {}),
    });
}

/** Lifts a lockout; false when there is no such person. */
export async function unlockAccount(db: Db, personId: number): Promise<boolean> {
  const n = await db('people').where({ id: personId }).update({ failed_logins: 0, locked_until: null });
  return n > 0;
}

/** Sets a person's password and ends all their sessions, at once; false when there is no such person. */
export async function setPassword(db: Db, personId: number, hash: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const n = await trx('people')
      .where({ id: personId })
      .update({ password_hash: hash, failed_logins: 0, locked_until: null });
    if (n === 0) return false;
    await trx('web_sessions')
      .where({ person_id: personId })
      .whereNull('revoked_at')
      .update({ revoked_at: trx.fn.now() });
    return true;
  });
}
