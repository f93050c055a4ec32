/**
 * Valid case bodies for each exception type, with unique external ids — and unique business keys
 * (work order, fault code, defect, order id), so two reports in a test are two problems, not a
 * repeat folded into the first (alarm storms, domain/storm.ts). Tests of repeats send the same facts.
 */
import type { ExceptionType } from '../../domain/model.js';
import { uid } from './harness.js';

export function caseBody(
  type: ExceptionType,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const common = {
    source: 'mes-test',
    externalId: uid('EXT'),
    severity: 'high',
    line: 'L1',
    station: 'ST-10',
  };
  const specific: Record<ExceptionType, Record<string, unknown>> = {
    material_shortage: {
      material: {
        itemCode: 'RM-1001',
        requiredQty: 250,
        uom: 'pcs',
        neededBy: '2026-11-25T06:00:00Z',
        workOrder: uid('WO'),
      },
    },
    equipment_fault: {
      equipment: { equipmentId: 'PRESS-3', faultCode: uid('E'), downSince: '2026-11-24T08:00:00Z' },
    },
    quality_failure: {
      quality: { lot: 'LOT-5521', itemCode: 'FG-200', defectCode: uid('D-SCRATCH'), qtyAffected: 40 },
    },
    order_delay: {
      order: {
        orderId: uid('SO'),
        promisedDate: '2026-12-01',
        projectedDate: '2026-12-04',
        customer: 'ACME',
      },
    },
  };
  return { ...common, type, ...specific[type], ...overrides };
}
