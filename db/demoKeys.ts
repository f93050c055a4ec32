/** Demo API keys for the embedded start: made once, kept in the data directory, shown at every start. */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_ROLES, type ApiRole } from '../domain/model.js';
import { createApiKey, verifyApiKey } from './apiKeys.js';
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
