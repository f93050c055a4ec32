/** Bearer API keys with nested roles. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { touchApiKey, verifyApiKey, type ApiKeyRecord } from '../db/api-keys.js';
import type { Db } from '../db/index.js';
import { roleAllows, type ApiRole } from '../domain/model.js';
import type { Actor } from '../workflows/case/messages.js';
import { HttpProblem } from './problem.js';

declare module 'express-serve-static-core' {
  interface Request {
    apiKey?: ApiKeyRecord;
  }
}

/** Authenticates the bearer key (401 when missing or unknown); authorisation is per route. */
export function authenticate(db: Db): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) {
      res.set('WWW-Authenticate', 'Bearer');
      throw new HttpProblem(401, 'Unauthorized', 'send an API key as "Authorization: Bearer <key>"');
    }
    const key = await verifyApiKey(db, match[1]!);
    if (!key) {
      res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new HttpProblem(401, 'Unauthorized', 'the API key is unknown or revoked');
    }
    req.apiKey = key;
    // When it was last used, for the key list (at most one write a minute; never holds up the request).
    touchApiKey(db, key.id).catch(() => {});
    next();
  };
}

export function requireRole(...allowed: ApiRole[]): RequestHandler {
  return (req, _res, next) => {
    const key = req.apiKey;
    if (!key) throw new HttpProblem(401, 'Unauthorized', 'no API key');
    if (!roleAllows(key.role, allowed)) {
      throw new HttpProblem(
        403,
        'Forbidden',
        `this action needs role ${allowed.join(' or ')}; the key has role ${key.role}`,
      );
    }
    next();
  };
}

export function actorOf(req: Request): Actor {
  const key = req.apiKey;
  if (!key) throw new HttpProblem(401, 'Unauthorized', 'no API key');
  return key.personId !== null
    ? { kind: 'person', id: String(key.personId), name: key.name }
    : { kind: 'api_key', id: String(key.id), name: key.name };
}
