/** createActivities(deps): the activity implementations the worker registers. */
import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { dataRejection, safeDbMessage } from '../db/errors.js';
import type { Db } from '../db/index.js';
import type { LinkSigner } from '../lib/links.js';
import type { Logger } from '../lib/logger.js';
import { createSecretBox, type SecretBox } from '../lib/secret-box.js';
import { erpCreate, erpStock } from './erp/activities.js';
import type { ErpAdapter } from './erp/types.js';
import { openLinkedCase } from './linked.js';
import { createChatSender, type ChatSender } from './notify/chat/client.js';
import type { Mailer } from './notify/mailer.js';
import { pageLevel } from './notify/paging.js';
import type { SmsSender } from './notify/sms.js';
import { recordActivities } from './records.js';
import type { CaseActivities } from './types.js';
import { webhookActivities } from './webhooks/deliver.js';
import type { WebhookActivities } from './webhooks/types.js';

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
  /** Opens the sealed secrets (webhook endpoints, group channels); without it none can be opened. */
  secrets?: SecretBox;
  /** How long one webhook POST may take (default 10 s). */
  webhookTimeoutMs?: number;
  /** Posts chat cards to group channels; default: HTTPS to the providers' webhooks. */
  chat?: ChatSender;
}

/** Every activity the worker registers: the case's and the webhook deliveries'. */
export type AndonActivities = CaseActivities & WebhookActivities;

export function createActivities(input: ActivityDeps): AndonActivities {
  const deps = {
    ...input,
    chat: input.chat ?? createChatSender(),
    secrets: input.secrets ?? createSecretBox(randomBytes(32).toString('base64url')),
  };
  const paging = {
    ...deps,
    now: deps.now ?? (() => new Date()),
    timeZone: deps.timeZone ?? 'UTC',
  };
  return guardDatabaseErrors(
    {
      ...recordActivities(deps),
      pageLevel: (input) => pageLevel(paging, input),
      erpStock: (input) => erpStock(deps.erp, input),
      erpCreate: (input) => erpCreate(deps.db, deps.erp, input),
      openLinkedCase: (input) => openLinkedCase(deps.db, input),
      ...webhookActivities({
        db: deps.db,
        secrets: deps.secrets,
        publicUrl: deps.publicUrl,
        timeoutMs: deps.webhookTimeoutMs ?? 10_000,
      }),
    },
    deps.logger,
  );
}

/**
 * Every activity, with database errors made fit for the workflow: data the database refuses
 * (db/errors.ts) fails at once as `DataRejected` — a retry would fail the same way and wedge the
 * case — and any other database error loses its SQL text, which knex puts in the message and
 * which would otherwise reach the workflow's history, the timeline and the case page.
 */
function guardDatabaseErrors(activities: AndonActivities, logger: Logger): AndonActivities {
  const guarded: Record<string, (input: never) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(activities) as Array<
    [string, (input: never) => Promise<unknown>]
  >) {
    guarded[name] = async (input) => {
      try {
        return await fn(input);
      } catch (err) {
        const rejected = dataRejection(err);
        const safe = rejected ? rejected.message : safeDbMessage(err);
        if (safe === null) throw err;
        logger.warn({ activity: name, err }, rejected ? 'the database refused the data' : 'database error');
        if (rejected) throw ApplicationFailure.nonRetryable(rejected.message, 'DataRejected');
        throw ApplicationFailure.retryable(safe, 'DatabaseError');
      }
    };
  }
  return guarded as unknown as AndonActivities;
}

export type { CaseActivities } from './types.js';
