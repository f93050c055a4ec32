/**
 * /api/v1/people and /api/v1/rosters (admin): people with roles, contacts and locale; lines (work
 * centres); shift patterns; roster entries and overrides; and who is on duty for a role on a line.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { deactivatePerson, getPerson, listPeople, savePerson } from '../../db/people.js';
import {
  addRosterEntry,
  addRosterOverride,
  createShiftPattern,
  deleteRosterEntry,
  deleteRosterOverride,
  findShiftPattern,
  getRosterEntry,
  getRosterOverride,
  listLines,
  listRosters,
  listShiftPatterns,
  missingLines,
  onDuty,
  saveLine,
  shiftsInUse,
  updateShiftPattern,
} from '../../db/rosters.js';
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
import { audit } from '../audit.js';
import { requireRole } from '../auth.js';
import { conflict, HttpProblem, notFound, parse } from '../problem.js';

const bad = (field: string, message: string): HttpProblem =>
  new HttpProblem(400, 'Invalid request', `${field}: ${message}`, [{ field, message }]);

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
    const missing = await missingLines(db, wanted);
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
    const after = await getPerson(db, personId);
    await audit(db, req, { action: 'person.create', entity: 'person', entityId: personId, after });
    res.status(201).location(`/api/v1/people/${personId}`).json(after);
  });

  r.get('/people/:id', admin, async (req, res) => {
    const { id: personId } = parse(z.object({ id: idParam('person') }), req.params, 'path');
    const p = await getPerson(db, personId);
    if (!p) throw notFound(`person ${personId}`);
    res.json(p);
  });

  r.put('/people/:id', admin, async (req, res) => {
    const { id: personId } = parse(z.object({ id: idParam('person') }), req.params, 'path');
    const before = await getPerson(db, personId);
    if (!before) throw notFound(`person ${personId}`);
    const body = parse(personBody, req.body ?? {}, 'body');
    await save(body, personId);
    const after = await getPerson(db, personId);
    await audit(db, req, { action: 'person.update', entity: 'person', entityId: personId, before, after });
    res.json(after);
  });

  /** People are never deleted (the timeline and reports name them): they are deactivated. */
  r.delete('/people/:id', admin, async (req, res) => {
    const { id: personId } = parse(z.object({ id: idParam('person') }), req.params, 'path');
    const before = await getPerson(db, personId);
    if (!(await deactivatePerson(db, personId))) throw notFound(`person ${personId}`);
    const after = await getPerson(db, personId);
    await audit(db, req, {
      action: 'person.deactivate',
      entity: 'person',
      entityId: personId,
      before,
      after,
    });
    res.json(after);
  });

  // ── lines ───────────────────────────────────────────────────────────────────────────────────
  r.get('/rosters/lines', admin, async (_req, res) => {
    res.json({ lines: await listLines(db) });
  });

  r.put('/rosters/lines/:code', admin, async (req, res) => {
    const { code } = parse(z.object({ code: lineCode }), req.params, 'path');
    const body = parse(lineBody, req.body ?? {}, 'body');
    const before = (await listLines(db)).find((l) => l.code === code) ?? null;
    await saveLine(db, { code, ...body });
    await audit(db, req, {
      action: 'line.save',
      entity: 'line',
      entityId: code,
      before,
      after: { code, ...body },
    });
    res.json({ code, ...body });
  });

  // ── shift patterns ──────────────────────────────────────────────────────────────────────────
  r.get('/rosters/shift-patterns', admin, async (_req, res) => {
    res.json({ patterns: await listShiftPatterns(db) });
  });

  r.post('/rosters/shift-patterns', admin, async (req, res) => {
    const body = parse(patternBody, req.body ?? {}, 'body');
    if (await findShiftPattern(db, { name: body.name }))
      throw new HttpProblem(409, 'Conflict', `name: a shift pattern ${body.name} exists`, [
        { field: 'name', message: 'a shift pattern with this name exists' },
      ]);
    const pattern = await createShiftPattern(db, body);
    await audit(db, req, {
      action: 'shift_pattern.create',
      entity: 'shift_pattern',
      entityId: pattern.id,
      after: pattern,
    });
    res.status(201).json(pattern);
  });

  r.put('/rosters/shift-patterns/:id', admin, async (req, res) => {
    const { id: patternId } = parse(z.object({ id: idParam('shift pattern') }), req.params, 'path');
    const body = parse(patternBody, req.body ?? {}, 'body');
    const used = await shiftsInUse(db, patternId);
    const gone = used.filter((s) => !body.shifts.some((x) => x.name === s));
    if (gone.length > 0) throw conflict(`roster entries still use shift ${gone.join(', ')} of this pattern`);
    const before = await findShiftPattern(db, { id: patternId });
    const pattern = await updateShiftPattern(db, patternId, body);
    if (!pattern) throw notFound(`shift pattern ${patternId}`);
    await audit(db, req, {
      action: 'shift_pattern.update',
      entity: 'shift_pattern',
      entityId: patternId,
      before,
      after: pattern,
    });
    res.json(pattern);
  });

  // ── roster entries ──────────────────────────────────────────────────────────────────────────
  r.get('/rosters', admin, async (req, res) => {
    const q = parse(rostersQuery, req.query, 'query');
    res.json(await listRosters(db, q));
  });

  r.post('/rosters/entries', admin, async (req, res) => {
    const body = parse(entryBody, req.body ?? {}, 'body');
    if (!(await getPerson(db, body.personId))) throw bad('personId', `no person ${body.personId}`);
    await checkLines([body.line]);
    const p = await findShiftPattern(db, body.patternId ? { id: body.patternId } : { name: 'default' });
    if (!p) throw bad('patternId', `no shift pattern ${body.patternId ?? 'default'}`);
    if (!p.shifts.some((s) => s.name === body.shift))
      throw bad('shift', `pattern ${p.name} has shifts ${p.shifts.map((s) => s.name).join(', ')}`);
    const entry = await addRosterEntry(db, {
      personId: body.personId,
      role: body.role,
      line: body.line,
      patternId: p.id,
      shift: body.shift,
      validFrom: body.validFrom,
      validTo: body.validTo,
    });
    await audit(db, req, {
      action: 'roster_entry.create',
      entity: 'roster_entry',
      entityId: entry.id,
      after: entry,
    });
    res.status(201).json(entry);
  });

  r.delete('/rosters/entries/:id', admin, async (req, res) => {
    const { id: entryId } = parse(z.object({ id: idParam('roster entry') }), req.params, 'path');
    const before = await getRosterEntry(db, entryId);
    if (!(await deleteRosterEntry(db, entryId))) throw notFound(`roster entry ${entryId}`);
    await audit(db, req, {
      action: 'roster_entry.delete',
      entity: 'roster_entry',
      entityId: entryId,
      before,
    });
    res.status(204).end();
  });

  // ── overrides ───────────────────────────────────────────────────────────────────────────────
  r.post('/rosters/overrides', admin, async (req, res) => {
    const body = parse(overrideBody, req.body ?? {}, 'body');
    if (!(await getPerson(db, body.personId))) throw bad('personId', `no person ${body.personId}`);
    await checkLines([body.line]);
    const override = await addRosterOverride(db, {
      personId: body.personId,
      role: body.role,
      line: body.line,
      kind: body.kind,
      startsAt: body.startsAt,
      endsAt: body.endsAt,
      note: body.note ?? null,
    });
    await audit(db, req, {
      action: 'roster_override.create',
      entity: 'roster_override',
      entityId: override.id,
      after: override,
    });
    res.status(201).json(override);
  });

  r.delete('/rosters/overrides/:id', admin, async (req, res) => {
    const { id: overrideId } = parse(z.object({ id: idParam('roster override') }), req.params, 'path');
    const before = await getRosterOverride(db, overrideId);
    if (!(await deleteRosterOverride(db, overrideId))) throw notFound(`roster override ${overrideId}`);
    await audit(db, req, {
      action: 'roster_override.delete',
      entity: 'roster_override',
      entityId: overrideId,
      before,
    });
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
