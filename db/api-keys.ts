/**
 * API keys: only a SHA-256 hash is stored; the plaintext is shown once, when the key is made. A key
 * works until it is revoked or its expiry passes (a rotated key may keep an overlap); the first
 * characters are kept to recognise it in lists.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiRole } from '../domain/model.js';
import type { Db } from './index.js';

export interface ApiKeyRecord {
  id: number;
  name: string;
  role: ApiRole;
  personId: number | null;
  /** Its writes must be signed (X-Andon-Signature; db/inbound-signatures.ts). */
  signatureRequired?: boolean;
}

interface ApiKeyRow {
  id: number;
  name: string;
  role: ApiRole;
  key_hash: string;
  person_id: number | null;
  created_at: Date;
  revoked_at: Date | null;
  key_prefix: string | null;
  created_by: string | null;
  last_used_at: Date | null;
  expires_at: Date | null;
  replaced_by: number | null;
  signature_required: boolean;
}

/** Characters of a key kept in clear to recognise it: `andon_` and four more. */
export const KEY_PREFIX_LENGTH = 10;

const toRecord = (
  row: Pick<ApiKeyRow, 'id' | 'name' | 'role' | 'person_id'> & { signature_required?: boolean },
): ApiKeyRecord => ({
  id: row.id,
  name: row.name,
  role: row.role,
  personId: row.person_id,
  signatureRequired: row.signature_required ?? false,
});

export function hashApiKey(plaintext: string): string {
  return createHash('sha256').update(plaintext, 'utf8').digest('hex');
}

/** A new random key: `andon_` + 32 bytes of base64url. */
export function generateApiKey(): string {
  return `andon_${randomBytes(32).toString('base64url')}`;
}

export async function createApiKey(
  db: Db,
  input: { name: string; role: ApiRole; personId?: number | null; plaintext?: string; createdBy?: string },
): Promise<{ key: string; record: ApiKeyRecord }> {
  const key = input.plaintext ?? generateApiKey();
  const [row] = await db<ApiKeyRow>('api_keys')
    .insert({
      name: input.name,
      role: input.role,
      key_hash: hashApiKey(key),
      person_id: input.personId ?? null,
      key_prefix: key.slice(0, KEY_PREFIX_LENGTH),
      created_by: input.createdBy ?? null,
    })
    .returning(['id', 'name', 'role', 'person_id']);
  return { key, record: toRecord(row!) };
}

/** Makes sure a key with exactly this value exists with this role (used for ANDON_BOOTSTRAP_ADMIN_KEY). */
export async function ensureApiKey(
  db: Db,
  input: { name: string; role: ApiRole; plaintext: string },
): Promise<void> {
  await db('api_keys')
    .insert({ name: input.name, role: input.role, key_hash: hashApiKey(input.plaintext) })
    .onConflict('key_hash')
    .merge({ role: input.role, revoked_at: null });
}

/** Looks a presented key up by its hash, then compares the hashes in constant time. */
export async function verifyApiKey(db: Db, presented: string): Promise<ApiKeyRecord | null> {
  const hash = hashApiKey(presented);
  const row = await db<ApiKeyRow>('api_keys')
    .where({ key_hash: hash })
    .whereNull('revoked_at')
    .andWhere((q) => {
      q.whereNull('expires_at').orWhere('expires_at', '>', db.fn.now());
    })
    .first();
  if (!row) return null;
  const a = Buffer.from(row.key_hash, 'hex');
  const b = Buffer.from(hash, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  return toRecord(row);
}

export interface ApiKeyListing extends ApiKeyRecord {
  prefix: string | null;
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  replacedBy: number | null;
}

const toListing = (r: ApiKeyRow): ApiKeyListing => ({
  ...toRecord(r),
  prefix: r.key_prefix,
  createdAt: r.created_at,
  createdBy: r.created_by,
  lastUsedAt: r.last_used_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  replacedBy: r.replaced_by,
});

/** Every key, newest first (revoked ones too, unless `active`). Never the hashes. */
export async function listApiKeys(db: Db, o: { active?: boolean } = {}): Promise<ApiKeyListing[]> {
  const q = db<ApiKeyRow>('api_keys').orderBy('id', 'desc');
  if (o.active)
    q.whereNull('revoked_at').andWhere((w) => {
      w.whereNull('expires_at').orWhere('expires_at', '>', db.fn.now());
    });
  return (await q).map(toListing);
}

export async function getApiKey(db: Db, id: number): Promise<ApiKeyListing | null> {
  const row = await db<ApiKeyRow>('api_keys').where({ id }).first();
  return row ? toListing(row) : null;
}

/** Revokes a key now; false when there is no such key or it was already revoked. */
export async function revokeApiKey(db: Db, id: number): Promise<boolean> {
  const n = await db('api_keys').where({ id }).whereNull('revoked_at').update({ revoked_at: db.fn.now() });
  return n > 0;
}

/**
 * Replaces a key by a new one with the same name, role and person. The old key stops working now,
 * or after `overlapSeconds` (time to deploy the new one). Null when the key is unknown or revoked.
 */
export async function rotateApiKey(
  db: Db,
  id: number,
  o: { overlapSeconds: number; createdBy?: string },
): Promise<{ key: string; record: ApiKeyRecord } | null> {
  return db.transaction(async (trx) => {
    const old = await trx<ApiKeyRow>('api_keys').where({ id }).whereNull('revoked_at').forUpdate().first();
    if (!old) return null;
    const made = await createApiKey(trx, {
      name: old.name,
      role: old.role,
      personId: old.person_id,
      ...(o.createdBy ? { createdBy: o.createdBy } : {}),
    });
    await trx('api_keys')
      .where({ id })
      .update({
        replaced_by: made.record.id,
        ...(o.overlapSeconds > 0
          ? { expires_at: trx.raw('now() + make_interval(secs => ?)', [o.overlapSeconds]) }
          : { revoked_at: trx.fn.now() }),
      });
    return made;
  });
}

/** Notes that a key was used (at most once a minute per key, so requests do not each write). */
export async function touchApiKey(db: Db, id: number): Promise<void> {
  await db('api_keys')
    .where({ id })
    .andWhere((q) => {
      q.whereNull('last_used_at').orWhere('last_used_at', '<', db.raw(`now() - interval '1 minute'`));
    })
    .update({ last_used_at: db.fn.now() });
}
