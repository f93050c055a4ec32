/**
 * Signed requests, optional per API key: once a key has a signing secret
 * (POST /api/v1/api-keys/{id}/signing-secret), every write it sends (POST, PUT, PATCH, DELETE) must
 * carry `X-Andon-Timestamp` (unix seconds, within 5 minutes of the server's clock) and
 * `X-Andon-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, each signature accepted
 * once. Unsigned, stale, forged and replayed requests are refused with 401, nothing done.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { signingSecretOf, useSignature } from '../db/inbound-signatures.js';
import type { Db } from '../db/index.js';
import { WEBHOOK_HEADERS } from '../domain/contracts/webhooks.js';
import { SecretUnreadable, type SecretBox } from '../lib/secret-box.js';
import { sign, SIGNATURE_TOLERANCE_SECONDS, verifySignature } from '../lib/signature.js';
import { HttpProblem } from './problem.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The body's exact bytes, as signed (JSON bodies; set by the body parser in api/app.ts). */
    rawBody?: Buffer;
  }
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** For express.json({ verify }): keeps the exact bytes a signature covers. */
export function keepRawBody(req: Request, _res: Response, buf: Buffer): void {
  req.rawBody = buf;
}

const refuse = (field: string, message: string): HttpProblem =>
  new HttpProblem(401, 'Unauthorized', `${field}: ${message}`, [{ field, message }]);

export function requireSignatures(
  db: Db,
  secrets: SecretBox,
  now: () => Date = () => new Date(),
): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const key = req.apiKey;
    if (!key?.signatureRequired || READS.has(req.method)) return next();
    const sealed = await signingSecretOf(db, key.id);
    if (sealed === null) return next();
    let secret: string;
    try {
      secret = secrets.open(sealed);
    } catch (err) {
      if (!(err instanceof SecretUnreadable)) throw err;
      throw refuse(
        WEBHOOK_HEADERS.signature,
        "cannot be checked: this key's signing secret must be set again",
      );
    }
    const body = req.rawBody ?? Buffer.alloc(0);
    const timestamp = req.get(WEBHOOK_HEADERS.timestamp);
    const check = verifySignature(
      secret,
      { timestamp, signature: req.get(WEBHOOK_HEADERS.signature) },
      body,
      now(),
    );
    if (!check.ok) throw refuse(check.field, check.message);
    // The signature of this timestamp and body, however the header wrote it, is good once.
    const fresh = await useSignature(
      db,
      key.id,
      sign(secret, check.timestamp, body),
      2 * SIGNATURE_TOLERANCE_SECONDS,
    );
    if (!fresh) throw refuse(WEBHOOK_HEADERS.signature, 'was used before: a replayed request is refused');
    next();
  };
}
