/**
 * HMAC-SHA256 signatures of webhook bodies, both ways: Andon signs what it sends (MES write-back,
 * outgoing webhooks), and checks what an MES that signs its requests sends. The signed text is
 * `<timestamp>.<body>` (unix seconds, the exact body bytes); the header is `sha256=<hex>`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How far a signed request's timestamp may be from now. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

/** A new secret: `whsec_` + 32 random bytes, base64url. The whole string is the HMAC key. */
export const generateSigningSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

export function sign(secret: string, timestamp: number | string, body: string | Buffer): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`);
  mac.update(body);
  return `sha256=${mac.digest('hex')}`;
}

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; field: 'X-Andon-Timestamp' | 'X-Andon-Signature'; message: string };

/** Checks a signature in constant time, and that its timestamp is within the tolerance of `now`. */
export function verifySignature(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string | Buffer,
  now: Date = new Date(),
): SignatureCheck {
  const { timestamp, signature } = headers;
  if (!timestamp) return { ok: false, field: 'X-Andon-Timestamp', message: 'is missing' };
  if (!signature) return { ok: false, field: 'X-Andon-Signature', message: 'is missing' };
  if (!/^[0-9]{1,12}$/.test(timestamp))
    return { ok: false, field: 'X-Andon-Timestamp', message: 'must be unix time in seconds' };
  const ts = Number(timestamp);
  if (Math.abs(now.getTime() / 1000 - ts) > SIGNATURE_TOLERANCE_SECONDS)
    return {
      ok: false,
      field: 'X-Andon-Timestamp',
      message: `is more than ${SIGNATURE_TOLERANCE_SECONDS / 60} minutes from the server's time`,
    };
  const expected = Buffer.from(sign(secret, timestamp, body));
  // Several signatures may be sent (e.g. while a secret is rotated): any one may match.
  const matches = signature
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((s) => {
      const given = Buffer.from(s);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  return matches
    ? { ok: true, timestamp: ts }
    : { ok: false, field: 'X-Andon-Signature', message: 'does not match the body and timestamp' };
}
