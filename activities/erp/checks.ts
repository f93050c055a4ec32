/** Checks of a request every real adapter makes before it calls the ERP: no retry can fix these. */
import { ErpError } from './types.js';

export function requirePositive(value: number, what: string): void {
  if (!Number.isFinite(value) || value <= 0) throw new ErpError(`${what} must be a positive number`, false);
}

/** `YYYY-MM-DD` of a date or date-time string; a refusal if it is not one. */
export function calendarDate(value: string, what: string): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(value)?.[0];
  const ms = day ? Date.parse(`${day}T00:00:00Z`) : NaN;
  if (!day || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day)
    throw new ErpError(`${what} is not a date: ${value}`, false);
  return day;
}

/** A date-time string as a Date; a refusal if it is not one. */
export function dateTime(value: string, what: string): Date {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ErpError(`${what} is not a date-time: ${value}`, false);
  return new Date(ms);
}
