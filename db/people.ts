/** People: contacts, locale and the job roles they hold (per line, or plant-wide). Never deleted. */
import type { JobRole, Locale } from '../domain/model.js';
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

interface PersonRow {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  locale: Locale;
  active: boolean;
}

interface PersonRoleRow {
  id: number;
  person_id: number;
  role: JobRole;
  line: string | null;
}

/** The columns of a Contact, for queries joining `people as p`. */
export const CONTACT_COLUMNS = ['p.id', 'p.name', 'p.email', 'p.phone', 'p.locale'] as const;

export async function getPerson(db: Db, id: number): Promise<Person | null> {
  const row = await db<PersonRow>('people').where({ id }).first();
  if (!row) return null;
  const roles = await db<PersonRoleRow>('person_roles').where({ person_id: id }).orderBy('id');
  return toPerson(row, roles);
}

export async function listPeople(db: Db, filter: { role?: JobRole; active?: boolean }): Promise<Person[]> {
  const q = db<PersonRow>('people').orderBy('id');
  if (filter.active !== undefined) q.where({ active: filter.active });
  if (filter.role) q.whereIn('id', db('person_roles').where({ role: filter.role }).select('person_id'));
  const rows = await q;
  const roles = await db<PersonRoleRow>('person_roles')
    .whereIn(
      'person_id',
      rows.map((r) => r.id),
    )
    .orderBy('id');
  return rows.map((r) =>
    toPerson(
      r,
      roles.filter((x) => x.person_id === r.id),
    ),
  );
}

function toPerson(row: PersonRow, roles: PersonRoleRow[]): Person {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    locale: row.locale,
    active: row.active,
    roles: roles.map((r) => ({ role: r.role, line: r.line })),
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
      const [row] = await trx<PersonRow>('people').insert(fields).returning('id');
      personId = row!.id;
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

/** The active person with this phone number (E.164), if any. */
export async function personByPhone(db: Db, phone: string): Promise<Contact | null> {
  const row = await db('people as p')
    .where({ 'p.phone': phone, 'p.active': true })
    .first<Contact | undefined>(...CONTACT_COLUMNS);
  return row ?? null;
}

/** The person, if active, as a contact (a task reassigned to one person pages only them). */
export async function activeContact(db: Db, id: number): Promise<Contact | null> {
  const row = await db('people as p')
    .where({ 'p.id': id, 'p.active': true })
    .first<Contact | undefined>(...CONTACT_COLUMNS);
  return row ?? null;
}

/** Deactivates a person (the timeline and reports still name them); false when there is none. */
export async function deactivatePerson(db: Db, id: number): Promise<boolean> {
  return (await db('people').where({ id }).update({ active: false })) > 0;
}
