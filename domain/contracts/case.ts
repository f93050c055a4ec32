/**
 * Opening and finding cases: the facts each exception type carries, the body of POST /api/v1/cases
 * and the list filters. The SOP of each type (workflows/sop/<type>.ts) names its facts schema here.
 */
import { z } from 'zod';
import { CASE_STATUSES, EXCEPTION_TYPES, type ExceptionType } from '../model.js';
import { exceptionType, severity } from './policy.js';
import { idParam, isoDate, isoDateTime, line, note, quantity } from './rules.js';

export const materialShortageFacts = z.strictObject({
  itemCode: line(64),
  requiredQty: quantity,
  uom: line(16),
  neededBy: isoDateTime,
  workOrder: line(64).optional(),
  warehouse: line(64).optional(),
});

export const equipmentFaultFacts = z.strictObject({
  equipmentId: line(64),
  faultCode: line(64),
  downSince: isoDateTime.optional(),
  stopped: z.boolean({ message: 'must be true or false' }).default(true),
});

export const qualityFailureFacts = z.strictObject({
  lot: line(64),
  itemCode: line(64),
  defectCode: line(64),
  qtyAffected: quantity,
  supplier: line(128).optional(),
  shipped: z.boolean({ message: 'must be true or false' }).default(false),
});

export const orderDelayFacts = z
  .strictObject({
    orderId: line(64),
    promisedDate: isoDate,
    projectedDate: isoDate,
    customer: line(128).optional(),
  })
  .refine((o) => o.projectedDate > o.promisedDate, {
    path: ['projectedDate'],
    message: 'must be after promisedDate (otherwise the order is not late)',
  });

export type MaterialShortageFacts = z.infer<typeof materialShortageFacts>;
export type EquipmentFaultFacts = z.infer<typeof equipmentFaultFacts>;
export type QualityFailureFacts = z.infer<typeof qualityFailureFacts>;
export type OrderDelayFacts = z.infer<typeof orderDelayFacts>;

/** The facts of each exception type, and the body property that carries them. */
export const FACTS = {
  material_shortage: { property: 'material', schema: materialShortageFacts },
  equipment_fault: { property: 'equipment', schema: equipmentFaultFacts },
  quality_failure: { property: 'quality', schema: qualityFailureFacts },
  order_delay: { property: 'order', schema: orderDelayFacts },
} as const satisfies Record<ExceptionType, { property: string; schema: z.ZodType }>;

export interface FactsByType {
  material_shortage: MaterialShortageFacts;
  equipment_fault: EquipmentFaultFacts;
  quality_failure: QualityFailureFacts;
  order_delay: OrderDelayFacts;
}

const common = {
  source: line(64),
  externalId: line(128),
  severity,
  line: line(64),
  station: line(64).optional(),
  title: line(200).optional(),
  description: note(4000).optional(),
  reasonCode: line(64).optional(),
  occurredAt: isoDateTime.optional(),
};

/** POST /api/v1/cases — one object per exception type, with its own required facts. */
export const createCaseBody = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ ...common, type: z.literal('material_shortage'), material: materialShortageFacts }),
    z.strictObject({ ...common, type: z.literal('equipment_fault'), equipment: equipmentFaultFacts }),
    z.strictObject({ ...common, type: z.literal('quality_failure'), quality: qualityFailureFacts }),
    z.strictObject({ ...common, type: z.literal('order_delay'), order: orderDelayFacts }),
  ],
  { message: `must be one of ${EXCEPTION_TYPES.join(', ')}` },
);
export type CreateCaseBody = z.infer<typeof createCaseBody>;

/** The facts of a parsed body, whatever its type. */
export function factsOf(b: CreateCaseBody): FactsByType[ExceptionType] {
  switch (b.type) {
    case 'material_shortage':
      return b.material;
    case 'equipment_fault':
      return b.equipment;
    case 'quality_failure':
      return b.quality;
    case 'order_delay':
      return b.order;
  }
}

export const caseIdParams = z.object({ id: idParam('case') });

export const listCasesQuery = z.object({
  status: z.enum(CASE_STATUSES, { message: `must be one of ${CASE_STATUSES.join(', ')}` }).optional(),
  type: exceptionType.optional(),
  line: line(64).optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, 'must be a whole number from 1 to 200')
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(200, 'at most 200'))
    .default(50),
  cursor: idParam('case').optional(),
  /** With `externalId`: the case a system reported under that id (folded repeats included). */
  source: line(64).optional(),
  externalId: line(128).optional(),
});
export type ListCasesQuery = z.infer<typeof listCasesQuery>;

export const notificationsQuery = z.object({ caseId: idParam('case') });

/** /api/v1/cases/by-external/{source}/{externalId}: a case by the key its reporter gave. */
export const externalKeyParams = z.object({ source: line(64), externalId: line(128) });
