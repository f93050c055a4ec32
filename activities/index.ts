/** createActivities(deps): the activity implementations the worker registers. */
import type { Db } from '../db/index.js';
import type { Logger } from '../lib/logger.js';
import type { Mailer } from './notify/mailer.js';
import { pageLevel } from './paging.js';
import { applyTransition, insertEvent } from './timeline.js';
import type { CaseActivities } from './types.js';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
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
    async pageLevel(input) {
      return pageLevel(deps, input);
    },
  };
}

export type { CaseActivities } from './types.js';
