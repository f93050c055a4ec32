/**
 * The activity contract the case workflow calls. Types only (the db/ shapes below are imported as
 * types), so that workflows can `import type` it without pulling I/O into the workflow bundle.
 */
import type { CaseChange, TransitionInput } from '../db/case-changes.js';
import type { NewTask as OpenTaskInput } from '../db/tasks.js';
import type { TimelineEventInput } from '../db/timeline.js';
import type { PageReason } from '../domain/model.js';
import type { LadderLevel } from '../domain/contracts/policy.js';
import type { CaseWorkflowInput } from '../workflows/case/state.js';
import type { Disposition, ErpDocument, StockLevel } from './erp/types.js';

// The shapes recorded in the database are the database's (db/ imports nothing from here); they
// are part of this contract all the same, so workflows find every activity type in one module.
export type { CaseChange, CaseFieldChanges, TransitionInput } from '../db/case-changes.js';
export type { NewTask as OpenTaskInput, TaskChange } from '../db/tasks.js';
export type { TimelineEventInput } from '../db/timeline.js';

export interface PageLevelInput {
  caseId: number;
  line: string;
  level: LadderLevel;
  /** Why this level is paged. */
  reason: PageReason;
  /** Base idempotency key for the notifications and timeline events of this page. */
  idempotencyKey: string;
  ackDeadline: string | null;
  /** Attempts Temporal makes for this call; on the last one, failures are recorded instead of retried. */
  maxAttempts: number;
  /** The task this page is about; without it (older cases) a task row is made per page. */
  taskId?: number;
  taskKey?: string;
  taskTitle?: string;
  /** Page this person instead of whoever holds the level's role (a reassigned task). */
  personId?: number | null;
  /** Record an `escalated` event before paging (the SOP engine does; older cases record their own). */
  recordEscalation?: boolean;
  /**
   * Runs with `andon-storm-paging`: the ack deadline is not given but set here, from the moment the
   * messages were handed to their transports (`level.ackTimeoutSeconds` later), and returned, so no
   * ack timer starts while the page still waits in a queue.
   */
  deadlineFromSend?: boolean;
}

export interface PageLevelResult {
  /** How many messages were handed to a transport. */
  sent: number;
  /** How many messages could not be delivered after every retry. */
  failed: number;
  /** Set when nobody holding the role could be reached at all. */
  skippedReason: string | null;
  /** Who was paged. */
  recipients?: Array<{ personId: number; name: string }>;
  /** With `deadlineFromSend`: the ack deadline, counted from when the page went out (null: nobody reached). */
  ackDeadline?: string | null;
}

export type ErpCreateRequest =
  | {
      op: 'createStockTransfer';
      itemCode: string;
      qty: number;
      fromWarehouse: string;
      fromLocation: string;
      toLocation: string;
    }
  | {
      op: 'createMaterialRequest';
      itemCode: string;
      qty: number;
      uom: string;
      neededBy: string;
      workOrder?: string;
    }
  | { op: 'placeQualityHold'; lot: string; itemCode: string; qty: number; holdWarehouse: string }
  | {
      op: 'executeDisposition';
      lot: string;
      itemCode: string;
      qty: number;
      disposition: Disposition;
      supplier?: string;
    }
  | { op: 'createMaintenanceRequest'; equipmentId: string; faultCode: string; description: string }
  | { op: 'rescheduleWorkOrders'; line: string; equipmentId?: string; delayMinutes: number }
  | { op: 'updateWorkOrderDates'; orderId: string; newDate: string }
  | { op: 'sendCustomerNotice'; orderId: string; customer?: string; newDate: string; message: string };

export interface ErpCreateInput {
  caseId: number;
  /** Unique per step of the case: the stamp the adapter searches before creating. */
  stepKey: string;
  step: string;
  request: ErpCreateRequest;
}

export interface OpenLinkedCaseInput {
  parentCaseId: number;
  /** Names the link; with the parent id it makes the child's externalId, so a retry finds it. */
  link: string;
  type: 'order_delay';
  severity: CaseWorkflowInput['severity'];
  line: string;
  title: string;
  details: Record<string, unknown>;
  idempotencyKey: string;
}

export interface CaseActivities {
  recordEvent(input: TimelineEventInput): Promise<void>;
  transitionCase(input: TransitionInput): Promise<void>;
  applyChange(change: CaseChange): Promise<void>;
  /** Records a change and sends nothing (no FYI, no subscriber): a short write, run as a local activity. */
  recordChange(change: CaseChange): Promise<void>;
  openTask(input: OpenTaskInput): Promise<number>;
  pageLevel(input: PageLevelInput): Promise<PageLevelResult>;
  erpStock(input: { caseId: number; itemCode: string; excludeLocation: string }): Promise<StockLevel[]>;
  erpCreate(input: ErpCreateInput): Promise<ErpDocument>;
  /** Opens (or finds) the linked case and returns its workflow input. */
  openLinkedCase(input: OpenLinkedCaseInput): Promise<CaseWorkflowInput>;
}

export type { PageReason } from '../domain/model.js';
