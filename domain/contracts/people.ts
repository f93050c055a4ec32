/** People, lines, shift patterns and rosters: who Andon pages, and when. */
import { z } from 'zod';
import { LOCALES, OVERRIDE_KINDS } from '../model.js';
import { isValidTimeZone } from '../shifts.js';
import { jobRole as role } from './policy.js';
import { idParam, idValue, isoDate, isoDateTime, line, lineCode, note } from './rules.js';

export const locale = z.enum(LOCALES, { message: `must be one of ${LOCALES.join(', ')}` });
export const e164 = z
  .string({ message: 'must be an E.164 phone number such as +8613800000000' })
  .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +8613800000000');

export const personBody = z
  .strictObject({
    name: line(200),
    email: z.email({ message: 'must be an email address' }).max(320).nullable().default(null),
    phone: e164.nullable().default(null),
    locale: locale.default('en'),
    active: z.boolean().default(true),
    roles: z
      .array(z.strictObject({ role, line: lineCode.nullable().default(null) }))
      .max(50, 'at most 50 roles')
      .default([]),
  })
  .refine((p) => p.email !== null || p.phone !== null, {
    path: ['email'],
    message: 'give an email or a phone number (or both): Andon must be able to reach the person',
  });

export const lineBody = z.strictObject({
  name: line(200),
  kind: z.enum(['line', 'work_centre'], { message: 'must be line or work_centre' }).default('line'),
  active: z.boolean().default(true),
});

export const patternBody = z
  .strictObject({
    name: line(64),
    timeZone: z
      .string()
      .refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Shanghai')
      .nullable()
      .default(null),
    shifts: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be a short shift name such as A or night'),
          startHour: z.number().int().min(0, 'an hour, 0–23').max(23, 'an hour, 0–23'),
        }),
      )
      .min(1, 'a pattern needs at least one shift')
      .max(24),
  })
  .refine((p) => new Set(p.shifts.map((s) => s.name)).size === p.shifts.length, {
    path: ['shifts'],
    message: 'shift names must not repeat',
  })
  .refine((p) => new Set(p.shifts.map((s) => s.startHour)).size === p.shifts.length, {
    path: ['shifts'],
    message: 'two shifts cannot start at the same hour',
  });

export const entryBody = z
  .strictObject({
    personId: idValue('person'),
    role,
    line: lineCode.nullable().default(null),
    patternId: idValue('shift pattern').optional(),
    shift: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be a shift name such as A'),
    validFrom: isoDate,
    validTo: isoDate.nullable().default(null),
  })
  .refine((e) => e.validTo === null || e.validTo >= e.validFrom, {
    path: ['validTo'],
    message: 'must not be before validFrom',
  });

export const overrideBody = z
  .strictObject({
    personId: idValue('person'),
    role,
    line: lineCode.nullable().default(null),
    kind: z.enum(OVERRIDE_KINDS, { message: `must be one of ${OVERRIDE_KINDS.join(', ')}` }),
    startsAt: isoDateTime,
    endsAt: isoDateTime,
    note: note(2000).optional(),
  })
  .refine((o) => Date.parse(o.endsAt) > Date.parse(o.startsAt), {
    path: ['endsAt'],
    message: 'must be after startsAt',
  });

export const onDutyQuery = z.object({
  role,
  line: lineCode,
  at: isoDateTime.optional(),
});

export const peopleQuery = z.object({
  role: role.optional(),
  active: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
});

export const rostersQuery = z.object({
  role: role.optional(),
  line: lineCode.optional(),
  personId: idParam('person').optional(),
});

export type PersonBody = z.infer<typeof personBody>;
