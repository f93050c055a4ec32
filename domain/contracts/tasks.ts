/** Tasks of an SOP as people see them: what is asked, the answers they may give, what they answered. */
import { z } from 'zod';

/** A field a decision option asks for, e.g. the supplier's ETA. */
export const optionField = z.object({
  name: z.string(),
  type: z.enum(['datetime', 'date', 'text', 'number']),
  label: z.string(),
});
export type OptionField = z.infer<typeof optionField>;

export const decisionOption = z.object({
  id: z.string(),
  label: z.string(),
  fields: z.array(optionField).optional(),
});
export type DecisionOption = z.infer<typeof decisionOption>;

export type DecisionData = Record<string, string | number>;

/** What a person answered to a task. */
export const taskResult = z.object({
  option: z.string(),
  data: z.record(z.string(), z.union([z.string(), z.number()])),
  by: z.string(),
  note: z.string().optional(),
  at: z.string(),
});
export type TaskResult = z.infer<typeof taskResult>;

/** Checks a decision's data against its option's fields; returns a reason when it does not fit. */
export function checkDecisionData(option: DecisionOption, data: DecisionData): string | null {
  for (const f of option.fields ?? []) {
    const v = data[f.name];
    if (v === undefined || v === '') return `option ${option.id} needs ${f.name} (${f.label})`;
    if (f.type === 'number' && typeof v !== 'number') return `${f.name} must be a number`;
    if (f.type !== 'number' && typeof v !== 'string') return `${f.name} must be a string`;
    if (f.type === 'datetime' && !/^\d{4}-\d{2}-\d{2}T.+(Z|[+-]\d{2}:?\d{2})$/.test(String(v))) {
      return `${f.name} must be an ISO 8601 date-time with a time zone`;
    }
    if (f.type === 'datetime' && !realYear(String(v))) return `${f.name} is not a valid date-time`;
    if (f.type === 'date' && (!/^\d{4}-\d{2}-\d{2}$/.test(String(v)) || !realYear(`${String(v)}T00:00:00Z`)))
      return `${f.name} must be a date, YYYY-MM-DD`;
  }
  return null;
}

/** A parseable date-time in the years 1970–9999 (PostgreSQL has no year 0). */
const realYear = (iso: string): boolean => {
  const year = Number(iso.slice(0, 4));
  return year >= 1970 && year <= 9999 && !Number.isNaN(Date.parse(iso));
};
