/**
 * Web sign-in: scrypt password hashes, and sessions in a signed cookie (HMAC-SHA256, HttpOnly,
 * SameSite=Lax, Secure over HTTPS) that carries the person and an expiry — no server-side store.
 */
import {
  createHmac,
  randomBytes,
  scrypt as scryptCb,
  timingSafeEqual,
  type BinaryLike,
  type ScryptOptions,
} from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../../db/index.js';

export type WebRole = 'staff' | 'supervisor' | 'admin';

export interface WebUser {
  personId: number;
  name: string;
  role: WebRole;
  locale: 'en' | 'zh-CN';
}

declare module 'express-serve-static-core' {
  interface Request {
    webUser?: WebUser;
  }
}

const scrypt = (
  password: BinaryLike,
  salt: BinaryLike,
  keylen: number,
  options: ScryptOptions,
): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );

const SCRYPT = { N: 16384, r: 8, p: 1 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  if (parts.length !== 4 || parts[0] !== 'scrypt') {
    // Spend comparable time so a missing account is not told apart by timing.
    await scrypt(password, 'andon-no-account', 32, SCRYPT);
    return false;
  }
  const expected = Buffer.from(parts[3]!, 'base64url');
  const key = await scrypt(password, Buffer.from(parts[2]!, 'base64url'), expected.length, {
    ...SCRYPT,
    N: Number(parts[1]),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

export const SESSION_COOKIE = 'andon_session';
const SESSION_HOURS = 12;

export interface SessionSigner {
  issue(personId: number): string;
  read(cookie: string | undefined): number | null;
}

export function sessionSigner(secret: string): SessionSigner {
  const mac = (payload: string): Buffer => createHmac('sha256', secret).update(payload).digest();
  return {
    issue(personId) {
      const payload = Buffer.from(
        JSON.stringify({ p: personId, e: Date.now() + SESSION_HOURS * 3600_000 }),
      ).toString('base64url');
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    read(cookie) {
      if (!cookie) return null;
      const [payload, sig] = cookie.split('.');
      if (!payload || !sig) return null;
      const given = Buffer.from(sig, 'base64url');
      const expected = mac(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
      try {
        const { p, e } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
          p: unknown;
          e: unknown;
        };
        if (typeof p !== 'number' || typeof e !== 'number' || e < Date.now()) return null;
        return p;
      } catch {
        return null;
      }
    },
  };
}

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
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
export function loadWebUser(db: Db, signer: SessionSigner) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const personId = signer.read(readCookie(req, SESSION_COOKIE));
    if (personId !== null) {
      const row = await db('people')
        .where({ id: personId, active: true })
        .first('id', 'name', 'web_role', 'locale');
      if (row)
        req.webUser = {
          personId: row.id,
          name: row.name,
          role: row.web_role,
          locale: row.locale === 'zh-CN' ? 'zh-CN' : 'en',
        };
    }
    next();
  };
}

const RANK: Record<WebRole, number> = { staff: 0, supervisor: 1, admin: 2 };

export function webRoleAllows(user: WebUser | undefined, needed: WebRole): boolean {
  return user !== undefined && RANK[user.role] >= RANK[needed];
}
