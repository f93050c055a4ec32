/** The SOP run for each exception type. */
import type { ExceptionType } from '../../domain/model.js';
import type { Sop } from './context.js';
import { equipmentFaultSop } from './equipment_fault.js';
import { materialShortageSop } from './material_shortage.js';
import { orderDelaySop } from './order_delay.js';
import { qualityFailureSop } from './quality_failure.js';

export const SOPS: { [T in ExceptionType]: Sop<T> } = {
  material_shortage: materialShortageSop,
  equipment_fault: equipmentFaultSop,
  quality_failure: qualityFailureSop,
  order_delay: orderDelaySop,
};
