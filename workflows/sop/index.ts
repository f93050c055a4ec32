/** Every SOP, by exception type, and the rules callers read from them. */
import { renderRef, type MessageRef } from '../../domain/messages.js';
import type { ExceptionType, Locale, MesEventKind } from '../../domain/model.js';
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

/**
 * A case's title for a reader: a default title (the SOP's, from the case's facts, stored in English)
 * renders in their locale; a title the reporter wrote shows as written.
 */
export function caseTitle(
  c: { type: ExceptionType; title: string; line: string; details?: Record<string, unknown> | null },
  locale: Locale,
): string {
  if (locale === 'en' || !c.details) return c.title;
  try {
    const ref = (SOPS[c.type].defaultTitle as (f: unknown, line: string) => MessageRef)(c.details, c.line);
    return renderRef(ref, 'en') === c.title ? renderRef(ref, locale) : c.title;
  } catch {
    return c.title;
  }
}
