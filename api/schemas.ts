/** Request schemas (zod): the single definition of what the API accepts. */
import { z } from 'zod';
import { SEVERITIES } from '../domain/model.js';

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const isoDateTime = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-11-24T08:00:00Z',
});
const isoDate = z.iso.date({ message: 'must be a date, YYYY-MM-DD' });
const positive = z.number({ message: 'must be a number' }).positive('must be greater than 0');

const common = {
  source: text(64),
  externalId: text(128),
  severity: z.enum(SEVERITIES, { message: `must be one of ${SEVERITIES.join(', ')}` }),
  line: text(64),
  station: text(64).optional(),
  title: text(200).optional(),
  description: z.string().max(4000, 'at most 4000 characters').optional(),
  reasonCode: text(64).optional(),
  occurredAt: isoDateTime.optional(),
};

export const materialShortageDetails = z.strictObject({
  itemCode: text(64),
  requiredQty: positive,
  uom: text(16),
  neededBy: isoDateTime,
  workOrder: text(64).optional(),
  warehouse: text(64).optional(),
});

export const equipmentFaultDetails = z.strictObject({
  equipmentId: text(64),
  faultCode: text(64),
  downSince: isoDateTime.optional(),
  stopped: z.boolean({ message: 'must be true or false' }).default(true),
});

export const qualityFailureDetails = z.strictObject({
  lot: text(64),
  itemCode: text(64),
  defectCode: text(64),
  qtyAffected: positive,
  supplier: text(128).optional(),
  shipped: z.boolean({ message: 'must be true or false' }).default(false),
});

export const orderDelayDetails = z
  .strictObject({
    orderId: text(64),
    promisedDate: isoDate,
    projectedDate: isoDate,
    customer: text(128).optional(),
  })
  .refine((o) => o.projectedDate > o.promisedDate, {
    path: ['projectedDate'],
    message: 'must be after promisedDate (otherwise the order is not late)',
  });

/** POST /api/v1/cases — one object per exception type, with its own required facts. */
export const createCaseBody = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ ...common, type: z.literal('material_shortage'), material: materialShortageDetails }),
    z.strictObject({ ...common, type: z.literal('equipment_fault'), equipment: equipmentFaultDetails }),
    z.strictObject({ ...common, type: z.literal('quality_failure'), quality: qualityFailureDetails }),
    z.strictObject({ ...common, type: z.literal('order_delay'), order: orderDelayDetails }),
  ],
  { message: 'must be one of material_shortage, equipment_fault, quality_failure, order_delay' },
);
export type CreateCaseBody = z.infer<typeof createCaseBody>;

export const caseIdParams = z.object({
  id: z.coerce
    .number({ message: 'must be a case number' })
    .int('must be a whole number')
    .positive('must be a positive case number')
    .max(Number.MAX_SAFE_INTEGER, 'is too large'),
});

export const ackBody = z.strictObject({ note: z.string().max(2000, 'at most 2000 characters').optional() });
export const resolveBody = z.strictObject({
  resolution: text(4000),
  rootCause: text(4000).optional(),
});
export const closeBody = z.strictObject({ note: z.string().max(2000, 'at most 2000 characters').optional() });

export const notificationsQuery = z.object({ caseId: caseIdParams.shape.id });
