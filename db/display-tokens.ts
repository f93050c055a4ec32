/**
 * Display tokens of andon wall screens. The token is 32 random bytes (base64url, 43 characters) and
 * is stored only as its SHA-256: a copy of the table opens no screen. Checking one is a lookup by
 * hash (the hash of a guess reveals nothing about a stored token), so no timing leaks the token.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { DisplayTokenBody, DisplayTokenView } from '../domain/contracts/displays.js';
import type { Locale } from '../domain/model.js';
import type { Db } from './index.js';

export interface DisplayScreen {
  id: number;
  name: string;
  lines: string[] | null;
  locale: Locale;
  rotateSeconds: number;
  sound: boolean;
  flash: boolean;
}

interface Row {
  id: number;
  name: string;
  token_hash: string;
  lines: string[] | null;
  locale: Locale;
  rotate_seconds: number;
  sound: boolean;
  flash: boolean;
  created_at: Date;
  revoked_at: Date | null;
  last_seen_at: Date | null;
  created_by?: number | null;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

const view = (r: Row): DisplayTokenView => ({
  id: r.id,
  name: r.name,
  lines: r.lines,
  locale: r.locale,
  rotateSeconds: r.rotate_seconds,
  sound: r.sound,
  flash: r.flash,
  createdAt: r.created_at.toISOString(),
  revokedAt: iso(r.revoked_at),
  lastSeenAt: iso(r.last_seen_at),
});

/** The shape a token has; anything else is refused before a database lookup. */
export const DISPLAY_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export async function createDisplayToken(
  db: Db,
  body: DisplayTokenBody,
  createdBy: number | null,
): Promise<DisplayTokenView & { token: string }> {
  const token = randomBytes(32).toString('base64url');
  const [row] = await db<Row>('display_tokens')
    .insert({
      name: body.name,
      token_hash: sha256(token),
      lines: body.lines,
      locale: body.locale,
      rotate_seconds: body.rotateSeconds,
      sound: body.sound,
      flash: body.flash,
      created_by: createdBy,
    })
    .returning('*');
  return { ...view(row!), token };
}

export async function listDisplayTokens(db: Db): Promise<DisplayTokenView[]> {
  const rows = await db<Row>('display_tokens').orderBy([{ column: 'revoked_at', order: 'desc' }, 'id']);
  return rows.map(view);
}

export async function getDisplayToken(db: Db, id: number): Promise<DisplayTokenView | null> {
  const row = await db<Row>('display_tokens').where({ id }).first();
  return row ? view(row) : null;
}

/** Revokes a token (idempotent); false when there is no such token. */
export async function revokeDisplayToken(db: Db, id: number): Promise<boolean> {
  const n = await db('display_tokens')
    .where({ id })
    .update({ revoked_at: db.raw('coalesce(revoked_at, now())') });
  return n > 0;
}

/** The screen a live token opens, or null (unknown, malformed or revoked). Notes when it was seen. */
export async function screenOfToken(db: Db, token: string): Promise<DisplayScreen | null> {
  if (!DISPLAY_TOKEN_PATTERN.test(token)) return null;
  const row = await db<Row>('display_tokens')
    .where({ token_hash: sha256(token) })
    .whereNull('revoked_at')
    .first();
  if (!row) return null;
  // At most once a minute: a screen polls, and a write per request would be waste.
  if (!row.last_seen_at || Date.now() - row.last_seen_at.getTime() > 60_000) {
    await db('display_tokens').where({ id: row.id }).update({ last_seen_at: db.fn.now() });
  }
  return {
    id: row.id,
    name: row.name,
    lines: row.lines,
    locale: row.locale,
    rotateSeconds: row.rotate_seconds,
    sound: row.sound,
    flash: row.flash,
  };
}
