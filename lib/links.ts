/**
 * Signed one-time action links: `<base64url payload>.<base64url HMAC-SHA256(secret, payload)>`.
 * A link is bound to one person, one case and one task (`''`: the case itself), expires, and carries
 * a nonce that is recorded when the link is used (table action_link_uses), so it works once.
 * Signatures are compared in constant time.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface LinkClaims {
  /** person id */
  p: number;
  /** case id */
  c: number;
  /** task key ('' for the case) */
  t: string;
  /** expiry, seconds since the epoch */
  e: number;
  /** nonce: identifies this link for one-time use */
  n: string;
}

export type LinkCheck =
  | { ok: true; claims: LinkClaims }
  | { ok: false; reason: 'forged' | 'expired' | 'malformed'; claims?: LinkClaims };

export interface LinkSigner {
  sign(claims: Omit<LinkClaims, 'e' | 'n'>, opts?: { nonce?: string; expiresAt?: Date }): string;
  verify(token: string): LinkCheck;
  /** A deterministic nonce for a notification key (a retried page builds the very same link). */
  nonce(key: string): string;
  /** Seconds a new link stays valid. */
  readonly ttlSeconds: number;
}

const b64 = (b: Buffer): string => b.toString('base64url');

export function createLinkSigner(secret: string, opts: { ttlSeconds: number; now?: () => Date }): LinkSigner {
  if (secret.length < 16) throw new Error('the action-link secret must be at least 16 characters');
  const now = opts.now ?? (() => new Date());
  const mac = (payload: string): Buffer => createHmac('sha256', secret).update(payload).digest();
  return {
    ttlSeconds: opts.ttlSeconds,
    nonce: (key) =>
      createHmac('sha256', secret).update(`nonce:${key}`).digest().subarray(0, 12).toString('base64url'),
    sign(claims, o = {}) {
      const expires = o.expiresAt ?? new Date(now().getTime() + opts.ttlSeconds * 1000);
      const full: LinkClaims = {
        p: claims.p,
        c: claims.c,
        t: claims.t,
        e: Math.floor(expires.getTime() / 1000),
        n: o.nonce ?? b64(randomBytes(12)),
      };
      const payload = b64(Buffer.from(JSON.stringify(full), 'utf8'));
      return `${payload}.${b64(mac(payload))}`;
    },
    verify(token) {
      const m = /^([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/.exec(token);
      if (!m) return { ok: false, reason: 'malformed' };
      const [, payload, sig] = m as unknown as [string, string, string];
      const expected = mac(payload);
      const given = Buffer.from(sig, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected))
        return { ok: false, reason: 'forged' };
      let claims: LinkClaims;
      try {
        claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LinkClaims;
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      if (
        !Number.isInteger(claims.p) ||
        !Number.isInteger(claims.c) ||
        typeof claims.t !== 'string' ||
        !Number.isInteger(claims.e) ||
        typeof claims.n !== 'string'
      )
        return { ok: false, reason: 'malformed' };
      if (claims.e * 1000 <= now().getTime()) return { ok: false, reason: 'expired', claims };
      return { ok: true, claims };
    },
  };
}

/**
 * Text with every action link cut to its first characters (`/a/eyJwIjo…`), for logs: a whole link
 * lets whoever reads the log act as its person.
 */
export function redactActionLinks(text: string): string {
  return text.replace(/\/a\/([A-Za-z0-9_-]{8})[A-Za-z0-9_.-]*/g, '/a/$1…');
}
