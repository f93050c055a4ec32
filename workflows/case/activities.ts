/**
 * The activities a case run calls, in three groups by how they may fail: records (the database:
 * retried until it answers, but a `DataRejected` refusal is final), paging (a bounded number of
 * attempts, then the ladder moves on) and the ERP (the policy's timeout and attempts; a rejection
 * is final). Each proxy is typed by what it needs, so a group cannot call another's activities.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { CaseActivities } from '../../activities/types.js';
import type { SopParams } from '../../domain/contracts/policy.js';

/** Attempts for a page before the workflow records it as failed and carries on up the ladder. */
export const PAGE_MAX_ATTEMPTS = 5;

export type RecordActivities = Pick<
  CaseActivities,
  'applyChange' | 'recordEvent' | 'openTask' | 'openLinkedCase'
>;
export type PagingActivities = Pick<CaseActivities, 'pageLevel'>;
export type ErpActivities = Pick<CaseActivities, 'erpStock' | 'erpCreate'>;

export interface CaseActivityProxies {
  db: RecordActivities;
  paging: PagingActivities;
  erp: ErpActivities;
}

export function caseActivities(params: SopParams): CaseActivityProxies {
  return {
    db: proxyActivities<RecordActivities>({
      startToCloseTimeout: '30 seconds',
      retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
    }),
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
