/**
 * The SOP vocabulary shared by workflows, activities and the API: task options, decisions, MES
 * events, SOP parameters and the facts of each exception type. Pure data and types.
 */
import type { ExceptionType, JobRole } from './model.js';

/** A field a decision option asks for, e.g. the supplier's ETA. */
export interface OptionField {
  name: string;
  type: 'datetime' | 'date' | 'text' | 'number';
  label: string;
}

export interface DecisionOption {
  id: string;
  label: string;
  fields?: OptionField[];
}

export type DecisionData = Record<string, string | number>;

/** What a person answered to a task. */
export interface TaskResult {
  option: string;
  data: DecisionData;
  by: string;
  note?: string;
  at: string;
}

/** What can be done with a lot that failed quality. */
export const DISPOSITIONS = ['return_to_supplier', 'rework', 'scrap', 'concession', 'recall'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** MES event kinds. Some clear the case, depending on its type. */
export const MES_EVENT_KINDS = [
  'progress',
  'cleared',
  'material_received',
  'equipment_running',
  'back_on_track',
] as const;
export type MesEventKind = (typeof MES_EVENT_KINDS)[number];

export const CLEARING_EVENTS: Record<ExceptionType, readonly MesEventKind[]> = {
  material_shortage: ['material_received', 'cleared'],
  equipment_fault: ['equipment_running', 'cleared'],
  quality_failure: [],
  order_delay: ['back_on_track', 'cleared'],
};

export function mesEventAllowed(type: ExceptionType, kind: MesEventKind): boolean {
  return kind === 'progress' || CLEARING_EVENTS[type].includes(kind);
}

/** SOP parameters: data in the catalog (`exception_types.sop_params`), snapshotted when a case opens. */
export interface SopParams {
  /** Line-side WMS location of line L is `${lineLocationPrefix}${L}`. */
  lineLocationPrefix: string;
  /** Warehouse lots on quality hold are moved to. */
  holdWarehouse: string;
  /** Equipment down longer than this → reschedule the line's work orders and tell the planner. */
  downtimeThresholdSeconds: number;
  /** Time allowed for one ERP call before it is retried. */
  erpTimeoutSeconds: number;
  /** ERP attempts before the step is handed to a person. */
  erpMaxAttempts: number;
  /** Workflow history length after which the case continues as new. */
  historyLimit: number;
}

export const DEFAULT_SOP_PARAMS: SopParams = {
  lineLocationPrefix: 'LINE-',
  holdWarehouse: 'QUARANTINE',
  downtimeThresholdSeconds: 30 * 60,
  erpTimeoutSeconds: 30,
  erpMaxAttempts: 8,
  historyLimit: 2000,
};

/** Type-specific facts of a case, as validated by the API. */
export interface MaterialShortageFacts {
  itemCode: string;
  requiredQty: number;
  uom: string;
  neededBy: string;
  workOrder?: string;
  warehouse?: string;
}
export interface EquipmentFaultFacts {
  equipmentId: string;
  faultCode: string;
  downSince?: string;
  stopped: boolean;
}
export interface QualityFailureFacts {
  lot: string;
  itemCode: string;
  defectCode: string;
  qtyAffected: number;
  supplier?: string;
  shipped: boolean;
}
export interface OrderDelayFacts {
  orderId: string;
  promisedDate: string;
  projectedDate: string;
  customer?: string;
}

export interface FactsByType {
  material_shortage: MaterialShortageFacts;
  equipment_fault: EquipmentFaultFacts;
  quality_failure: QualityFailureFacts;
  order_delay: OrderDelayFacts;
}

/** The role a follow-up task of a reopened case goes to. */
export const REOPEN_ROLE: Record<ExceptionType, JobRole> = {
  material_shortage: 'purchasing',
  equipment_fault: 'maintenance',
  quality_failure: 'qc_engineer',
  order_delay: 'planner',
};

/** Checks a decision's data against its option's fields; returns a reason when it does not fit. */
export function checkDecisionData(option: DecisionOption, data: DecisionData): string | null {
  for (const f of option.fields ?? []) {
    const v = data[f.name];
    if (v === undefined || v === '') return `option ${option.id} needs ${f.name} (${f.label})`;
    if (f.type === 'number' && typeof v !== 'number') return `${f.name} must be a number`;
    if (f.type !== 'number' && typeof v !== 'string') return `${f.name} must be a string`;
    if (f.type === 'datetime' && !/^\d{4}-\d{2}-\d{2}T.+(Z|[+-]\d{2}:?\d{2})$/.test(String(v))) {
      return `${f.name} must be an ISO 8601 date-time with a time zone`;
    }
    if (f.type === 'datetime' && Number.isNaN(Date.parse(String(v))))
      return `${f.name} is not a valid date-time`;
    if (f.type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(String(v)))
      return `${f.name} must be a date, YYYY-MM-DD`;
  }
  return null;
}
