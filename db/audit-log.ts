/**
 * The audit log: who changed what, when, and the record before and after. Append-only (the
 * database refuses updates and deletes). Secrets never enter it: fields named like passwords,
 * hashes, keys, secrets or tokens are replaced by "[redacted]" before anything is written.
 */
import type { Db } from './index.js';

export type AuditActorKind = 'api_key' | 'web' | 'cli' | 'system';

export interface AuditActor {
  kind: AuditActorKind;
  /** The API key's id, the person's id (web), the OS user (cli); null for the system. */
  id: string | null;
  name: string;
  /** The client's address, when the change came over HTTP. */
  address?: string | null;
}

export interface AuditChange {
  /** `<entity>.<verb>`, e.g. `policy.update`, `api_key.revoke`, `user.invite`. */
  action: string;
  /** What kind of record: `person`, `policy`, `api_key`, `roster_entry`, … */
  entity: string;
  entityId: string | number | null;
  before?: unknown;
  after?: unknown;
}

export interface AuditEntry {
  id: number;
  at: Date;
  actor: { kind: AuditActorKind; id: string | null; name: string };
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  address: string | null;
}

const SECRET = /password|hash|secret|token|^key$|plaintext/i;

/** The value with every secret-looking field redacted (recursively), as JSON text; null stays null. */
export function redactForAudit(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return JSON.stringify(value, (k, v: unknown) =>
    k && SECRET.test(k) && typeof v === 'string' ? '[redacted]' : v,
  );
}

/** Writes one entry; `db` may be the transaction that made the change (then both commit or neither). */
export async function recordAudit(db: Db, actor: AuditActor, change: AuditChange): Promise<void> {
  await db('audit_log').insert({
    actor_kind: actor.kind,
    actor_id: actor.id,
    actor_name: actor.name,
    action: change.action,
    entity: change.entity,
    entity_id: change.entityId === null ? null : String(change.entityId),
    before: redactForAudit(change.before),
    after: redactForAudit(change.after),
    address: actor.address ?? null,
  });
}

export interface AuditQuery {
  entity?: string | undefined;
  entityId?: string | undefined;
  action?: string | undefined;
  /** Entries by this actor: `<kind>:<id>`, e.g. `api_key:3`, `web:12`. */
  actor?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  /** Entries older than this id (the previous page's `nextBefore`). */
  before?: number | undefined;
  limit: number;
}

interface AuditRow {
  id: number;
  at: Date;
  actor_kind: AuditActorKind;
  actor_id: string | null;
  actor_name: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  address: string | null;
}

/** Newest first, a page at a time. */
export async function listAudit(
  db: Db,
  q: AuditQuery,
): Promise<{ entries: AuditEntry[]; nextBefore: number | null }> {
  const query = db<AuditRow>('audit_log')
    .orderBy('id', 'desc')
    .limit(q.limit + 1);
  if (q.entity) query.where({ entity: q.entity });
  if (q.entityId) query.where({ entity_id: q.entityId });
  if (q.action) query.where({ action: q.action });
  if (q.actor) {
    const [kind, ...id] = q.actor.split(':');
    query.where({ actor_kind: kind as AuditActorKind, actor_id: id.join(':') });
  }
  if (q.since) query.where('at', '>=', q.since);
  if (q.until) query.where('at', '<', q.until);
  if (q.before) query.where('id', '<', q.before);
  const rows = await query;
  const page = rows.slice(0, q.limit);
  return {
    entries: page.map((r) => ({
      id: r.id,
      at: r.at,
      actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name },
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      before: r.before,
      after: r.after,
      address: r.address,
    })),
    nextBefore: rows.length > q.limit ? page[page.length - 1]!.id : null,
  };
}
