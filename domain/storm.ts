/**
 * Alarm storms: the business key of a report. Two reports of the same type, on the same line, with
 * the same fingerprint (the facts named here for their type) are the same problem; while a case for
 * it is open, the second is a repeat of the first, not a new case. Configurable per type
 * (ANDON_STORM_KEYS); an empty list turns folding off for that type.
 */
import { z } from 'zod';
import { EXCEPTION_TYPES, type ExceptionType } from './model.js';

export type StormKeys = Record<ExceptionType, readonly string[]>;

/** Equipment + fault code; item + work order; lot + defect; order id. */
export const DEFAULT_STORM_KEYS: StormKeys = {
  equipment_fault: ['equipmentId', 'faultCode'],
  material_shortage: ['itemCode', 'workOrder'],
  quality_failure: ['lot', 'defectCode'],
  order_delay: ['orderId'],
};

/** ANDON_STORM_KEYS: a JSON object of type → fact names; types left out keep their default. */
export const stormKeysConfig = z
  .partialRecord(
    z.enum(EXCEPTION_TYPES, { message: `must be one of ${EXCEPTION_TYPES.join(', ')}` }),
    z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a fact name such as equipmentId')),
  )
  .transform((v): StormKeys => ({ ...DEFAULT_STORM_KEYS, ...v }));

/**
 * The fingerprint of a report's facts, or null when its type does not fold. Missing facts count as
 * empty, so a report without a work order folds with others without one.
 */
export function fingerprintOf(
  keys: StormKeys,
  type: ExceptionType,
  facts: Readonly<Record<string, unknown>>,
): string | null {
  const names = keys[type];
  if (names.length === 0) return null;
  return names.map((n) => `${n}=${JSON.stringify(facts[n] ?? null)}`).join('|');
}
