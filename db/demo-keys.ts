/** Demo API keys for the embedded start: made once, kept in the data directory, shown at every start. */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { hashPassword } from '../lib/passwords.js';

import { API_ROLES, type ApiRole } from '../domain/model.js';
import { createApiKey, verifyApiKey } from './api-keys.js';
import type { Db } from './index.js';

export type DemoKeys = Record<ApiRole, string>;

export async function ensureDemoKeys(db: Db, dataDir: string): Promise<DemoKeys> {
  const file = join(dataDir, 'demo-keys.json');
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Partial<DemoKeys>;
    const valid = await Promise.all(
      API_ROLES.map(async (r) => (saved[r] ? (await verifyApiKey(db, saved[r]))?.role === r : false)),
    );
    if (valid.every(Boolean)) return saved as DemoKeys;
  }
  const keys = {} as DemoKeys;
  for (const role of API_ROLES) keys[role] = (await createApiKey(db, { name: `demo ${role}`, role })).key;
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return keys;
}

/**
 * Web sign-in for the demo people: one password per installation (kept in the data directory),
 * Liu Yang as supervisor and Zhao Lei as admin, everyone else as staff.
 */
export async function ensureDemoLogins(
  db: Db,
  dataDir: string,
): Promise<{ password: string; supervisor: string; admin: string }> {
  const file = join(dataDir, 'demo-login.json');
  let password: string;
  if (existsSync(file)) password = (JSON.parse(readFileSync(file, 'utf8')) as { password: string }).password;
  else {
    password = randomBytes(9).toString('base64url');
    writeFileSync(file, JSON.stringify({ password }, null, 2), { mode: 0o600 });
  }
  const hash = await hashPassword(password);
  await db('people')
    .whereNull('password_hash')
    .whereLike('email', '%@plant.example')
    .update({ password_hash: hash });
  await db('people').where({ email: 'liu.yang@plant.example' }).update({ web_role: 'supervisor' });
  await db('people').where({ email: 'zhao.lei@plant.example' }).update({ web_role: 'admin' });
  return { password, supervisor: 'liu.yang@plant.example', admin: 'zhao.lei@plant.example' };
}
