/**
 * Lines, shift patterns, roster entries and overrides, and the answer to "who holds role R on line L
 * right now":
 *   1. `cover` overrides active now (they replace the roster for their period);
 *   2. roster entries for the shift running now (per the entry's shift pattern, in its time zone);
 *   3. `on_call` overrides active now (when nobody is rostered on this shift);
 *   4. only when the role has no roster at all on the line: the plain `person_roles` holders.
 */
import type { Knex } from 'knex';
import type { JobRole, OverrideKind } from '../domain/model.js';
import { localHour, shiftAt, type ShiftPattern } from '../domain/shifts.js';
import type { Db } from './index.js';
import { CONTACT_COLUMNS, type Contact } from './people.js';

// Rows as pg returns them: `date` columns as Date (local midnight), timestamps as Date, jsonb parsed.
interface ShiftPatternRow {
  id: number;
  name: string;
  time_zone: string | null;
  shifts: ShiftPattern['shifts'];
}
interface LineRow {
  code: string;
  name: string;
  kind: LineRecord['kind'];
  active: boolean;
}
interface RosterEntryRow {
  id: number;
  person_id: number;
  role: JobRole;
  line: string | null;
  pattern_id: number;
  shift: string;
  valid_from: Date | string;
  valid_to: Date | string | null;
}
interface RosterOverrideRow {
  id: number;
  person_id: number;
  role: JobRole;
  line: string | null;
  kind: OverrideKind;
  starts_at: Date;
  ends_at: Date;
  note: string | null;
}
/** A roster entry joined with its shift pattern, for onDuty. */
type EntryOnPattern = Pick<RosterEntryRow, 'person_id' | 'shift' | 'valid_from' | 'valid_to'> &
  Pick<ShiftPatternRow, 'time_zone' | 'shifts'>;

export interface ShiftPatternRecord {
  id: number;
  name: string;
  timeZone: string | null;
  shifts: ShiftPattern['shifts'];
}

const toPattern = (r: ShiftPatternRow): ShiftPatternRecord => ({
  id: r.id,
  name: r.name,
  timeZone: r.time_zone,
  shifts: r.shifts,
});

/** YYYY-MM-DD of `at` in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

export interface OnDuty {
  people: Contact[];
  /** How they were found: cover / roster / on_call / role (person_roles); or null when nobody. */
  source: 'cover' | 'roster' | 'on_call' | 'role' | null;
  /** Why nobody was found, for the timeline. */
  reason: string | null;
}

/** Who holds `role` on `line` at `at` (see the file comment for the order). */
export async function onDuty(
  db: Db,
  role: JobRole,
  line: string,
  at: Date,
  plantTimeZone = 'UTC',
): Promise<OnDuty> {
  // knex ignores what a where-callback returns: block bodies, so the (thenable) builder is not returned.
  const lineMatch = (q: Knex.QueryBuilder, column: string): void => {
    q.where((w) => {
      w.where(column, line).orWhereNull(column);
    });
  };
  const overrides = async (kind: OverrideKind): Promise<Contact[]> => {
    const q = db('roster_overrides as o')
      .join('people as p', 'p.id', 'o.person_id')
      .where('o.role', role)
      .andWhere('o.kind', kind)
      .andWhere('o.starts_at', '<=', at)
      .andWhere('o.ends_at', '>', at)
      .andWhere('p.active', true);
    lineMatch(q, 'o.line');
    return q.distinct(...CONTACT_COLUMNS).orderBy('p.id');
  };

  const cover = await overrides('cover');
  if (cover.length > 0) return { people: cover, source: 'cover', reason: null };

  const entriesQ = db('roster_entries as e')
    .join('shift_patterns as s', 's.id', 'e.pattern_id')
    .where('e.role', role)
    .select<EntryOnPattern[]>(
      'e.person_id',
      'e.shift',
      'e.valid_from',
      'e.valid_to',
      's.time_zone',
      's.shifts',
    );
  lineMatch(entriesQ, 'e.line');
  const entries = await entriesQ;

  if (entries.length > 0) {
    const onShift = new Set<number>();
    const running = new Set<string>();
    for (const e of entries) {
      const tz = e.time_zone ?? plantTimeZone;
      const shifts = e.shifts;
      const shift = shiftAt(at, tz, { shifts });
      running.add(shift);
      // Dates are those of the shift's start: a night shift that began yesterday evening counts as yesterday's.
      const startHour = shifts.find((s) => s.name === shift)?.startHour ?? 0;
      const day =
        localHour(at, tz) < startHour
          ? localDate(new Date(at.getTime() - 24 * 3600_000), tz)
          : localDate(at, tz);
      const from = dateOnly(e.valid_from);
      const to = e.valid_to === null ? null : dateOnly(e.valid_to);
      if (e.shift === shift && from <= day && (to === null || day <= to)) onShift.add(e.person_id);
    }
    if (onShift.size > 0) {
      const people = await db('people as p')
        .whereIn('p.id', [...onShift])
        .andWhere('p.active', true)
        .select<Contact[]>(...CONTACT_COLUMNS)
        .orderBy('p.id');
      if (people.length > 0) return { people, source: 'roster', reason: null };
    }
    const onCall = await overrides('on_call');
    if (onCall.length > 0) return { people: onCall, source: 'on_call', reason: null };
    return {
      people: [],
      source: null,
      reason: `nobody holding role ${role} is on shift ${[...running].join('/')} on line ${line}, and nobody is on call`,
    };
  }

  const holders = await db('people as p')
    .join('person_roles as r', 'r.person_id', 'p.id')
    .where('r.role', role)
    .andWhere((q) => {
      q.where('r.line', line).orWhereNull('r.line');
    })
    .andWhere('p.active', true)
    .distinct<Contact[]>(...CONTACT_COLUMNS)
    .orderBy('p.id');
  if (holders.length > 0) return { people: holders, source: 'role', reason: null };
  const onCall = await overrides('on_call');
  if (onCall.length > 0) return { people: onCall, source: 'on_call', reason: null };
  return { people: [], source: null, reason: `nobody holds role ${role} on line ${line}` };
}

/** A `date` column as YYYY-MM-DD (pg returns a Date at local midnight). */
function dateOnly(v: Date | string): string {
  if (typeof v === 'string') return v.slice(0, 10);
  const d = v;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

// ── lines ─────────────────────────────────────────────────────────────────────────────────────

export interface LineRecord {
  code: string;
  name: string;
  kind: 'line' | 'work_centre';
  active: boolean;
}

export async function listLines(db: Db): Promise<LineRecord[]> {
  const rows = await db<LineRow>('lines').orderBy('code');
  return rows.map((l) => ({ code: l.code, name: l.name, kind: l.kind, active: l.active }));
}

/** Creates the line or replaces its name, kind and state. */
export async function saveLine(db: Db, line: LineRecord): Promise<void> {
  const { code, ...fields } = line;
  await db('lines')
    .insert({ code, ...fields })
    .onConflict('code')
    .merge();
}

/** Which of these line codes do not exist. */
export async function missingLines(db: Db, codes: string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const rows = await db<LineRow>('lines').whereIn('code', codes).select('code');
  return codes.filter((c) => !rows.some((r) => r.code === c));
}

// ── shift patterns ────────────────────────────────────────────────────────────────────────────

export type NewShiftPattern = Omit<ShiftPatternRecord, 'id'>;

const patternRow = (p: NewShiftPattern): Record<string, unknown> => ({
  name: p.name,
  time_zone: p.timeZone,
  shifts: JSON.stringify(p.shifts),
});

export async function listShiftPatterns(db: Db): Promise<ShiftPatternRecord[]> {
  const rows = await db<ShiftPatternRow>('shift_patterns').orderBy('id');
  return rows.map(toPattern);
}

/** A pattern by id, or by name (`default` is the one entries without a pattern use). */
export async function findShiftPattern(
  db: Db,
  by: { id: number } | { name: string },
): Promise<ShiftPatternRecord | null> {
  const row = await db<ShiftPatternRow>('shift_patterns').where(by).first();
  return row ? toPattern(row) : null;
}

export async function createShiftPattern(db: Db, p: NewShiftPattern): Promise<ShiftPatternRecord> {
  const [row] = await db('shift_patterns').insert(patternRow(p)).returning<ShiftPatternRow[]>('*');
  return toPattern(row!);
}

/** Replaces a pattern; null when there is none with this id. */
export async function updateShiftPattern(
  db: Db,
  id: number,
  p: NewShiftPattern,
): Promise<ShiftPatternRecord | null> {
  const [row] = await db('shift_patterns')
    .where({ id })
    .update(patternRow(p))
    .returning<ShiftPatternRow[]>('*');
  return row ? toPattern(row) : null;
}

/** The shift names roster entries use of this pattern. */
export async function shiftsInUse(db: Db, patternId: number): Promise<string[]> {
  const rows = await db<RosterEntryRow>('roster_entries').where({ pattern_id: patternId }).distinct('shift');
  return rows.map((r) => r.shift);
}

// ── roster entries and overrides ──────────────────────────────────────────────────────────────

export interface RosterEntry {
  id: number;
  personId: number;
  role: JobRole;
  line: string | null;
  patternId: number;
  shift: string;
  validFrom: string;
  validTo: string | null;
}

export interface RosterOverride {
  id: number;
  personId: number;
  role: JobRole;
  line: string | null;
  kind: OverrideKind;
  startsAt: string;
  endsAt: string;
  note: string | null;
}

const toEntry = (r: RosterEntryRow): RosterEntry => ({
  id: r.id,
  personId: r.person_id,
  role: r.role,
  line: r.line,
  patternId: r.pattern_id,
  shift: r.shift,
  validFrom: dateOnly(r.valid_from),
  validTo: r.valid_to === null ? null : dateOnly(r.valid_to),
});

const toOverride = (r: RosterOverrideRow): RosterOverride => ({
  id: r.id,
  personId: r.person_id,
  role: r.role,
  line: r.line,
  kind: r.kind,
  startsAt: new Date(r.starts_at).toISOString(),
  endsAt: new Date(r.ends_at).toISOString(),
  note: r.note,
});

/** Entries and overrides, oldest first, of a role, line and/or person. */
export async function listRosters(
  db: Db,
  f: { role?: JobRole | undefined; line?: string | undefined; personId?: number | undefined },
): Promise<{ entries: RosterEntry[]; overrides: RosterOverride[] }> {
  const entries = db<RosterEntryRow>('roster_entries').orderBy('id');
  const overrides = db<RosterOverrideRow>('roster_overrides').orderBy('id');
  for (const q of [entries, overrides]) {
    if (f.role) q.where({ role: f.role });
    if (f.line) q.where({ line: f.line });
    if (f.personId) q.where({ person_id: f.personId });
  }
  return { entries: (await entries).map(toEntry), overrides: (await overrides).map(toOverride) };
}

export async function addRosterEntry(db: Db, e: Omit<RosterEntry, 'id'>): Promise<RosterEntry> {
  const [row] = await db<RosterEntryRow>('roster_entries')
    .insert({
      person_id: e.personId,
      role: e.role,
      line: e.line,
      pattern_id: e.patternId,
      shift: e.shift,
      valid_from: e.validFrom,
      valid_to: e.validTo,
    })
    .returning('*');
  return toEntry(row!);
}

export async function addRosterOverride(db: Db, o: Omit<RosterOverride, 'id'>): Promise<RosterOverride> {
  const [row] = await db('roster_overrides')
    .insert({
      person_id: o.personId,
      role: o.role,
      line: o.line,
      kind: o.kind,
      starts_at: o.startsAt,
      ends_at: o.endsAt,
      note: o.note,
    })
    .returning<RosterOverrideRow[]>('*');
  return toOverride(row!);
}

/** Deletes an entry; false when there is none. */
export async function deleteRosterEntry(db: Db, id: number): Promise<boolean> {
  return (await db('roster_entries').where({ id }).delete()) > 0;
}

/** Deletes an override; false when there is none. */
export async function deleteRosterOverride(db: Db, id: number): Promise<boolean> {
  return (await db('roster_overrides').where({ id }).delete()) > 0;
}

/** One entry (the audit log keeps what a deleted one was). */
export async function getRosterEntry(db: Db, id: number): Promise<RosterEntry | null> {
  const row = await db<RosterEntryRow>('roster_entries').where({ id }).first();
  return row ? toEntry(row) : null;
}

export async function getRosterOverride(db: Db, id: number): Promise<RosterOverride | null> {
  const row = await db<RosterOverrideRow>('roster_overrides').where({ id }).first();
  return row ? toOverride(row) : null;
}
