/**
 * Signed requests from an MES: a signing secret per API key (sealed by the caller, see
 * lib/secret-box.ts; once set, that key's writes must be signed) and the signatures already
 * accepted, so a captured request cannot be sent again while its timestamp is still fresh.
 */
import type { Db } from './index.js';

/** Sets (or replaces) a key's signing secret and requires signatures from it. False: no such key. */
export async function setSigningSecret(db: Db, apiKeyId: number, secretSealed: string): Promise<boolean> {
  const n = await db('api_keys')
    .where({ id: apiKeyId })
    .whereNull('revoked_at')
    .update({ signing_secret_enc: secretSealed, signature_required: true });
  return n > 0;
}

/** Stops requiring signatures from a key and forgets its secret. False: no such key. */
export async function clearSigningSecret(db: Db, apiKeyId: number): Promise<boolean> {
  const n = await db('api_keys')
    .where({ id: apiKeyId })
    .update({ signing_secret_enc: null, signature_required: false });
  return n > 0;
}

export async function signingSecretOf(db: Db, apiKeyId: number): Promise<string | null> {
  const row = await db('api_keys')
    .where({ id: apiKeyId, signature_required: true })
    .first<{ signing_secret_enc: string | null } | undefined>('signing_secret_enc');
  return row?.signing_secret_enc ?? null;
}

/**
 * Records a signature as used until `ttlSeconds` from now; false when it was used before (a replay).
 * Expired ones are swept as new ones come.
 */
export async function useSignature(
  db: Db,
  apiKeyId: number,
  signature: string,
  ttlSeconds: number,
): Promise<boolean> {
  await db('inbound_signatures').where('expires_at', '<', db.fn.now()).delete();
  const rows = await db('inbound_signatures')
    .insert({
      api_key_id: apiKeyId,
      signature,
      expires_at: db.raw('now() + make_interval(secs => ?)', [ttlSeconds]),
    })
    .onConflict(['api_key_id', 'signature'])
    .ignore()
    .returning('api_key_id');
  return rows.length > 0;
}
