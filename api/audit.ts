/**
 * The audit log from a route: who is calling (the API key, or the signed-in person of the web UI),
 * from where, and one line to record a change —
 *   await audit(db, req, { action: 'policy.update', entity: 'policy', entityId: id, before, after });
 * Routes that change people, rosters, policies, the catalog, keys, users or subscriptions call it.
 */
import type { Request } from 'express';
import { recordAudit, type AuditActor, type AuditChange } from '../db/audit-log.js';
import type { Db } from '../db/index.js';
import { AccountError } from '../lib/accounts.js';
import { HttpProblem } from './problem.js';
import './web/session.js'; // declares req.webUser

export function auditActor(req: Request): AuditActor {
  const address = req.ip ?? null;
  // The signed-in person first: the admin editors reach the API's routers with their session.
  if (req.webUser) return { kind: 'web', id: String(req.webUser.personId), name: req.webUser.name, address };
  if (req.apiKey) return { kind: 'api_key', id: String(req.apiKey.id), name: req.apiKey.name, address };
  return { kind: 'system', id: null, name: 'system', address };
}

/** Records one change made by this request's caller. `db` may be the change's own transaction. */
export function audit(db: Db, req: Request, change: AuditChange): Promise<void> {
  return recordAudit(db, auditActor(req), change);
}

/** An account refusal as the API's answer: 404, or 409 naming the field. */
export function accountProblem(err: unknown): never {
  if (err instanceof AccountError) {
    const status = err.kind === 'not_found' ? 404 : 409;
    throw new HttpProblem(status, status === 404 ? 'Not Found' : 'Conflict', err.message, [
      { field: err.field, message: err.message },
    ]);
  }
  throw err;
}
