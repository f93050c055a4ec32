/** One-time use of signed action links: a link's nonce is claimed when it acts, once. */
import type { Db } from './index.js';

export async function linkUsed(db: Db, nonce: string): Promise<boolean> {
  return (await db('action_link_uses').where({ nonce }).first('nonce')) !== undefined;
}

/** Claims a link for one action; false when it was claimed already (of two concurrent posts, one acts). */
export async function claimLink(
  db: Db,
  use: { nonce: string; personId: number; caseId: number; taskKey: string; action: string },
): Promise<boolean> {
  const rows = await db('action_link_uses')
    .insert({
      nonce: use.nonce,
      person_id: use.personId,
      case_id: use.caseId,
      task_key: use.taskKey,
      action: use.action,
    })
    .onConflict('nonce')
    .ignore()
    .returning('nonce');
  return rows.length > 0;
}

/** Gives a claimed link back, when its action did not happen: it may be used for another try. */
export async function releaseLink(db: Db, nonce: string): Promise<void> {
  await db('action_link_uses').where({ nonce }).delete();
}

/**
 * Whether a task of the case was reassigned (the timeline's `reassigned` events): `taskKey` names
 * one task, undefined asks about any. Tells "no longer assigned" from "not yet recorded as paged".
 */
export async function taskReassigned(db: Db, caseId: number, taskKey?: string): Promise<boolean> {
  const q = db('case_events').where({ case_id: caseId, type: 'reassigned' });
  if (taskKey !== undefined) q.whereRaw(`data->>'task' = ?`, [taskKey]);
  return (await q.first('id')) !== undefined;
}
