/**
 * Form fields (web pages, action-link pages) → the body objects of domain/contracts/actions.ts, so
 * a form is parsed by the very contract REST uses. Conversions only: an empty optional field is
 * left out, a number field becomes a number when it reads as one (otherwise the contract names
 * it), a plant-local date-time becomes an instant. Nothing is trimmed, cut or replaced here.
 */
import type { DecisionOption } from '../domain/contracts/tasks.js';
import { localToInstant } from '../lib/time.js';

export type FormFields = Record<string, unknown>;

/** A field's text, or undefined when the form left it empty (for optional fields). */
export function optional(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  return v.trim() === '' ? undefined : v;
}

/** A required field's text as sent ('' when missing, so the contract says "must not be empty"). */
export const required = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A number field: a number when it reads as one, else the text (the contract refuses it by name). */
export function numberField(v: unknown): number | string | undefined {
  const s = optional(v)?.trim();
  if (s === undefined) return undefined;
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : s;
}

/** `YYYY-MM-DDTHH:mm` as read on a clock in `timeZone` → ISO 8601 UTC; null when it is not that. */
export function localToIso(local: string, timeZone: string): string | null {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)
    ? (localToInstant(local, timeZone)?.toISOString() ?? null)
    : null;
}

/** Drops the properties a form left empty. */
export const compact = <T extends Record<string, unknown>>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * The `data` of a decision from its option's fields, read by `fieldName(name)` from the form:
 * numbers as numbers, plant-local date-times as instants, the rest as text. Without the option
 * (live state unknown), every non-empty field is taken as text, date-times converted.
 */
export function decisionData(
  form: FormFields,
  option: DecisionOption | undefined,
  fieldName: (name: string) => string,
  timeZone: string,
  names: string[],
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const fields = option?.fields ?? names.map((name) => ({ name, type: 'text' as const }));
  for (const f of fields) {
    const raw = form[fieldName(f.name)];
    if (optional(raw) === undefined) continue;
    if (f.type === 'number') data[f.name] = numberField(raw);
    else if (f.type === 'datetime' || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(String(raw)))
      data[f.name] = localToIso(String(raw), timeZone) ?? raw;
    else data[f.name] = raw;
  }
  return data;
}
