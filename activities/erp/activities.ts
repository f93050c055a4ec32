/** ERP/WMS system actions of the SOPs, through whichever adapter is configured. */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../../db/index.js';
import { insertEvent } from '../../db/timeline.js';
import type { ErpCreateInput } from '../types.js';
import { withDeadline } from './deadline.js';
import { ErpError, type DocRef, type ErpAdapter, type ErpDocument, type StockLevel } from './types.js';

/**
 * Runs an adapter call within this activity attempt's time (so no call outlives the attempt and
 * races its retry), and turns an ERP refusal into a failure Temporal will not retry (the SOP hands
 * the step to a person).
 */
async function calling<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await withDeadline(attemptDeadline(), fn);
  } catch (err) {
    if (err instanceof ErpError && !err.retryable)
      throw ApplicationFailure.nonRetryable(err.message, 'ErpRejected');
    throw err;
  }
}

/** When this attempt's start-to-close timeout ends, less a second to report; far off outside an activity. */
function attemptDeadline(): number {
  try {
    const info = Context.current().info;
    return Date.now() + info.startToCloseTimeoutMs - 1000;
  } catch {
    return Date.now() + 3_600_000;
  }
}

export async function erpStock(
  erp: ErpAdapter,
  input: { itemCode: string; excludeLocation: string },
): Promise<StockLevel[]> {
  return calling(() => erp.stockElsewhere(input));
}

/** Creates (or finds, on a retry) the step's document and records it on the case's timeline. */
export async function erpCreate(db: Db, erp: ErpAdapter, input: ErpCreateInput): Promise<ErpDocument> {
  const ref: DocRef = { caseId: input.caseId, stepKey: input.stepKey };
  const doc = await calling(() => dispatch(erp, ref, input.request));
  await insertEvent(db, {
    caseId: input.caseId,
    type: 'erp_document',
    actor: `erp:${erp.name}`,
    data: {
      step: input.step,
      docType: doc.docType,
      docId: doc.docId,
      status: doc.status,
      ...(doc.url ? { url: doc.url } : {}),
    },
    idempotencyKey: `${input.stepKey}:document`,
  });
  return doc;
}

function dispatch(erp: ErpAdapter, ref: DocRef, r: ErpCreateInput['request']): Promise<ErpDocument> {
  switch (r.op) {
    case 'createStockTransfer': {
      const { op: _op, ...a } = r;
      return erp.createStockTransfer({ ref, ...a });
    }
    case 'createMaterialRequest': {
      const { op: _op, ...a } = r;
      return erp.createMaterialRequest({ ref, ...a });
    }
    case 'placeQualityHold': {
      const { op: _op, ...a } = r;
      return erp.placeQualityHold({ ref, ...a });
    }
    case 'executeDisposition': {
      const { op: _op, ...a } = r;
      return erp.executeDisposition({ ref, ...a });
    }
    case 'createMaintenanceRequest': {
      const { op: _op, ...a } = r;
      return erp.createMaintenanceRequest({ ref, ...a });
    }
    case 'rescheduleWorkOrders': {
      const { op: _op, ...a } = r;
      return erp.rescheduleWorkOrders({ ref, ...a });
    }
    case 'updateWorkOrderDates': {
      const { op: _op, ...a } = r;
      return erp.updateWorkOrderDates({ ref, ...a });
    }
    case 'sendCustomerNotice': {
      const { op: _op, ...a } = r;
      return erp.sendCustomerNotice({ ref, ...a });
    }
  }
}
