/** KPI report filters. */
import { z } from 'zod';
import { EXCEPTION_TYPES } from '../model.js';
import { isoDate, isoDateTime, line } from './rules.js';

/** How a summary report may be grouped, and the periods it buckets by. */
export const GROUP_BYS = ['none', 'type', 'line', 'shift', 'person', 'period'] as const;
export const PERIODS = ['day', 'week', 'month'] as const;

const DATE_MESSAGE =
  'must be a date (YYYY-MM-DD, midnight in tz) or an ISO 8601 date-time with a time zone, e.g. 2026-11-24T08:00:00Z';
const dateParam = z
  .string({ message: DATE_MESSAGE })
  .refine((s) => isoDate.safeParse(s).success || isoDateTime.safeParse(s).success, DATE_MESSAGE);

/**
 * An IANA zone name that ICU knows (PostgreSQL's tz database has the same names). Kept as given, not
 * canonicalised: ICU would turn Asia/Kolkata into Asia/Calcutta. POSIX offsets like "+05:00" are
 * refused, as PostgreSQL reads their sign backwards.
 */
function isTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const summaryQuery = z.object({
  groupBy: z.enum(GROUP_BYS, { message: `must be one of ${GROUP_BYS.join(', ')}` }).default('none'),
  period: z.enum(PERIODS, { message: `must be one of ${PERIODS.join(', ')}` }).default('day'),
  tz: z
    .string({ message: 'must be an IANA time zone, e.g. Europe/Berlin' })
    .trim()
    .refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin')
    .default('UTC'),
  from: dateParam.optional(),
  to: dateParam.optional(),
  type: z.enum(EXCEPTION_TYPES, { message: `must be one of ${EXCEPTION_TYPES.join(', ')}` }).optional(),
  line: line(64).optional(),
});
