/**
 * Web sessions, kept server-side (db/web-sessions.ts): the cookie carries a random session id with
 * an HMAC over it (HttpOnly, SameSite=Lax, Secure over HTTPS); the database knows the id only by its
 * SHA-256. Signing out revokes the session, a new password revokes all of the person's sessions, and
 * a revoked, expired, forged or malformed cookie simply means "not signed in".
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../../db/index.js';
import { createSession, revokeSession, sessionPerson } from '../../db/web-sessions.js';
import { asLocale } from '../../lib/locale.js';
import type { Locale } from '../../domain/model.js';

export type WebRole = 'staff' | 'supervisor' | 'admin';

export interface WebUser {
  personId: number;
  name: string;
  role: WebRole;
  locale: Locale;
}

declare module 'express-serve-static-core' {
  interface Request {
    webUser?: WebUser;
    /** The SHA-256 of the session id, when signed in (logout, per-session limits). */
    webSession?: string;
  }
}

export const SESSION_COOKIE = 'andon_session';
export const SESSION_HOURS = 12;

export interface Sessions {
  /** Opens a session for the person; the value to put in the cookie. */
  issue(personId: number): Promise<string>;
  /** The signed-in person and the session's hash, or null for anything but a live session. */
  read(cookie: string | undefined): Promise<{ user: WebUser; idHash: string } | null>;
  revoke(idHash: string): Promise<void>;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

export function sessions(db: Db, secret: string): Sessions {
  const mac = (id: string): Buffer => createHmac('sha256', secret).update(`session:${id}`).digest();
  return {
    async issue(personId) {
      const id = randomBytes(32).toString('base64url');
      await createSession(db, {
        idHash: sha256(id),
        personId,
        expiresAt: new Date(Date.now() + SESSION_HOURS * 3600_000),
      });
      return `${id}.${mac(id).toString('base64url')}`;
    },
    async read(cookie) {
      const m = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(cookie ?? '');
      if (!m) return null;
      const given = Buffer.from(m[2]!, 'base64url');
      const expected = mac(m[1]!);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      const idHash = sha256(m[1]!);
      const p = await sessionPerson(db, idHash);
      if (!p) return null;
      return {
        idHash,
        user: { personId: p.personId, name: p.name, role: p.webRole, locale: asLocale(p.locale) },
      };
    },
    revoke: (idHash) => revokeSession(db, idHash),
  };
}

/** A cookie's value; undefined when absent or not decodable (a malformed cookie is no cookie). */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== name) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function setSessionCookie(req: Request, res: Response, value: string | null): void {
  const secure = req.secure ? '; Secure' : '';
  const cookie =
    value === null
      ? `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure}`
      : `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_HOURS * 3600}${secure}`;
  res.append('Set-Cookie', cookie);
}

/** Loads the signed-in person (if any) onto the request. */
export function loadWebUser(s: Sessions) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const session = await s.read(readCookie(req, SESSION_COOKIE));
    if (session) {
      req.webUser = session.user;
      req.webSession = session.idHash;
    }
    next();
  };
}

const RANK: Record<WebRole, number> = { staff: 0, supervisor: 1, admin: 2 };

export function webRoleAllows(user: WebUser | undefined, needed: WebRole): boolean {
  return user !== undefined && RANK[user.role] >= RANK[needed];
}
