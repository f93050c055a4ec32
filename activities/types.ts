/**
 * The activity contract the case workflow calls. Kept free of implementation imports so that
 * workflows can `import type` it without pulling I/O into the workflow bundle.
 */
import type { CaseStatus, EventType, LadderLevel } from '../domain/model.js';

export interface TimelineEventInput {
  caseId: number;
  type: EventType;
  /** Who caused it: `api_key:<id>`, `person:<id>` or `system`. */
  actor: string;
  data: Record<string, unknown>;
  /** Unique per logical event: a retried activity writes it once. */
  idempotencyKey: string;
}

export interface TransitionInput {
  caseId: number;
  to: CaseStatus;
  /** Status the case must be in for the change to apply (guards against replays and races). */
  from: CaseStatus[];
  resolution?: string;
  rootCause?: string;
  event: TimelineEventInput;
}

export interface PageLevelInput {
  caseId: number;
  line: string;
  level: LadderLevel;
  /** Why this level is paged: the case opened, or the previous level did not acknowledge in time. */
  reason: 'opened' | 'ack_timeout' | 'nobody_reachable';
  /** Base idempotency key for the task, the notifications and the timeline events of this page. */
  idempotencyKey: string;
  ackDeadline: string | null;
  /** Attempts Temporal makes for this call; on the last one, failures are recorded instead of retried. */
  maxAttempts: number;
}

export interface PageLevelResult {
  /** How many messages were handed to a transport. */
  sent: number;
  /** How many messages could not be delivered after every retry. */
  failed: number;
  /** Set when nobody holding the role could be reached at all. */
  skippedReason: string | null;
}

export interface CaseActivities {
  recordEvent(input: TimelineEventInput): Promise<void>;
  transitionCase(input: TransitionInput): Promise<void>;
  pageLevel(input: PageLevelInput): Promise<PageLevelResult>;
}
