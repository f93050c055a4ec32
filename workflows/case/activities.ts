/**
 * The activities a case run calls, in three groups by how they may fail: records (the database:
 * retried until it answers, but a `DataRejected` refusal is final), paging (a bounded number of
 * attempts, then the ladder moves on) and the ERP (the policy's timeout and attempts; a rejection
 * is final). Each proxy is typed by what it needs, so a group cannot call another's activities.
 *
 * Runs with `andon-storm-paging` make the short database writes local activities: run by the worker
 * inside the workflow task that asked for them, with no round trip to the Temporal server, so a case
 * reaches its first page in three workflow tasks instead of six — what counts when a thousand cases
 * share the worker. Local ones only write (`recordChange` serves no subscriber: the next page or
 * remote change does); writes that may send messages (acks, resolves: FYIs) stay remote.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { CaseChange } from '../../activities/types.js';
import type { CaseActivities } from '../../activities/types.js';
import type { SopParams } from '../../domain/contracts/policy.js';

/** Attempts for a page before the workflow records it as failed and carries on up the ladder. */
export const PAGE_MAX_ATTEMPTS = 5;

export type RecordActivities = Pick<
  CaseActivities,
  'applyChange' | 'recordEvent' | 'openTask' | 'openLinkedCase'
>;
type LocalRecordActivities = Pick<CaseActivities, 'recordChange' | 'recordEvent' | 'openTask'>;
export type PagingActivities = Pick<CaseActivities, 'pageLevel'>;
export type ErpActivities = Pick<CaseActivities, 'erpStock' | 'erpCreate'>;

export interface CaseActivityProxies {
  db: RecordActivities;
  paging: PagingActivities;
  erp: ErpActivities;
}

const RECORD_RETRY = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' };

/** A change that only marks an SOP step: one timeline event and a field, no message to send. */
const onlyMarksStep = (c: CaseChange): boolean =>
  c.events.length > 0 && c.events.every((e) => e.type === 'sop_step') && (c.tasks ?? []).length === 0;

/** Records: the short writes local (storm paging), the rest as they were. */
function records(local: boolean): RecordActivities {
  const remote = proxyActivities<RecordActivities>({
    startToCloseTimeout: '30 seconds',
    retry: RECORD_RETRY,
  });
  if (!local) return remote;
  // A `DataRejected` failure is non-retryable (activities/index.ts), locally as remotely.
  const near = proxyLocalActivities<LocalRecordActivities>({
    startToCloseTimeout: '30 seconds',
    retry: RECORD_RETRY,
  });
  return {
    recordEvent: (input) => near.recordEvent(input),
    openTask: (input) => near.openTask(input),
    applyChange: (change) => (onlyMarksStep(change) ? near.recordChange(change) : remote.applyChange(change)),
    openLinkedCase: (input) => remote.openLinkedCase(input),
  };
}

export function caseActivities(params: SopParams, stormPaging = false): CaseActivityProxies {
  return {
    db: records(stormPaging),
    paging: proxyActivities<PagingActivities>({
      startToCloseTimeout: '2 minutes',
      retry: {
        initialInterval: '1 second',
        backoffCoefficient: 2,
        maximumInterval: '30 seconds',
        maximumAttempts: PAGE_MAX_ATTEMPTS,
      },
    }),
    erp: proxyActivities<ErpActivities>({
      startToCloseTimeout: `${params.erpTimeoutSeconds} seconds`,
      retry: {
        initialInterval: '1 second',
        backoffCoefficient: 2,
        maximumInterval: '30 seconds',
        maximumAttempts: params.erpMaxAttempts,
        nonRetryableErrorTypes: ['ErpRejected'],
      },
    }),
  };
}
