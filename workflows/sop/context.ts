/**
 * The building blocks an SOP is written with. The case workflow (workflows/case/sop-runtime.ts) implements them
 * durably: every step is journaled, so after a continue-as-new the SOP re-runs from the top and
 * steps already done return their recorded result instead of acting again.
 */
import type { ErpDocument, StockLevel } from '../../activities/erp/types.js';
import type { ErpCreateRequest } from '../../activities/types.js';
import type { FactsByType } from '../../domain/contracts/case.js';
import type { MessageRef } from '../../domain/messages.js';
import type { SopParams } from '../../domain/contracts/policy.js';
import type { DecisionOption, TaskResult } from '../../domain/contracts/tasks.js';
import type { ExceptionType, JobRole, Severity } from '../../domain/model.js';

export interface TaskSpec {
  /** Unique within the case: names the task in the API (`taskKey`) and keys its idempotency. */
  key: string;
  role: JobRole;
  /** What is asked, for people: a catalog message (domain/messages.ts), rendered in each reader's locale. */
  title: MessageRef;
  /** The answers the person can give; a plain confirmation has one. */
  options: DecisionOption[];
  /** Ask the assignee for an ETA; a missed ETA re-escalates. */
  askEta?: boolean;
}

export interface SopOutcome {
  /** True when the SOP itself closes the loop (e.g. disposition executed); false: wait for MES or staff. */
  resolve: boolean;
  /** A catalog message (SOPs), or a person's own words (a takeover's note). */
  resolution?: MessageRef | string;
}

export interface LinkedCaseRequest {
  type: 'order_delay';
  title: string;
  details: Record<string, unknown>;
}

export interface SopContext<T extends ExceptionType> {
  readonly caseId: number;
  readonly type: T;
  readonly severity: Severity;
  readonly line: string;
  readonly station: string | null;
  readonly title: string;
  readonly openedAt: string;
  readonly facts: FactsByType[T];
  readonly params: SopParams;
  /** Marks the step the SOP is in (live state, timeline). */
  step(name: string): Promise<void>;
  /** System action: stock of an item elsewhere than a location. */
  stock(step: string, itemCode: string, excludeLocation: string): Promise<StockLevel[]>;
  /** System action: create an ERP/WMS document (idempotent per step). */
  erp(step: string, request: ErpCreateRequest): Promise<ErpDocument>;
  /** Human task / decision: assign, page, escalate until acknowledged, wait for the answer. */
  task(spec: TaskSpec): Promise<TaskResult>;
  /** The ETA the assignee of a task gave, if any. */
  taskEta(key: string): string | null;
  taskDone(key: string): boolean;
  /** Waits until `predicate` holds (true) or the absolute time `until` passes (false). */
  waitUntil(predicate: () => boolean, until: string | null): Promise<boolean>;
  /** Opens a linked case (e.g. an order delay caused by a late material) and starts its workflow. */
  openLinkedCase(step: string, request: LinkedCaseRequest): Promise<number>;
}

export type Sop<T extends ExceptionType> = (ctx: SopContext<T>) => Promise<SopOutcome>;

/** Shortcut for a task answered by one confirmation. */
export const confirm = (id: string, label: string): DecisionOption[] => [{ id, label }];

export type { TaskResult };
