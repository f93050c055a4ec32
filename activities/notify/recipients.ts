/**
 * Who is paged for a level of the ladder: the person a task was reassigned to, or whoever holds the
 * level's role on the line now (rosters first, see db/rosters.ts); on which of their channels; and,
 * when nobody can be paged, why — the timeline says it.
 */
import type { Db } from '../../db/index.js';
import { activeContact, type Contact } from '../../db/people.js';
import { onDuty } from '../../db/rosters.js';
import type { LadderLevel } from '../../domain/contracts/policy.js';
import { CHANNELS, type Channel } from '../../domain/model.js';

export interface Recipient {
  person: Contact;
  channel: Channel;
  address: string;
}

export const addressOf = (p: Contact, channel: Channel): string | null =>
  channel === 'email' ? p.email : p.phone;

export type Paged =
  | { people: Contact[]; recipients: Recipient[]; nobody: null }
  /** Nobody can be paged, and why. */
  | { people: Contact[]; recipients: []; nobody: string };

export async function findRecipients(
  deps: { db: Db; now: () => Date; timeZone: string },
  page: { level: LadderLevel; line: string; personId?: number | null | undefined },
): Promise<Paged> {
  const { level, line } = page;
  let people: Contact[];
  let nobodyReason: string;
  if (page.personId != null) {
    const person = await activeContact(deps.db, page.personId);
    people = person ? [person] : [];
    nobodyReason = `person ${page.personId} is not active`;
  } else {
    const duty = await onDuty(deps.db, level.targetRole, line, deps.now(), deps.timeZone);
    people = duty.people;
    nobodyReason = duty.reason ?? `nobody holds role ${level.targetRole} on line ${line}`;
  }
  if (people.length === 0) return { people, recipients: [], nobody: nobodyReason };

  // Each person on the level's channels they can be reached on; when they have none of those, their other one.
  const recipients: Recipient[] = [];
  const unreachable: string[] = [];
  for (const person of people) {
    const mine: Recipient[] = [];
    for (const channel of level.channels) {
      const address = addressOf(person, channel);
      if (address) mine.push({ person, channel, address });
    }
    if (mine.length === 0) {
      for (const channel of CHANNELS) {
        const address = addressOf(person, channel);
        if (address) {
          mine.push({ person, channel, address });
          break;
        }
      }
    }
    if (mine.length === 0) unreachable.push(person.name);
    recipients.push(...mine);
  }
  if (recipients.length === 0) {
    return {
      people,
      recipients: [],
      nobody: `no usable contact (${level.channels.join('/')}) for anyone holding role ${level.targetRole} on line ${line}: ${unreachable.join(', ')} ha${unreachable.length === 1 ? 's' : 've'} no email or phone`,
    };
  }
  return { people, recipients, nobody: null };
}
