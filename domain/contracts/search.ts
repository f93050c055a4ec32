/** GET /cases: finding cases by text, status, type, line and period, a page at a time. */
import { z } from 'zod';
import { CASE_STATUSES } from '../model.js';
import { exceptionType } from './policy.js';
import { isoDate, line, lineCode } from './rules.js';

const blankIsAbsent = (v: unknown): unknown => (v === '' ? undefined : v);

export const caseSearchQuery = z
  .object({
    q: z.preprocess(blankIsAbsent, line(200).optional()),
    status: z.preprocess(
      blankIsAbsent,
      z.enum(CASE_STATUSES, { message: `must be one of ${CASE_STATUSES.join(', ')}` }).optional(),
    ),
    type: z.preprocess(blankIsAbsent, exceptionType.optional()),
    line: z.preprocess(blankIsAbsent, lineCode.optional()),
    from: z.preprocess(blankIsAbsent, isoDate.optional()),
    to: z.preprocess(blankIsAbsent, isoDate.optional()),
    page: z.preprocess(
      blankIsAbsent,
      z
        .string()
        .regex(/^[0-9]{1,4}$/, 'must be a page number from 1 to 1000')
        .transform(Number)
        .pipe(z.number().min(1, 'must be at least 1').max(1000, 'at most 1000'))
        .default(1),
    ),
    lang: z.string().optional(),
  })
  .refine((s) => !s.from || !s.to || s.from <= s.to, { path: ['to'], message: 'must not be before from' });
export type CaseSearchQuery = z.infer<typeof caseSearchQuery>;
