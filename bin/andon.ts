/**
 * The administrator's command line, straight on the database (DATABASE_URL) — for the first admin of
 * a new installation, and for when the web UI is out of reach. Every change goes to the audit log
 * as made by `cli:<OS user>`.
 *
 *   npm run andon -- user add --email li@plant.example --name "Li Wei" [--role admin] [--locale en]
 *   npm run andon -- user list
 *   npm run andon -- user invite|reset|unlock|deactivate|activate <email>
 *   npm run andon -- user role <email> staff|supervisor|admin
 *   npm run andon -- key create --name "MES line 1" --role mes [--person <email>]
 *   npm run andon -- key list [--all]
 *   npm run andon -- key rotate <id> [--overlap <seconds>]
 *   npm run andon -- key revoke <id>
 *   npm run andon -- audit [--entity user] [--limit 50]
 *
 * In a container: `docker compose run --rm andon-api node dist/bin/andon.js user add …`.
 */
import { hostname, userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { listApiKeys } from '../db/api-keys.js';
import { listAudit, type AuditActor } from '../db/audit-log.js';
import { createDb, migrate, probeDatabase } from '../db/index.js';
import { findUserByEmail, listUsers, type UserAccount } from '../db/users.js';
import { apiKeyBody, rotateBody, userBody, webRole } from '../domain/contracts/accounts.js';
import {
  AccountError,
  createUser,
  issueApiKey,
  issuePasswordLink,
  revokeKey,
  rotateKey,
  unlockUser,
  updateUser,
  type IssuedLink,
} from '../lib/accounts.js';
import { loadConfig } from '../lib/config.js';
import { explainStartupError } from '../lib/startup-errors.js';

const USAGE = `usage: npm run andon -- <command>
  user add --email <email> --name <name> [--role staff|supervisor|admin] [--locale zh-CN|en]
  user list
  user invite|reset|unlock|deactivate|activate <email>
  user role <email> <staff|supervisor|admin>
  key create --name <name> --role <mes|staff|supervisor|admin> [--person <email>]
  key list [--all]
  key rotate <id> [--overlap <seconds>]
  key revoke <id>
  audit [--entity <kind>] [--limit <n>]
Needs DATABASE_URL; links use ANDON_PUBLIC_URL (default http://localhost:$PORT).`;

/** A refusal the CLI prints as one line (exit code 1). */
class Refused extends Error {}

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    locale: { type: 'string' },
    person: { type: 'string' },
    overlap: { type: 'string' },
    entity: { type: 'string' },
    limit: { type: 'string' },
    all: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

const os = userInfo().username;
const actor: AuditActor = { kind: 'cli', id: os, name: `${os}@${hostname()} (andon CLI)` };

function check<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new Refused(r.error.issues.map((i) => `--${i.path.join('.') || 'value'}: ${i.message}`).join('; '));
  return r.data;
}

const printLink = (issued: IssuedLink): void => {
  console.log(`${issued.user.name} <${issued.user.email}> (${issued.user.webRole})`);
  console.log(`One-time link to set a password, valid until ${issued.link.expiresAt.toISOString()}:`);
  console.log(issued.link.url);
};

const printUser = (u: UserAccount): string =>
  [
    String(u.id).padStart(4),
    u.email.padEnd(32),
    u.webRole.padEnd(10),
    u.active ? 'active' : 'inactive',
    u.passwordSet ? '' : 'no password',
    u.lockedUntil ? `locked until ${u.lockedUntil.toISOString()}` : '',
    u.name,
  ]
    .filter(Boolean)
    .join('  ');

async function main(): Promise<void> {
  const [area, verb, ...rest] = positionals;
  if (opts.help || !area) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig();
  if (!config.DATABASE_URL) throw new Refused('set DATABASE_URL to the database Andon uses');
  const publicUrl = config.ANDON_PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  await probeDatabase(config.DATABASE_URL);
  const db = createDb(config.DATABASE_URL, { max: 2, applicationName: 'andon-cli' });
  try {
    await migrate(db);
    const userOf = async (email: string | undefined): Promise<UserAccount> => {
      if (!email) throw new Refused(`give the user's email: npm run andon -- user ${verb} <email>`);
      const u = await findUserByEmail(db, email);
      if (!u) throw new Refused(`no user with email ${email}`);
      return u;
    };
    const command = `${area} ${verb ?? ''}`.trim();
    switch (command) {
      case 'user add': {
        const body = check(userBody, {
          name: opts.name,
          email: opts.email,
          ...(opts.role ? { webRole: opts.role } : {}),
          ...(opts.locale ? { locale: opts.locale } : {}),
        });
        printLink(await createUser(db, actor, publicUrl, body));
        return;
      }
      case 'user list':
        for (const u of await listUsers(db)) console.log(printUser(u));
        return;
      case 'user invite':
      case 'user reset':
        printLink(
          await issuePasswordLink(
            db,
            actor,
            publicUrl,
            (await userOf(rest[0])).id,
            verb as 'invite' | 'reset',
          ),
        );
        return;
      case 'user unlock':
        await unlockUser(db, actor, (await userOf(rest[0])).id);
        console.log(`unlocked ${rest[0]}`);
        return;
      case 'user deactivate':
      case 'user activate':
        console.log(
          printUser(await updateUser(db, actor, (await userOf(rest[0])).id, { active: verb === 'activate' })),
        );
        return;
      case 'user role': {
        const role = check(webRole, rest[1]);
        console.log(printUser(await updateUser(db, actor, (await userOf(rest[0])).id, { webRole: role })));
        return;
      }
      case 'key create': {
        const personId = opts.person ? (await userOf(opts.person)).id : null;
        const body = check(apiKeyBody, { name: opts.name, role: opts.role, personId });
        const { key, apiKey } = await issueApiKey(db, actor, body);
        console.log(`API key ${apiKey.id} "${apiKey.name}" (${apiKey.role}). Shown only now:`);
        console.log(key);
        return;
      }
      case 'key list':
        for (const k of await listApiKeys(db, { active: !opts.all }))
          console.log(
            [
              String(k.id).padStart(4),
              `${k.prefix ?? '?'}…`.padEnd(12),
              k.role.padEnd(10),
              k.revokedAt
                ? `revoked ${k.revokedAt.toISOString()}`
                : k.expiresAt
                  ? `expires ${k.expiresAt.toISOString()}`
                  : 'active',
              `last used ${k.lastUsedAt?.toISOString() ?? 'never'}`,
              k.name,
            ].join('  '),
          );
        return;
      case 'key rotate': {
        const id = check(z.coerce.number().int().positive(), rest[0]);
        const { overlapSeconds } = check(rotateBody, {
          overlapSeconds: opts.overlap ? Number(opts.overlap) : 0,
        });
        const { key, apiKey } = await rotateKey(db, actor, id, overlapSeconds);
        console.log(
          `API key ${id} replaced by ${apiKey.id} "${apiKey.name}" (${apiKey.role}). Shown only now:`,
        );
        console.log(key);
        return;
      }
      case 'key revoke': {
        const id = check(z.coerce.number().int().positive(), rest[0]);
        const k = await revokeKey(db, actor, id);
        console.log(`revoked API key ${k.id} "${k.name}"`);
        return;
      }
      case 'audit': {
        const limit = check(z.coerce.number().int().min(1).max(500).default(50), opts.limit);
        const { entries } = await listAudit(db, { limit, ...(opts.entity ? { entity: opts.entity } : {}) });
        for (const e of entries)
          console.log(
            `${e.at.toISOString()}  ${e.actor.name}  ${e.action}  ${e.entity} ${e.entityId ?? ''}  ${JSON.stringify(e.before)} → ${JSON.stringify(e.after)}`,
          );
        return;
      }
      default:
        throw new Refused(`unknown command "${command}"\n${USAGE}`);
    }
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  if (err instanceof Refused || err instanceof AccountError) console.error(`andon: ${err.message}`);
  else {
    let url: string | undefined;
    try {
      url = loadConfig().DATABASE_URL;
    } catch {
      url = undefined;
    }
    console.error(`andon: ${explainStartupError(err, url ? { databaseUrl: url } : {})}`);
  }
  process.exitCode = 1;
});
