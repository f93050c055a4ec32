/** createActivities(deps): the activity implementations the worker registers. */
import type { Db } from '../db/index.js';
import type { LinkSigner } from '../lib/links.js';
import type { Logger } from '../lib/logger.js';
import { erpCreate, erpStock } from './erp/activities.js';
import type { ErpAdapter } from './erp/types.js';
import { openLinkedCase } from './linked.js';
import type { Mailer } from './notify/mailer.js';
import { pageLevel } from './notify/paging.js';
import type { SmsSender } from './notify/sms.js';
import { recordActivities } from './records.js';
import type { CaseActivities } from './types.js';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  erp: ErpAdapter;
  /** Base URL people open from a message, e.g. https://andon.plant.example */
  publicUrl: string;
  logger: Logger;
  /** SMS transport (Twilio, or the recording one). */
  sms: SmsSender;
  /** Signs action links in messages; null: messages carry none. */
  links: LinkSigner | null;
  /** The clock rosters are read with (tests pass their own). Default: real time. */
  now?: () => Date;
  /** IANA time zone of the plant: shift patterns without their own zone use it. */
  timeZone?: string;
}

export function createActivities(deps: ActivityDeps): CaseActivities {
  const paging = {
    ...deps,
    now: deps.now ?? (() => new Date()),
    timeZone: deps.timeZone ?? 'UTC',
  };
  return {
    ...recordActivities(deps),
    pageLevel: (input) => pageLevel(paging, input),
    erpStock: (input) => erpStock(deps.erp, input),
    erpCreate: (input) => erpCreate(deps.db, deps.erp, input),
    openLinkedCase: (input) => openLinkedCase(deps.db, input),
  };
}

export type { CaseActivities } from './types.js';
