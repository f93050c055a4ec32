/** Andon wall screens: the display tokens an admin issues (read-only, revocable). */
import { z } from 'zod';
import { locale } from './people.js';
import { idParam, line, lineCode } from './rules.js';

/** POST /api/v1/display-tokens */
export const displayTokenBody = z.strictObject({
  name: line(100),
  /** The lines the screen shows (rotating through them); null or absent: every line. */
  lines: z
    .array(lineCode)
    .min(1, 'give at least one line, or leave lines out for all')
    .max(50)
    .nullable()
    .default(null),
  locale: locale.default('zh-CN'),
  rotateSeconds: z
    .number({ message: 'must be a whole number of seconds' })
    .int('must be a whole number of seconds')
    .min(5, 'at least 5 seconds')
    .max(600, 'at most 600 seconds')
    .default(20),
  sound: z.boolean({ message: 'must be true or false' }).default(false),
  flash: z.boolean({ message: 'must be true or false' }).default(true),
});
export type DisplayTokenBody = z.infer<typeof displayTokenBody>;

export const displayTokenParams = z.object({ id: idParam('display token') });

/** A display token as listed (never the token itself, which is shown once when created). */
export const displayTokenView = z.object({
  id: z.number().int(),
  name: z.string(),
  lines: z.array(z.string()).nullable(),
  locale: z.string(),
  rotateSeconds: z.number().int(),
  sound: z.boolean(),
  flash: z.boolean(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
});
export type DisplayTokenView = z.infer<typeof displayTokenView>;

export const displayTokenCreated = displayTokenView.extend({
  token: z.string().describe('the token, shown only now: open /andon?token=<token> on the screen'),
  url: z.string().describe('the path to open on the screen'),
});
