/** Request schemas (zod): the single definition of what the API accepts. */
import { z } from 'zod';
import { CASE_STATUSES, EXCEPTION_TYPES, JOB_ROLES, SEVERITIES } from '../domain/model.js';
import { MES_EVENT_KINDS } from '../domain/sop.js';

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

const note = z.string().max(2000, 'at most 2000 characters').optional();
const taskKey = z
  .string()
  .regex(/^[a-z0-9_-]{1,64}$/, 'must be a task key such as "repair" (see the case\'s live tasks)')
  .optional();
const downtimeMinutes = z
  .number({ message: 'must be a number' })
  .int('must be whole minutes')
  .min(0, 'must not be negative')
  .max(525_600, 'is more than a year');
const closureFacts = {
  rootCause: text(4000).optional(),
  correctiveAction: text(4000).optional(),
  downtimeMinutes: downtimeMinutes.optional(),
};

export const ackBody = z.strictObject({ taskKey, note });
export const resolveBody = z.strictObject({ resolution: text(4000), ...closureFacts });
export const closeBody = z.strictObject({ note, ...closureFacts });
export const commentBody = z.strictObject({ text: text(4000) });
export const decisionBody = z.strictObject({
  taskKey,
  option: z.string().regex(/^[a-z0-9_]{1,64}$/, "must be one of the task's option ids"),
  data: z
    .record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/), z.union([z.string().max(500), z.number()]))
    .optional(),
  note,
});
export const etaBody = z.strictObject({ taskKey, eta: isoDateTime });
export const reassignBody = z
  .strictObject({
    taskKey,
    role: z.enum(JOB_ROLES, { message: `must be one of ${JOB_ROLES.join(', ')}` }).optional(),
    personId: z.number().int().positive('must be a person id').optional(),
    reason: z.string().max(2000).optional(),
  })
  .refine((b) => b.role !== undefined || b.personId !== undefined, {
    path: ['role'],
    message: 'give a role or a personId',
  });
export const cancelBody = z.strictObject({ reason: text(2000) });
export const reopenBody = z.strictObject({ reason: text(2000) });
export const mesEventBody = z.strictObject({
  kind: z.enum(MES_EVENT_KINDS, { message: `must be one of ${MES_EVENT_KINDS.join(', ')}` }),
  data: z.record(z.string(), z.unknown()).optional(),
});

export const listCasesQuery = z.object({
  status: z.enum(CASE_STATUSES, { message: `must be one of ${CASE_STATUSES.join(', ')}` }).optional(),
  type: z.enum(EXCEPTION_TYPES, { message: `must be one of ${EXCEPTION_TYPES.join(', ')}` }).optional(),
  line: text(64).optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(200, 'at most 200').default(50),
  cursor: z.coerce
    .number({ message: 'must be the nextCursor of a previous page' })
    .int()
    .positive()
    .optional(),
});

export const notificationsQuery = z.object({ caseId: caseIdParams.shape.id });
