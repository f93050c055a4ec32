/**
 * People, lines, shift patterns and rosters, and the answer to "who holds role R on line L right now":
 *   1. `cover` overrides active now (they replace the roster for their period);
 *   2. roster entries for the shift running now (per the entry's shift pattern, in its time zone);
 *   3. `on_call` overrides active now (when nobody is rostered on this shift);
 *   4. only when the role has no roster at all on the line: the plain `person_roles` holders.
 */
import type { Knex } from 'knex';
import type { JobRole, Locale, OverrideKind } from '../domain/model.js';
import { localHour, shiftAt, type ShiftPattern } from '../domain/shifts.js';
import type { Db } from './index.js';

export interface Person {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  locale: Locale;
  active: boolean;
  roles: Array<{ role: JobRole; line: string | null }>;
}

export interface Contact {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  locale: string;
}

type Row = Record<string, unknown>;
type Q = Db | Knex.Transaction;

const CONTACT_COLUMNS = ['p.id', 'p.name', 'p.email', 'p.phone', 'p.locale'] as const;

export async function getPerson(db: Q, id: number): Promise<Person | null> {
  const row: Row | undefined = await db('people').where({ id }).first();
  if (!row) return null;
  const roles: Row[] = await db('person_roles').where({ person_id: id }).orderBy('id');
  return toPerson(row, roles);
}

export async function listPeople(db: Q, filter: { role?: JobRole; active?: boolean }): Promise<Person[]> {
  const q = db('people').orderBy('id');
  if (filter.active !== undefined) q.where({ active: filter.active });
  if (filter.role) q.whereIn('id', db('person_roles').where({ role: filter.role }).select('person_id'));
  const rows: Row[] = await q;
  const roles: Row[] = await db('person_roles')
    .whereIn(
      'person_id',
      rows.map((r) => r.id as number),
    )
    .orderBy('id');
  return rows.map((r) =>
    toPerson(
      r,
      roles.filter((x) => x.person_id === r.id),
    ),
  );
}

function toPerson(row: Row, roles: Row[]): Person {
  return {
    id: row.id as number,
    name: row.name as string,
    email: (row.email as string | null) ?? null,
    phone: (row.phone as string | null) ?? null,
    locale: row.locale as Locale,
    active: row.active as boolean,
    roles: roles.map((r) => ({ role: r.role as JobRole, line: (r.line as string | null) ?? null })),
  };
}

export interface PersonInput {
  name: string;
  email: string | null;
  phone: string | null;
  locale: Locale;
  active: boolean;
  roles: Array<{ role: JobRole; line: string | null }>;
}

/** Inserts (id undefined) or replaces a person and their roles; returns the id. */
export async function savePerson(db: Db, input: PersonInput, id?: number): Promise<number> {
  return db.transaction(async (trx) => {
    const fields = {
      name: input.name,
      email: input.email,
      phone: input.phone,
      locale: input.locale,
      active: input.active,
    };
    let personId: number;
    if (id === undefined) {
      const [row] = await trx('people').insert(fields).returning('id');
      personId = row.id as number;
    } else {
      await trx('people').where({ id }).update(fields);
      personId = id;
      await trx('person_roles').where({ person_id: id }).delete();
    }
    const unique = new Map(input.roles.map((r) => [`${r.role}|${r.line ?? ''}`, r]));
    for (const r of unique.values())
      await trx('person_roles').insert({ person_id: personId, role: r.role, line: r.line });
    return personId;
  });
}

export interface ShiftPatternRecord {
  id: number;
  name: string;
  timeZone: string | null;
  shifts: ShiftPattern['shifts'];
}

export const toPattern = (r: Row): ShiftPatternRecord => ({
  id: r.id as number,
  name: r.name as string,
  timeZone: (r.time_zone as string | null) ?? null,
  shifts: r.shifts as ShiftPattern['shifts'],
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
  db: Q,
  role: JobRole,
  line: string,
  at: Date,
  plantTimeZone = 'UTC',
): Promise<OnDuty> {
  const lineMatch = (q: Knex.QueryBuilder, column: string): void => {
    q.where((w) => w.where(column, line).orWhereNull(column));
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
    .select('e.person_id', 'e.shift', 'e.valid_from', 'e.valid_to', 's.time_zone', 's.shifts');
  lineMatch(entriesQ, 'e.line');
  const entries: Row[] = await entriesQ;

  if (entries.length > 0) {
    const onShift = new Set<number>();
    const running = new Set<string>();
    for (const e of entries) {
      const tz = (e.time_zone as string | null) ?? plantTimeZone;
      const shifts = e.shifts as ShiftPattern['shifts'];
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
      if (e.shift === shift && from <= day && (to === null || day <= to)) onShift.add(e.person_id as number);
    }
    if (onShift.size > 0) {
      const people: Contact[] = await db('people as p')
        .whereIn('p.id', [...onShift])
        .andWhere('p.active', true)
        .select(...CONTACT_COLUMNS)
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

  const holders: Contact[] = await db('people as p')
    .join('person_roles as r', 'r.person_id', 'p.id')
    .where('r.role', role)
    .andWhere((q) => q.where('r.line', line).orWhereNull('r.line'))
    .andWhere('p.active', true)
    .distinct(...CONTACT_COLUMNS)
    .orderBy('p.id');
  if (holders.length > 0) return { people: holders, source: 'role', reason: null };
  const onCall = await overrides('on_call');
  if (onCall.length > 0) return { people: onCall, source: 'on_call', reason: null };
  return { people: [], source: null, reason: `nobody holds role ${role} on line ${line}` };
}

/** A `date` column as YYYY-MM-DD (pg returns a Date at local midnight). */
function dateOnly(v: unknown): string {
  if (typeof v === 'string') return v.slice(0, 10);
  const d = v as Date;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The active person with this phone number (E.164), if any. */
export async function personByPhone(db: Q, phone: string): Promise<Contact | null> {
  const row: Contact | undefined = await db('people as p')
    .where({ 'p.phone': phone, 'p.active': true })
    .first(...CONTACT_COLUMNS);
  return row ?? null;
}
