/** createActivities(deps): the activity implementations the worker registers. */
import type { Db } from '../db/index.js';
import type { Logger } from '../lib/logger.js';
import { erpCreate, erpStock } from './erp/activities.js';
import type { ErpAdapter } from './erp/types.js';
import { openLinkedCase } from './linked.js';
import type { Mailer } from './notify/mailer.js';
import { pageLevel } from './paging.js';
import { applyCaseChange, applyTransition, insertEvent, openTask } from './timeline.js';
import type { CaseActivities } from './types.js';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  erp: ErpAdapter;
  /** Base URL people open from a message, e.g. https://andon.plant.example */
  publicUrl: string;
  logger: Logger;
}

export function createActivities(deps: ActivityDeps): CaseActivities {
  return {
    async recordEvent(input) {
      await insertEvent(deps.db, input);
    },
    async transitionCase(input) {
      await applyTransition(deps.db, input);
    },
    applyChange: (change) => applyCaseChange(deps.db, change),
    openTask: (input) => openTask(deps.db, input),
    pageLevel: (input) => pageLevel(deps, input),
    erpStock: (input) => erpStock(deps.erp, input),
    erpCreate: (input) => erpCreate(deps.db, deps.erp, input),
    openLinkedCase: (input) => openLinkedCase(deps.db, input),
  };
}

export type { CaseActivities } from './types.js';
