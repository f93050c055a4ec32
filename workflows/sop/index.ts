/** Every SOP, by exception type, and the rules callers read from them. */
import type { ExceptionType, MesEventKind } from '../../domain/model.js';
import type { SopDefinition } from './definition.js';
import { equipmentFault } from './equipment-fault.js';
import { materialShortage } from './material-shortage.js';
import { orderDelay } from './order-delay.js';
import { qualityFailure } from './quality-failure.js';

export const SOPS: { [T in ExceptionType]: SopDefinition<T> } = {
  material_shortage: materialShortage,
  equipment_fault: equipmentFault,
  quality_failure: qualityFailure,
  order_delay: orderDelay,
};

/** True when a case of `type` takes the MES event `kind` (progress always; else its clearing events). */
export function mesEventAllowed(type: ExceptionType, kind: MesEventKind): boolean {
  return kind === 'progress' || SOPS[type].clearingEvents.includes(kind);
}

export type { ClosureFact, SopDefinition } from './definition.js';
