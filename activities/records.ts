/**
 * The activities that record what the workflow decided: timeline events, case changes (and, after
 * they commit, the FYI messages they call for) and task rows. The writes themselves are in db/.
 */
import { applyCaseChange, applyTransition } from '../db/case-changes.js';
import { openTask } from '../db/tasks.js';
import { insertEvent } from '../db/timeline.js';
import type { DeliverDeps } from './notify/deliver.js';
import { sendFyi } from './notify/fyi.js';
import { notifySubscribers } from './notify/subscribers.js';
import type { CaseActivities } from './types.js';

export type RecordActivities = Pick<
  CaseActivities,
  'recordEvent' | 'transitionCase' | 'applyChange' | 'recordChange' | 'openTask'
>;

export function recordActivities(deps: DeliverDeps): RecordActivities {
  const { db } = deps;
  return {
    async recordEvent(input) {
      await insertEvent(db, input);
    },
    async transitionCase(input) {
      await applyTransition(db, input);
      await sendFyi(deps, input.event, input.caseId);
      await notifySubscribers(deps, input.caseId);
    },
    async applyChange(change) {
      await applyCaseChange(db, change);
      // After the commit, and again on a retry: the FYI messages are idempotent.
      for (const e of change.events) await sendFyi(deps, e, change.caseId);
      await notifySubscribers(deps, change.caseId);
    },
    async recordChange(change) {
      await applyCaseChange(db, change);
    },
    openTask: (input) => openTask(db, input),
  };
}
