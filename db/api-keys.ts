/** API keys: only a SHA-256 hash is stored; the plaintext is shown once, when the key is made. */
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
  signature_required: boolean;
}

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
  input: { name: string; role: ApiRole; personId?: number | null; plaintext?: string },
): Promise<{ key: string; record: ApiKeyRecord }> {
  const key = input.plaintext ?? generateApiKey();
  const [row] = await db<ApiKeyRow>('api_keys')
    .insert({
      name: input.name,
      role: input.role,
      key_hash: hashApiKey(key),
      person_id: input.personId ?? null,
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
  const row = await db<ApiKeyRow>('api_keys').where({ key_hash: hash }).whereNull('revoked_at').first();
  if (!row) return null;
  const a = Buffer.from(row.key_hash, 'hex');
  const b = Buffer.from(hash, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  return toRecord(row);
}
