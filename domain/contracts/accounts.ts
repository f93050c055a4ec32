/**
 * Accounts and keys: web users (people who sign in, with a web role), their one-time set-password
 * links, API keys, and the audit log — the requests and the answers.
 */
import { z } from 'zod';
import { API_ROLES, LOCALES } from '../model.js';
import { idValue, isoDateTime, line } from './rules.js';

/** A password as people choose it: long rather than clever; any characters (it is only hashed). */
export const passwordBody = z.strictObject({
  password: z
    .string({ message: 'must be text' })
    .min(10, 'at least 10 characters')
    .max(1000, 'at most 1000 characters'),
});

/** What a person may do in the web UI (they nest: admin ⊃ supervisor ⊃ staff). */
export const WEB_ROLES = ['staff', 'supervisor', 'admin'] as const;
export const webRole = z.enum(WEB_ROLES, { message: `must be one of ${WEB_ROLES.join(', ')}` });

const email = z.email({ message: 'must be an email address' }).max(320);

/** POST /api/v1/users: a new person who signs in; they get an invitation link. */
export const userBody = z.strictObject({
  name: line(200),
  email,
  webRole: webRole.default('staff'),
  locale: z.enum(LOCALES, { message: `must be one of ${LOCALES.join(', ')}` }).default('zh-CN'),
});

/** PATCH /api/v1/users/{id}: change the web role, or (de)activate. */
export const userPatch = z
  .strictObject({
    webRole: webRole.optional(),
    active: z.boolean({ message: 'must be true or false' }).optional(),
  })
  .refine((b) => b.webRole !== undefined || b.active !== undefined, {
    path: ['webRole'],
    message: 'give webRole or active (or both)',
  });

export const usersQuery = z.strictObject({
  active: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
});

/** POST /api/v1/api-keys */
export const apiKeyBody = z.strictObject({
  name: line(200),
  role: z.enum(API_ROLES, { message: `must be one of ${API_ROLES.join(', ')}` }),
  /** Actions taken with the key are the person's (their name on the timeline). */
  personId: idValue('person').nullable().default(null),
});

/** POST /api/v1/api-keys/{id}/rotate */
export const rotateBody = z.strictObject({
  /** How long the old key keeps working (time to deploy the new one); 0: it stops now. */
  overlapSeconds: z
    .number({ message: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .min(0, 'must be 0 or more')
    .max(7 * 24 * 3600, 'at most 7 days (604800)')
    .default(0),
});

export const apiKeysQuery = z.strictObject({
  active: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
});

export const auditQuery = z.strictObject({
  entity: line(50).optional(),
  entityId: line(100).optional(),
  action: line(100).optional(),
  actor: z
    .string()
    .regex(
      /^(api_key|web|cli|system):.{1,100}$/,
      'must be <kind>:<id>, kind one of api_key, web, cli, system',
    )
    .optional(),
  since: isoDateTime.optional(),
  until: isoDateTime.optional(),
  before: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, 'must be an audit entry id')
    .transform(Number)
    .optional(),
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,3}$/, 'must be a whole number from 1 to 500')
    .transform(Number)
    .refine((n) => n <= 500, 'must be a whole number from 1 to 500')
    .default(100),
});

// ── answers ──────────────────────────────────────────────────────────────────────────────────
const when = z.string().describe('ISO 8601 date-time');

export const userResponse = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string(),
  locale: z.enum(LOCALES),
  webRole: webRole,
  active: z.boolean(),
  passwordSet: z.boolean(),
  lockedUntil: when.nullable(),
  lastLoginAt: when.nullable(),
  pendingLink: z.object({ purpose: z.enum(['invite', 'reset']), expiresAt: when }).nullable(),
});
export const usersResponse = z.object({ users: z.array(userResponse) });

/** A set-password link, shown once to whoever made it (to pass on to the person). */
export const passwordLinkResponse = z.object({
  user: userResponse,
  link: z.object({ url: z.string(), purpose: z.enum(['invite', 'reset']), expiresAt: when }),
});

export const apiKeyResponse = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(API_ROLES),
  personId: z.number().int().nullable(),
  prefix: z.string().nullable(),
  createdAt: when,
  createdBy: z.string().nullable(),
  lastUsedAt: when.nullable(),
  expiresAt: when.nullable(),
  revokedAt: when.nullable(),
  replacedBy: z.number().int().nullable(),
});
export const apiKeysResponse = z.object({ apiKeys: z.array(apiKeyResponse) });
/** A new key: the only time its value is shown. */
export const issuedKeyResponse = z.object({ key: z.string(), apiKey: apiKeyResponse });

export const auditEntryResponse = z.object({
  id: z.number().int(),
  at: when,
  actor: z.object({
    kind: z.enum(['api_key', 'web', 'cli', 'system']),
    id: z.string().nullable(),
    name: z.string(),
  }),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  address: z.string().nullable(),
});
export const auditResponse = z.object({
  entries: z.array(auditEntryResponse),
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: z.number().int().nullable(),
});
