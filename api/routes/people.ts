/**
 * /api/v1/people and /api/v1/rosters (admin): people with roles, contacts and locale; lines (work
 * centres); shift patterns; roster entries and overrides; and who is on duty for a role on a line.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { getPerson, listPeople, onDuty, savePerson, toPattern } from '../../db/people.js';
import {
  entryBody,
  lineBody,
  onDutyQuery,
  overrideBody,
  patternBody,
  personBody,
  peopleQuery,
  rostersQuery,
} from '../../domain/contracts/people.js';
import { idParam, lineCode } from '../../domain/contracts/rules.js';
import { requireRole } from '../auth.js';
import { conflict, HttpProblem, notFound, parse } from '../problem.js';

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
    const q = parse(peopleQuery, req.query, 'query');
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
    const { id: personId } = parse(z.object({ id: idParam('person') }), req.params, 'path');
    const p = await getPerson(db, personId);
    if (!p) throw notFound(`person ${personId}`);
    res.json(p);
  });

  r.put('/people/:id', admin, async (req, res) => {
    const { id: personId } = parse(z.object({ id: idParam('person') }), req.params, 'path');
    if (!(await getPerson(db, personId))) throw notFound(`person ${personId}`);
    const body = parse(personBody, req.body ?? {}, 'body');
    await save(body, personId);
    res.json(await getPerson(db, personId));
  });

  /** People are never deleted (the timeline and reports name them): they are deactivated. */
  r.delete('/people/:id', admin, async (req, res) => {
    const { id: personId } = parse(z.object({ id: idParam('person') }), req.params, 'path');
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
    const { id: patternId } = parse(z.object({ id: idParam('shift pattern') }), req.params, 'path');
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
    const q = parse(rostersQuery, req.query, 'query');
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
    const { id: entryId } = parse(z.object({ id: idParam('roster entry') }), req.params, 'path');
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
    const { id: overrideId } = parse(z.object({ id: idParam('roster override') }), req.params, 'path');
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
