/**
 * Web sign-in passwords: argon2id (OWASP's minimum: 19 MiB, 2 passes, 1 lane) in the PHC string
 * format. Hashes made before argon2id (scrypt, `scrypt$N$salt$key`) still verify, and the caller is
 * told to rehash them (`rehash: true`) so every account moves to argon2id at its next sign-in.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type BinaryLike } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

// The library's defaults are argon2id, m=19456 KiB, t=2, p=1; written out so a new library version
// cannot silently change what is stored.
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** A password hash nobody can match, verified against when there is no account: same time spent. */
let decoy: Promise<string> | null = null;

export interface PasswordCheck {
  ok: boolean;
  /** The stored hash is of an older kind: store `hashPassword(password)` now that it is known. */
  rehash: boolean;
}

export async function verifyPassword(password: string, stored: string | null): Promise<PasswordCheck> {
  if (stored?.startsWith('$argon2id$')) {
    const ok = await verify(stored, password).catch(() => false);
    return { ok, rehash: false };
  }
  if (stored?.startsWith('scrypt$')) {
    const ok = await verifyScrypt(password, stored);
    return { ok, rehash: ok };
  }
  // No account (or no password set): spend comparable time so it is not told apart by timing.
  decoy ??= hashPassword(randomBytes(16).toString('base64url'));
  await verify(await decoy, password).catch(() => false);
  return { ok: false, rehash: false };
}

const scrypt = (password: BinaryLike, salt: BinaryLike, keylen: number, N: number): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, { N, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );

/** The scrypt hashes Andon stored before argon2id: `scrypt$<N>$<salt b64url>$<key b64url>`. */
async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  const N = Number(parts[1]);
  if (parts.length !== 4 || !Number.isInteger(N) || N < 2 || N > 1 << 20) return false;
  const expected = Buffer.from(parts[3]!, 'base64url');
  if (expected.length < 16) return false;
  const key = await scrypt(password, Buffer.from(parts[2]!, 'base64url'), expected.length, N).catch(
    () => null,
  );
  return key !== null && key.length === expected.length && timingSafeEqual(key, expected);
}

/** A scrypt hash as Andon made them before argon2id (kept to test the move to argon2id). */
export async function legacyScryptHash(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, 16384);
  return `scrypt$16384$${salt.toString('base64url')}$${key.toString('base64url')}`;
}
