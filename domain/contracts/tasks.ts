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

/** Checks a decision's data against its option's fields (zod-free, for the workflow bundle). */
export { checkDecisionData } from '../contract-rules.js';
