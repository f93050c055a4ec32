/**
 * /api/v1/people and /api/v1/rosters (admin): people with roles, contacts and locale; lines (work
 * centres); shift patterns; roster entries and overrides; and who is on duty for a role on a line.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { getPerson, listPeople, onDuty, savePerson, toPattern } from '../../db/people.js';
import { JOB_ROLES, LOCALES, OVERRIDE_KINDS } from '../../domain/model.js';
import { isValidTimeZone } from '../../domain/shifts.js';
import { requireRole } from '../auth.js';
import { conflict, HttpProblem, notFound, parse } from '../problem.js';

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const role = z.enum(JOB_ROLES, { message: `must be one of ${JOB_ROLES.join(', ')}` });
const lineCode = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a line code such as L1');
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number such as +8613800000000');
const isoDateTime = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time with a time zone',
});
const isoDate = z.iso.date({ message: 'must be a date, YYYY-MM-DD' });
const id = (what: string) =>
  z.object({
    id: z.coerce
      .number({ message: `must be a ${what} id` })
      .int()
      .positive(`must be a ${what} id`),
  });

const personBody = z
  .strictObject({
    name: text(200),
    email: z.email({ message: 'must be an email address' }).max(320).nullable().default(null),
    phone: e164.nullable().default(null),
    locale: z.enum(LOCALES, { message: `must be one of ${LOCALES.join(', ')}` }).default('en'),
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

const lineBody = z.strictObject({
  name: text(200),
  kind: z.enum(['line', 'work_centre'], { message: 'must be line or work_centre' }).default('line'),
  active: z.boolean().default(true),
});

const patternBody = z
  .strictObject({
    name: text(64),
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

const entryBody = z
  .strictObject({
    personId: z.number().int().positive('must be a person id'),
    role,
    line: lineCode.nullable().default(null),
    patternId: z.number().int().positive('must be a shift pattern id').optional(),
    shift: z.string().min(1).max(32),
    validFrom: isoDate,
    validTo: isoDate.nullable().default(null),
  })
  .refine((e) => e.validTo === null || e.validTo >= e.validFrom, {
    path: ['validTo'],
    message: 'must not be before validFrom',
  });

const overrideBody = z
  .strictObject({
    personId: z.number().int().positive('must be a person id'),
    role,
    line: lineCode.nullable().default(null),
    kind: z.enum(OVERRIDE_KINDS, { message: `must be one of ${OVERRIDE_KINDS.join(', ')}` }),
    startsAt: isoDateTime,
    endsAt: isoDateTime,
    note: z.string().max(2000).optional(),
  })
  .refine((o) => Date.parse(o.endsAt) > Date.parse(o.startsAt), {
    path: ['endsAt'],
    message: 'must be after startsAt',
  });

const onDutyQuery = z.object({
  role,
  line: lineCode,
  at: isoDateTime.optional(),
});

type Row = Record<string, unknown>;

const bad = (field: string, message: string): HttpProblem =>
  new HttpProblem(400, 'Invalid request', `${field}: ${message}`, [{ field, message }]);

const iso = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(v as string).toISOString();
const day = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.slice(0, 10);
  const d = v as Date;
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

const entryJson = (r: Row) => ({
  id: r.id as number,
  personId: r.person_id as number,
  role: r.role as string,
  line: (r.line as string | null) ?? null,
  patternId: r.pattern_id as number,
  shift: r.shift as string,
  validFrom: day(r.valid_from),
  validTo: day(r.valid_to),
});

const overrideJson = (r: Row) => ({
  id: r.id as number,
  personId: r.person_id as number,
  role: r.role as string,
  line: (r.line as string | null) ?? null,
  kind: r.kind as string,
  startsAt: iso(r.starts_at),
  endsAt: iso(r.ends_at),
  note: (r.note as string | null) ?? null,
});

/** Postgres unique violation on the active-phone index → 409 naming the field. */
function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23505' && e.constraint === constraint;
}

export function peopleRoutes(deps: { db: Db; timeZone?: string; now?: () => Date }): Router {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const r = Router();
  const admin = requireRole('admin');

  const checkLines = async (lines: Array<string | null>): Promise<void> => {
    const wanted = [...new Set(lines.filter((l): l is string => l !== null))];
    if (wanted.length === 0) return;
    const rows: Row[] = await db('lines').whereIn('code', wanted).select('code');
    const missing = wanted.filter((w) => !rows.some((x) => x.code === w));
    if (missing.length > 0)
      throw bad('line', `no line ${missing.join(', ')}; create it with PUT /api/v1/rosters/lines/{code}`);
  };

  const save = async (body: z.infer<typeof personBody>, personId?: number): Promise<number> => {
    try {
      return await savePerson(db, body, personId);
    } catch (err) {
      if (isUniqueViolation(err, 'people_active_phone_unique'))
        throw new HttpProblem(409, 'Conflict', 'phone: another active person has this number', [
          {
            field: 'phone',
            message: 'another active person has this number (SMS replies are matched by it)',
          },
        ]);
      if (isUniqueViolation(err, 'people_email_lower_unique'))
        throw new HttpProblem(409, 'Conflict', 'email: another person has this address', [
          { field: 'email', message: 'another person has this address' },
        ]);
      throw err;
    }
  };

  // ── people ──────────────────────────────────────────────────────────────────────────────────
  r.get('/people', admin, async (req, res) => {
    const q = parse(
      z.object({
        role: role.optional(),
        active: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
      }),
      req.query,
      'query',
    );
    res.json({
      people: await listPeople(db, {
        ...(q.role ? { role: q.role } : {}),
        ...(q.active ? { active: q.active === 'true' } : {}),
      }),
    });
  });

  r.post('/people', admin, async (req, res) => {
    const body = parse(personBody, req.body ?? {}, 'body');
    const personId = await save(body);
    res
      .status(201)
      .location(`/api/v1/people/${personId}`)
      .json(await getPerson(db, personId));
  });

  r.get('/people/:id', admin, async (req, res) => {
    const { id: personId } = parse(id('person'), req.params, 'path');
    const p = await getPerson(db, personId);
    if (!p) throw notFound(`person ${personId}`);
    res.json(p);
  });

  r.put('/people/:id', admin, async (req, res) => {
    const { id: personId } = parse(id('person'), req.params, 'path');
    if (!(await getPerson(db, personId))) throw notFound(`person ${personId}`);
    const body = parse(personBody, req.body ?? {}, 'body');
    await save(body, personId);
    res.json(await getPerson(db, personId));
  });

  /** People are never deleted (the timeline and reports name them): they are deactivated. */
  r.delete('/people/:id', admin, async (req, res) => {
    const { id: personId } = parse(id('person'), req.params, 'path');
    const n = await db('people').where({ id: personId }).update({ active: false });
    if (n === 0) throw notFound(`person ${personId}`);
    res.json(await getPerson(db, personId));
  });

  // ── lines ───────────────────────────────────────────────────────────────────────────────────
  r.get('/rosters/lines', admin, async (_req, res) => {
    const rows: Row[] = await db('lines').orderBy('code');
    res.json({ lines: rows.map((l) => ({ code: l.code, name: l.name, kind: l.kind, active: l.active })) });
  });

  r.put('/rosters/lines/:code', admin, async (req, res) => {
    const { code } = parse(z.object({ code: lineCode }), req.params, 'path');
    const body = parse(lineBody, req.body ?? {}, 'body');
    await db('lines')
      .insert({ code, ...body })
      .onConflict('code')
      .merge();
    res.json({ code, ...body });
  });

  // ── shift patterns ──────────────────────────────────────────────────────────────────────────
  r.get('/rosters/shift-patterns', admin, async (_req, res) => {
    const rows: Row[] = await db('shift_patterns').orderBy('id');
    res.json({ patterns: rows.map(toPattern) });
  });

  r.post('/rosters/shift-patterns', admin, async (req, res) => {
    const body = parse(patternBody, req.body ?? {}, 'body');
    if (await db('shift_patterns').where({ name: body.name }).first('id'))
      throw new HttpProblem(409, 'Conflict', `name: a shift pattern ${body.name} exists`, [
        { field: 'name', message: 'a shift pattern with this name exists' },
      ]);
    const [row] = await db('shift_patterns')
      .insert({ name: body.name, time_zone: body.timeZone, shifts: JSON.stringify(body.shifts) })
      .returning('*');
    res.status(201).json(toPattern(row as Row));
  });

  r.put('/rosters/shift-patterns/:id', admin, async (req, res) => {
    const { id: patternId } = parse(id('shift pattern'), req.params, 'path');
    const body = parse(patternBody, req.body ?? {}, 'body');
    const used: Row[] = await db('roster_entries').where({ pattern_id: patternId }).distinct('shift');
    const gone = used.map((u) => u.shift as string).filter((s) => !body.shifts.some((x) => x.name === s));
    if (gone.length > 0) throw conflict(`roster entries still use shift ${gone.join(', ')} of this pattern`);
    const [row] = await db('shift_patterns')
      .where({ id: patternId })
      .update({ name: body.name, time_zone: body.timeZone, shifts: JSON.stringify(body.shifts) })
      .returning('*');
    if (!row) throw notFound(`shift pattern ${patternId}`);
    res.json(toPattern(row as Row));
  });

  // ── roster entries ──────────────────────────────────────────────────────────────────────────
  r.get('/rosters', admin, async (req, res) => {
    const q = parse(
      z.object({
        role: role.optional(),
        line: lineCode.optional(),
        personId: z.coerce.number().int().optional(),
      }),
      req.query,
      'query',
    );
    const entries = db('roster_entries').orderBy('id');
    const overrides = db('roster_overrides').orderBy('id');
    for (const b of [entries, overrides]) {
      if (q.role) b.where({ role: q.role });
      if (q.line) b.where({ line: q.line });
      if (q.personId) b.where({ person_id: q.personId });
    }
    res.json({
      entries: ((await entries) as Row[]).map(entryJson),
      overrides: ((await overrides) as Row[]).map(overrideJson),
    });
  });

  r.post('/rosters/entries', admin, async (req, res) => {
    const body = parse(entryBody, req.body ?? {}, 'body');
    if (!(await getPerson(db, body.personId))) throw bad('personId', `no person ${body.personId}`);
    await checkLines([body.line]);
    const pattern = body.patternId
      ? await db('shift_patterns').where({ id: body.patternId }).first()
      : await db('shift_patterns').where({ name: 'default' }).first();
    if (!pattern) throw bad('patternId', `no shift pattern ${body.patternId ?? 'default'}`);
    const p = toPattern(pattern as Row);
    if (!p.shifts.some((s) => s.name === body.shift))
      throw bad('shift', `pattern ${p.name} has shifts ${p.shifts.map((s) => s.name).join(', ')}`);
    const [row] = await db('roster_entries')
      .insert({
        person_id: body.personId,
        role: body.role,
        line: body.line,
        pattern_id: p.id,
        shift: body.shift,
        valid_from: body.validFrom,
        valid_to: body.validTo,
      })
      .returning('*');
    res.status(201).json(entryJson(row as Row));
  });

  r.delete('/rosters/entries/:id', admin, async (req, res) => {
    const { id: entryId } = parse(id('roster entry'), req.params, 'path');
    const n = await db('roster_entries').where({ id: entryId }).delete();
    if (n === 0) throw notFound(`roster entry ${entryId}`);
    res.status(204).end();
  });

  // ── overrides ───────────────────────────────────────────────────────────────────────────────
  r.post('/rosters/overrides', admin, async (req, res) => {
    const body = parse(overrideBody, req.body ?? {}, 'body');
    if (!(await getPerson(db, body.personId))) throw bad('personId', `no person ${body.personId}`);
    await checkLines([body.line]);
    const [row] = await db('roster_overrides')
      .insert({
        person_id: body.personId,
        role: body.role,
        line: body.line,
        kind: body.kind,
        starts_at: body.startsAt,
        ends_at: body.endsAt,
        note: body.note ?? null,
      })
      .returning('*');
    res.status(201).json(overrideJson(row as Row));
  });

  r.delete('/rosters/overrides/:id', admin, async (req, res) => {
    const { id: overrideId } = parse(id('roster override'), req.params, 'path');
    const n = await db('roster_overrides').where({ id: overrideId }).delete();
    if (n === 0) throw notFound(`roster override ${overrideId}`);
    res.status(204).end();
  });

  /** Who Andon would page for a role on a line now (or `at`), and how it found them. */
  r.get('/rosters/on-duty', requireRole('supervisor'), async (req, res) => {
    const q = parse(onDutyQuery, req.query, 'query');
    const at = q.at ? new Date(q.at) : now();
    const duty = await onDuty(db, q.role, q.line, at, deps.timeZone ?? 'UTC');
    res.json({
      role: q.role,
      line: q.line,
      at: at.toISOString(),
      source: duty.source,
      reason: duty.reason,
      people: duty.people.map((p) => ({
        id: p.id,
        name: p.name,
        email: p.email,
        phone: p.phone,
        locale: p.locale,
      })),
    });
  });

  return r;
}
